import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../runtime/observability/logger.js';
import { BatchAbandonedError, BatchRunner, type Discard } from './batch-runner.js';
import { interpretResponse } from './interpret-response.js';
import { invocationEvent } from './invocation-event.js';
import { invokeFunction, type LocalFunction } from './invoke-function.js';
import type { IteratorPosition, ShardCheckpoint, SourceRecord, StreamSource } from './ports.js';
import { ProgressTracker } from './progress-tracker.js';
import { type EsmSettings, INVOKE_PAYLOAD_LIMIT_BYTES } from './settings.js';
import { ExpiredIteratorError, ReadThrottledError } from './sources/errors.js';
import { MAX_WINDOW_STATE_BYTES, type OpenWindow, stateBytes, windowFields, windowOf } from './tumbling-window.js';

/** Polling cadence and retry backoff of the local ESM. */
export interface PollingOptions {
  /** Wait after an empty GetRecords page. Lambda polls Kinesis about once a second, DynamoDB ~4 times. */
  readonly idleMs: number;
  /** Minimum gap between GetRecords calls while records flow (Kinesis 5 calls/s/shard → 200 ms). */
  readonly activeMs: number;
  /** First retry delay; doubles per retry up to `backoffMaxMs`. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/** Live counters of one event source mapping, shared by its shard consumers. */
export interface EsmCounters {
  recordsRead: number;
  recordsFiltered: number;
  recordsDone: number;
  recordsDiscarded: number;
  invocations: number;
  functionErrors: number;
  partialFailures: number;
  retries: number;
  lastArrivalMs: number;
  /** Records inside the function right now (an invocation under way). */
  invoking: number;
}

/** Retry back-offs under way: each is the epoch ms it ends at (for "retrying in Ns"). */
export type BackoffSet = Set<{ readonly untilMs: number }>;

/** Everything a shard consumer needs. */
export interface ShardConsumerOptions {
  readonly shardId: string;
  readonly source: StreamSource;
  readonly settings: EsmSettings;
  readonly fn: LocalFunction;
  readonly start: { readonly checkpoint: ShardCheckpoint | undefined; readonly position: IteratorPosition };
  /** ESM `FilterCriteria` as a test on records; filtered-out records are never invoked, only checkpointed past. */
  readonly filter: ((record: SourceRecord) => boolean) | undefined;
  /** Delivers discarded records to the on-failure destination (retrying until stored). */
  discard(discard: Discard, shardId: string): Promise<void>;
  /** Persists the shard's checkpoint. */
  saveCheckpoint(checkpoint: ShardCheckpoint): Promise<void>;
  readonly polling: PollingOptions;
  /** Clock for record age. */
  now(): number;
  readonly counters: EsmCounters;
  /** Where the consumer's retry back-offs are registered while they last. */
  readonly backoffs?: BackoffSet;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

interface Queued {
  readonly record: SourceRecord;
  readonly index: number;
}

/**
 * Wakes a waiting lane (or reader). A notification with nobody waiting is kept for the next `wait`, which
 * then returns at once: a push that lands while the lane is between its queue check and its wait is never
 * missed (it would otherwise sit there for a whole idle interval). Waiters re-check their condition anyway.
 */
class Signal {
  #resolve: (() => void) | undefined;
  #pending = false;
  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), ms);
      const done = () => {
        clearTimeout(timer);
        this.#resolve = undefined;
        resolve();
      };
      this.#resolve = done;
    });
  }
  notify(): void {
    if (this.#resolve !== undefined) this.#resolve();
    else this.#pending = true;
  }
}

const ENVELOPE_BYTES = 64;

/**
 * Reads one shard and feeds its records to the function with Lambda's ESM semantics: batches of up to
 * `batchSize` records of this shard, sent when full, when the batching window expires, at the 6 MB
 * invoke payload limit, or at shard end; up to `parallelizationFactor` batches in flight, each lane
 * owning the partition keys that hash to it (so order per key is kept); one checkpoint per shard over
 * the handled prefix; filtered records checkpointed past; tumbling windows per lane.
 *
 * @example
 * ```ts
 * const outcome = await new ShardConsumer(options).run(); // 'ended' at SHARD_END, 'stopped' on shutdown
 * ```
 */
export class ShardConsumer {
  readonly #o: ShardConsumerOptions;
  readonly #tracker: ProgressTracker;
  readonly #lanes: Lane[];
  #readerDone = false;
  #shardEnded = false;
  #lastReadAt = 0;
  #savedCheckpoint: string | undefined;
  #saving: Promise<void> = Promise.resolve();
  readonly #drained = new Signal();

  constructor(options: ShardConsumerOptions) {
    this.#o = options;
    this.#savedCheckpoint = options.start.checkpoint?.sequenceNumber;
    this.#tracker = new ProgressTracker(this.#savedCheckpoint);
    this.#lanes = Array.from({ length: options.settings.parallelizationFactor }, (_, i) => new Lane(this, i));
  }

  get options(): ShardConsumerOptions {
    return this.#o;
  }

  get readerDone(): boolean {
    return this.#readerDone;
  }

  get shardEnded(): boolean {
    return this.#shardEnded;
  }

  get lastReadAt(): number {
    return this.#lastReadAt;
  }

  /** Records read but not yet handled. */
  get pending(): number {
    return this.#tracker.pending;
  }

  /** Tumbling windows opened and not yet closed by their final invocation. */
  get openWindows(): number {
    return this.#lanes.filter((lane) => lane.hasOpenWindow).length;
  }

  /** Reads the shard until it ends or the ESM stops; resolves once every lane is idle. */
  async run(): Promise<'ended' | 'stopped'> {
    const lanes = this.#lanes.map((lane) => lane.run());
    try {
      await this.#read();
    } finally {
      this.#readerDone = true;
      for (const lane of this.#lanes) lane.wake();
    }
    await Promise.all(lanes);
    await this.#saving;
    if (this.#shardEnded && this.#tracker.pending === 0 && !this.#o.signal.aborted) {
      await this.#persist(true);
      return 'ended';
    }
    return 'stopped';
  }

  /** Marks records handled and persists the moved checkpoint. Called by lanes (and for filtered records). */
  markDone(items: readonly Queued[], invoked = true): void {
    for (const item of items) this.#tracker.markDone(item.index);
    if (invoked) this.#o.counters.recordsDone += items.length;
    const last = items.at(-1);
    if (last)
      this.#o.counters.lastArrivalMs = Math.max(this.#o.counters.lastArrivalMs, last.record.approximateArrivalMs);
    this.#drained.notify();
    if (this.#tracker.checkpoint() !== this.#savedCheckpoint) void this.#persist(false);
  }

  #persist(ended: boolean): Promise<void> {
    this.#saving = this.#saving.then(async () => {
      const sequenceNumber = this.#tracker.checkpoint();
      if (sequenceNumber === this.#savedCheckpoint && !ended) return;
      await this.#o.saveCheckpoint({ sequenceNumber, ended });
      this.#savedCheckpoint = sequenceNumber;
    });
    return this.#saving;
  }

  async #read(): Promise<void> {
    const o = this.#o;
    const limit = o.source.kind === 'kinesis' ? 10_000 : 1_000;
    const maxPending = Math.max(limit, o.settings.batchSize * o.settings.parallelizationFactor * 2);
    const startPosition = (): IteratorPosition => {
      const checkpoint = this.#tracker.checkpoint();
      return checkpoint !== undefined
        ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint }
        : o.start.position;
    };
    let lastRead: string | undefined;
    let iterator = await o.source.getIterator(o.shardId, startPosition());
    while (!o.signal.aborted) {
      if (this.#tracker.pending >= maxPending) {
        await this.#drained.wait(o.polling.idleMs);
        continue;
      }
      let page: Awaited<ReturnType<StreamSource['read']>>;
      const readStartedAt = Date.now();
      try {
        page = await o.source.read(iterator, limit);
      } catch (error) {
        if (error instanceof ExpiredIteratorError) {
          iterator = await o.source.getIterator(
            o.shardId,
            lastRead !== undefined ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastRead } : startPosition(),
          );
          continue;
        }
        if (error instanceof ReadThrottledError) {
          o.logger.warn({ shardId: o.shardId, err: error }, 'GetRecords throttled: backing off (not a retry)');
          await sleep(o.polling.idleMs, undefined, { signal: o.signal }).catch(() => {});
          continue;
        }
        throw error;
      }
      this.#lastReadAt = Date.now();
      const accepted: Queued[][] = this.#lanes.map(() => []);
      const filtered: Queued[] = [];
      for (const record of page.records) {
        const item = { record, index: this.#tracker.add(record.sequenceNumber) };
        lastRead = record.sequenceNumber;
        o.counters.recordsRead++;
        if (o.filter !== undefined && !o.filter(record)) filtered.push(item);
        else accepted[laneOf(record.partitionKey, this.#lanes.length)]!.push(item);
      }
      if (filtered.length > 0) {
        o.counters.recordsFiltered += filtered.length;
        this.markDone(filtered, false);
      }
      for (const [i, items] of accepted.entries()) if (items.length > 0) this.#lanes[i]!.push(items);
      for (const lane of this.#lanes) lane.wake();
      if (page.nextIterator === undefined) {
        this.#shardEnded = true;
        return;
      }
      iterator = page.nextIterator;
      // While records flow, reads start `activeMs` apart (Kinesis: 5 GetRecords/s/shard), whatever a read took.
      const pause = page.records.length > 0 ? o.polling.activeMs - (Date.now() - readStartedAt) : o.polling.idleMs;
      if (pause > 0) await sleep(pause, undefined, { signal: o.signal }).catch(() => {});
    }
  }
}

/** FNV-1a: a stable, cheap hash spreading partition keys over lanes. */
function laneOf(partitionKey: string, lanes: number): number {
  if (lanes === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    hash ^= partitionKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % lanes;
}

/** One of up to `parallelizationFactor` concurrent batch pipelines of a shard. */
class Lane {
  readonly #consumer: ShardConsumer;
  readonly #id: number;
  readonly #queue: Queued[] = [];
  readonly #wake = new Signal();
  #firstQueuedAt: number | undefined;
  #window: OpenWindow | undefined;
  /** The batch the runner is on, and how many of its records are handled (checkpointable). */
  #batch: readonly Queued[] = [];
  #doneUpTo = 0;
  /** One runner per lane, for all its batches (it keeps no state between runs). */
  readonly #runner: BatchRunner;

  constructor(consumer: ShardConsumer, id: number) {
    this.#consumer = consumer;
    this.#id = id;
    const o = consumer.options;
    this.#runner = new BatchRunner({
      bisectOnError: o.settings.bisectOnError,
      maxRetries: o.settings.maxRetries,
      maxRecordAgeSeconds: o.settings.maxRecordAgeSeconds,
      signal: o.signal,
      now: () => o.now(),
      invoke: (records, state) => this.#invoke(records, state),
      discard: async (discard) => {
        o.counters.recordsDiscarded += discard.records.length;
        await o.discard(discard, o.shardId);
      },
      progress: (record) => this.#progress(record),
      backoff: async (retry) => {
        o.counters.retries++;
        const delay = Math.min(o.polling.backoffMaxMs, o.polling.backoffBaseMs * 2 ** retry);
        const backoff = { untilMs: Date.now() + delay };
        o.backoffs?.add(backoff);
        try {
          await sleep(delay, undefined, { signal: o.signal }).catch(() => {});
        } finally {
          o.backoffs?.delete(backoff);
        }
      },
    });
  }

  /** Every record of the current batch up to and including `record` is handled. */
  #progress(record: SourceRecord): void {
    const batch = this.#batch;
    let position = this.#doneUpTo;
    while (position < batch.length && batch[position]!.record !== record) position++;
    if (position === batch.length) return;
    this.#consumer.markDone(batch.slice(this.#doneUpTo, position + 1));
    this.#doneUpTo = position + 1;
  }

  get hasOpenWindow(): boolean {
    return this.#window !== undefined;
  }

  push(items: readonly Queued[]): void {
    if (this.#queue.length === 0) this.#firstQueuedAt = Date.now();
    this.#queue.push(...items);
  }

  wake(): void {
    this.#wake.notify();
  }

  async run(): Promise<void> {
    const o = this.#consumer.options;
    const windowMs = o.settings.batchWindowSeconds * 1000;
    try {
      while (!o.signal.aborted) {
        if (this.#queue.length === 0) {
          if (this.#consumer.readerDone) break;
          await this.#closeWindowByTime();
          await this.#wake.wait(o.polling.idleMs);
          continue;
        }
        const full = this.#queue.length >= o.settings.batchSize || this.#queuedBytes() >= INVOKE_PAYLOAD_LIMIT_BYTES;
        const waited = Date.now() - (this.#firstQueuedAt ?? 0);
        if (!full && !this.#consumer.readerDone && waited < windowMs) {
          await this.#wake.wait(windowMs - waited);
          continue;
        }
        await this.#runNextBatch();
      }
      if (!o.signal.aborted && this.#window !== undefined && this.#consumer.shardEnded) {
        await this.#closeWindow(true);
      }
    } catch (error) {
      if (!(error instanceof BatchAbandonedError)) throw error;
    }
  }

  #queuedBytes(): number {
    let bytes = ENVELOPE_BYTES;
    for (const item of this.#queue) {
      bytes += item.record.payloadBytes + 1;
      if (bytes >= INVOKE_PAYLOAD_LIMIT_BYTES) break;
    }
    return bytes;
  }

  /** Takes the next batch: ≤ batchSize records, ≤ 6 MB, and (windowed) from one window only. */
  #takeBatch(): Queued[] {
    const o = this.#consumer.options;
    const windowSeconds = o.settings.tumblingWindowSeconds;
    const first = this.#queue[0]!;
    const firstWindow = windowSeconds > 0 ? windowOf(first.record.approximateArrivalMs, windowSeconds).startMs : 0;
    let bytes = ENVELOPE_BYTES;
    let count = 0;
    while (count < this.#queue.length && count < o.settings.batchSize) {
      const item = this.#queue[count]!;
      if (count > 0 && bytes + item.record.payloadBytes + 1 > INVOKE_PAYLOAD_LIMIT_BYTES) break;
      if (windowSeconds > 0 && windowOf(item.record.approximateArrivalMs, windowSeconds).startMs !== firstWindow) break;
      bytes += item.record.payloadBytes + 1;
      count++;
    }
    const batch = this.#queue.splice(0, count);
    this.#firstQueuedAt = this.#queue.length > 0 ? Date.now() : undefined;
    return batch;
  }

  async #runNextBatch(): Promise<void> {
    const o = this.#consumer.options;
    const batch = this.#takeBatch();
    const windowSeconds = o.settings.tumblingWindowSeconds;
    if (windowSeconds > 0) {
      const bounds = windowOf(batch[0]!.record.approximateArrivalMs, windowSeconds);
      if (this.#window !== undefined && this.#window.startMs !== bounds.startMs) await this.#closeWindow(false);
      this.#window ??= { ...bounds, state: {} };
    }
    this.#batch = batch;
    this.#doneUpTo = 0;
    let state: unknown;
    try {
      state = await this.#runner.run(
        batch.map((item) => item.record),
        this.#window?.state,
      );
    } finally {
      this.#batch = [];
    }
    if (this.#window !== undefined) {
      this.#window.state = state;
      if (stateBytes(state) > MAX_WINDOW_STATE_BYTES) await this.#closeWindow(true);
    }
  }

  async #invoke(records: readonly SourceRecord[], state: unknown) {
    const o = this.#consumer.options;
    const window = this.#window;
    const event = invocationEvent(
      records,
      window === undefined
        ? undefined
        : windowFields({ ...window, state }, o.shardId, o.source.streamArn, false, false),
    );
    return this.#call(event, records);
  }

  /** Invokes the function on an event from {@link invocationEvent} (already as the JSON boundary makes it). */
  async #call(event: object, records: readonly SourceRecord[]) {
    const o = this.#consumer.options;
    o.counters.invocations++;
    o.counters.invoking += records.length;
    let invocation: Awaited<ReturnType<typeof invokeFunction>>;
    try {
      invocation = await invokeFunction(o.fn, event, { eventCopied: true });
    } finally {
      o.counters.invoking -= records.length;
    }
    const { requestId, outcome } = invocation;
    const verdict = interpretResponse(
      outcome,
      records,
      o.settings.reportBatchItemFailures,
      o.settings.tumblingWindowSeconds > 0,
    );
    if (verdict.kind === 'failure') {
      o.counters.functionErrors++;
      o.logger.warn(
        { shardId: o.shardId, lane: this.#id, requestId, records: records.length, reason: verdict.reason },
        'batch failed',
      );
    } else if (verdict.kind === 'partial') {
      o.counters.partialFailures++;
    }
    return { requestId, verdict };
  }

  /** Closes the window once its end has passed and a read after the end found nothing more for it. */
  async #closeWindowByTime(): Promise<void> {
    if (this.#window === undefined) return;
    if (this.#consumer.lastReadAt > this.#window.endMs && Date.now() > this.#window.endMs)
      await this.#closeWindow(false);
  }

  /** The final invocation of a window: no records, `isFinalInvokeForWindow`. Retried until it succeeds. */
  async #closeWindow(terminatedEarly: boolean): Promise<void> {
    const o = this.#consumer.options;
    const window = this.#window!;
    let retry = 0;
    while (!o.signal.aborted) {
      const event = invocationEvent([], windowFields(window, o.shardId, o.source.streamArn, true, terminatedEarly));
      const { verdict } = await this.#call(event, []);
      if (verdict.kind !== 'failure') break;
      const delay = Math.min(o.polling.backoffMaxMs, o.polling.backoffBaseMs * 2 ** retry++);
      await sleep(delay, undefined, { signal: o.signal }).catch(() => {});
    }
    this.#window = undefined;
  }
}
