import type { AnyProcessor } from '../config/processor.js';
import { ENGINE_FIELDS } from '../config/settings/stream.js';
import type { StreamConfig } from '../config/types.js';
import { PermanentError, UnattributableFailureError } from '../errors.js';
import { type Logger, levelEnabled, recordBindings } from '../observability/logger.js';
import type { BatchMetrics } from '../observability/metrics.js';
import { EventDecoder, InvalidImageError } from '../records/index.js';
import type { StreamBatchResponse, TumblingWindowFields } from '../records/lambda-events.js';
import type { DecodedEntry, StreamRecord, StreamSourceType, UndecodableRecord } from '../records/stream-record.js';
import { createRedactor, type Redactor } from '../redaction/index.js';
import type { Router } from '../routing/index.js';
import { BatchBuffers } from './batch-buffers.js';
import { drainQueue, TaskQueue } from './bounded-runner.js';
import { type CheckpointInput, checkpointFailures } from './checkpoint.js';
import { DeadlineGuard } from './deadline-guard.js';
import {
  BatchCommitError,
  DeadlineReachedError,
  IdempotencyInProgressError,
  UnmatchedRecordError,
  UnroutableRecordError,
  WindowCloseError,
} from './errors.js';
import { emptyFateCounts, Fate, type FateCounts, RETRY_FATES } from './fates.js';
import { namespacedKey, processorIdempotencyKey, recordIdentityKey } from './idempotency/idempotency-key.js';
import type { ClaimState, IdempotencyStore } from './idempotency/idempotency-store.js';
import { rawPayload, validatePayload } from './payload.js';
import {
  createEntryRedactor,
  type QuarantineEntry,
  type QuarantineSink,
  QuarantineWriteError,
  toQuarantineEntry,
} from './quarantine/index.js';
import { InvocationScope, RecordContext } from './record-context.js';
import { createStreamRouter } from './stream-router.js';
import { toError } from './thrown-value.js';
import { WindowState } from './window-state.js';

/** The parts of the Lambda context the engine reads. */
export interface InvocationContext {
  readonly awsRequestId?: string;
  readonly functionName?: string;
  getRemainingTimeInMillis?(): number;
}

/** The fate of one record (one KPL user record for aggregates), in event order. */
export interface RecordOutcome {
  readonly index: number;
  readonly shardId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly subSequenceNumber: number | undefined;
  readonly partitionKey: string | undefined;
  readonly processor: string | undefined;
  readonly fate: Fate;
  readonly error: Error | undefined;
}

/** Everything a batch produced: the Lambda response plus per-record outcomes and counts. */
export interface BatchResult {
  readonly response: StreamBatchResponse;
  readonly outcomes: readonly RecordOutcome[];
  readonly counts: FateCounts;
}

/** Collaborators of the engine; the handler builds them once per execution environment. */
export interface BatchEngineOptions {
  readonly service: string;
  readonly streamName: string;
  readonly stream: StreamConfig;
  readonly processorsByName: ReadonlyMap<string, AnyProcessor>;
  readonly logger: Logger;
  /** Where permanent failures go. Without one, they are reported for retry (nothing is dropped). */
  readonly quarantine?: QuarantineSink | undefined;
  readonly idempotency?: IdempotencyStore | undefined;
  readonly metrics?: BatchMetrics | undefined;
  /** Paths redacted in quarantine entries' payloads (from `logging.redact`, unless the stream keeps them). */
  readonly quarantineRedactPaths?: readonly string[];
  /**
   * The `logging.redact` paths: a DynamoDB partition key in log lines (the item's key attributes, as JSON)
   * has the attributes at these paths censored. The lines themselves are redacted by the logger.
   */
  readonly redactPaths?: readonly string[];
}

/** The fields of the `batch done` line: every fate's count (the type makes the literal list them all). */
type BatchDoneLine = {
  readonly awsRequestId: string | undefined;
  readonly stream: string;
  readonly records: number;
  readonly batchItemFailures: number;
  readonly durationMs: number;
  readonly iteratorAgeMs: number;
} & Readonly<FateCounts>;

/** One record's journey through a batch. Mutable only inside the engine. */
interface WorkItem {
  /**
   * The decoded record or its failure. Let go of once the record's slice has run (see {@link WHOLE_BATCH_RECORDS}),
   * unless the record is quarantined (the quarantine entry is built from it); what the later phases read
   * is copied into the fields below.
   */
  entry: DecodedEntry | undefined;
  /** The decoded record (`undefined` for an undecodable one); let go of with {@link entry}. */
  record: StreamRecord | undefined;
  readonly index: number;
  readonly source: StreamSourceType;
  readonly shardId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly subSequenceNumber: number | undefined;
  /** The key the record is ordered under: its partition key, or an internal one for an undecodable record without one. */
  readonly orderingKey: string;
  /** The partition key reported in the record's outcome (`undefined` for an undecodable record without one). */
  readonly partitionKey: string | undefined;
  /** `approximateArrivalMs` of a decoded record, for the iterator age. */
  readonly arrivalMs: number | undefined;
  processor: AnyProcessor | undefined;
  /** The validated payload until the record runs ({@link NOT_VALIDATED} until it is validated), then `undefined`. */
  payload: unknown;
  idempotencyKey: string | undefined;
  fate: Fate | undefined;
  error: Error | undefined;
  /** A permanent error found before execution (decode, schema, unmatched); applied in order. */
  permanent: Error | undefined;
  /** A transient error found before execution (unmatched under `fail`, idempotency store down). */
  transient: Error | undefined;
  /** The next record of the same ordering group (linked while executing). */
  next: WorkItem | undefined;
}

/** Engine defaults, from the settings table. */
const DEFAULT_CONCURRENCY = ENGINE_FIELDS.concurrency.default;
const DEFAULT_DEADLINE_MARGIN_MS = ENGINE_FIELDS.deadlineMarginMs.default;
const DEFAULT_MAX_RECORD_BYTES = ENGINE_FIELDS.maxRecordBytes.default;
const DEFAULT_LOCK_MS = 15 * 60 * 1000;
/**
 * A batch of at most this many raw records is decoded, routed and run whole; a larger one slice after slice
 * ({@link SLICE_RECORDS}), in event order: per-key order and a stopped key carry over from one slice to the
 * next, and the checkpoint is computed over the whole batch. Each slice's decoded records are let go of once
 * it has run. Whole, every decoded record and image of a large batch lived until it ended, and that
 * retention was most of the engine's time (DynamoDB, 1 KB items, batch 10 000: 28 % of the profile in
 * garbage collection).
 *
 * Measured with the micro suite (Node 20.20, 2 cores, 5–7 interleaved rounds, medians of the ratio to the
 * hand loop; single runs move by ±0.1×): DynamoDB at 10 000, whole 0.53×, slices of 1000 0.75×, 500
 * 0.76×, 250 0.80–0.83×, 125 0.83–0.87×, 100 0.89×, 64 0.89×; at 3000, whole 0.69×, slices of 100
 * 0.91×; at 1000, whole 0.95–1.04×, slices of 100 0.83–0.90× (so a batch this size stays whole).
 * Kinesis at 10 000: whole 0.80×, slices of 100 0.98×. The tables: docs/benchmarks.md.
 */
export const WHOLE_BATCH_RECORDS = 1000;

/**
 * Raw records per slice of a batch over {@link WHOLE_BATCH_RECORDS}. 100 is also what one call of the
 * DynamoDB idempotency store's claim takes (`BatchGetItem` and `TransactWriteItems` take 100 items a call),
 * so slices make no more calls than the whole batch did, but one slice after the other where the whole
 * batch's chunks went 4 at a time. A slice is a barrier for concurrency (the next starts when
 * the last key of this one is done): with a processor that awaits 1–4 ms per record, 16 workers and 100
 * keys, 4000 records took 765–799 ms in slices of 100, 751–781 ms whole, 817–866 ms in slices of 64.
 */
export const SLICE_RECORDS = 100;
/** The ordering group of every record under `ordering: 'shard'` (a stopped shard stays stopped across slices). */
const SHARD_GROUP = '\u0000shard';
/** `WorkItem.payload` of a record whose validation waits for its execution. */
const NOT_VALIDATED: unique symbol = Symbol('not validated');
/** Idempotency namespace of quarantine writes; processor names cannot contain `$` (validateConfig), so it never collides. */
const QUARANTINE_NAMESPACE = '$quarantine';

/** The identity of a batch slot for idempotency: the record's identity, or the raw record's for undecodable ones. */
function identityOf(entry: DecodedEntry): string {
  if (entry.ok) return recordIdentityKey(entry.record);
  const f = entry.failure;
  return `${f.source}:${f.eventSourceARN}:${f.shardId ?? ''}:${f.sequenceNumber ?? f.eventID}`;
}

/**
 * The decoded record or its failure. Only quarantined records still hold it once their slice has run,
 * and only they are read through this.
 */
function subjectOf(item: WorkItem): StreamRecord | UndecodableRecord {
  const entry = item.entry;
  if (entry === undefined) throw new Error(`internal: record ${item.index} was read after its slice let go of it`);
  return entry.ok ? entry.record : entry.failure;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** What the workers of one batch's execution share, across its slices. */
interface Execution {
  /** The idempotency claims of the batch so far (every slice adds its new keys), or `undefined` without a store. */
  readonly claims: Map<string, ClaimState> | undefined;
  readonly scope: InvocationScope;
  readonly windows: WindowState | undefined;
  /** Idempotency keys already started in this batch (a second record with one is a duplicate). */
  readonly startedKeys: Set<string>;
  readonly ordering: 'partitionKey' | 'shard' | 'none';
  /** Ordering groups stopped in an earlier slice (a failed or deferred record): their later records are blocked. */
  readonly stoppedGroups: Set<string>;
}

/**
 * A worker of {@link BatchEngine}'s execution: takes ordering groups (linked lists of work items, `next`)
 * from the queue and runs each group's records in order, in its own loop (no async call per group).
 */
async function runGroups(queue: TaskQueue<WorkItem>, execution: Execution): Promise<void> {
  const { claims, scope, windows, startedKeys, stoppedGroups } = execution;
  const guard = scope.guard;
  const ordered = execution.ordering !== 'none';
  const shardOrdered = execution.ordering === 'shard';
  for (let head = queue.take(); head !== undefined; head = queue.take()) {
    const group = !ordered ? undefined : shardOrdered ? SHARD_GROUP : head.orderingKey;
    let stopped: Fate | undefined =
      group !== undefined && stoppedGroups.size > 0 && stoppedGroups.has(group) ? Fate.blocked : undefined;
    for (let item: WorkItem | undefined = head; item !== undefined; item = item.next) {
      if (item.fate !== undefined) continue; // ignored during prepare
      if (stopped !== undefined) {
        item.fate = Fate.blocked;
        continue;
      }
      if (guard.expired()) {
        item.fate = Fate.deferred;
        item.error = new DeadlineReachedError(`stopped ${Math.round(guard.remainingMs())} ms before the deadline`);
        stopped = Fate.deferred;
        continue;
      }
      if (item.transient) {
        item.fate = Fate.failed;
        item.error = item.transient;
        stopped = Fate.failed;
        continue;
      }
      const key = item.idempotencyKey;
      if (key !== undefined) {
        const claim = claims?.get(key);
        if (claim === 'completed' || startedKeys.has(key)) {
          item.fate = Fate.duplicate;
          continue;
        }
        if (claim === 'in-progress') {
          item.fate = Fate.failed;
          item.error = new IdempotencyInProgressError(`another invocation holds the lock on ${key}`);
          stopped = Fate.failed;
          continue;
        }
        startedKeys.add(key);
      }
      if (item.payload === NOT_VALIDATED) {
        // Validated now rather than in #prepare: same fate, same order (a schema failure only ever
        // quarantines, and only once the checks above let the record run), but the parsed data is
        // garbage as soon as the record is done instead of living until the batch ends. That retention
        // was most of the engine's garbage-collection time: 0.72 µs per record against the hand loop's
        // 0.20 µs at 100 records, 10.5 µs against 0.72 µs at 10 000 (Kinesis, 1 KB JSON).
        try {
          item.payload = validatePayload(item.processor!, rawPayload(item.record!, item.processor!));
        } catch (error) {
          item.payload = undefined;
          item.permanent = toError(error);
        }
      }
      if (item.permanent) {
        item.fate = Fate.quarantined;
        item.error = item.permanent;
        continue;
      }
      const processor = item.processor!;
      const window = windows?.contextFor(processor);
      const snapshot = window !== undefined ? windows!.snapshot(processor) : undefined;
      const ctx = new RecordContext(item.record!, processor, scope, key, window);
      const payload = item.payload;
      item.payload = undefined;
      try {
        const result = processor.process(payload, ctx as never);
        if (isThenable(result)) await result;
        item.fate = Fate.processed;
      } catch (thrown) {
        const error = toError(thrown);
        if (window !== undefined) windows!.restore(processor, snapshot);
        item.error = error;
        if (error instanceof PermanentError) {
          item.fate = Fate.quarantined;
        } else {
          item.fate = Fate.failed;
          stopped = Fate.failed;
        }
      }
    }
    if (stopped !== undefined && group !== undefined) stoppedGroups.add(group);
  }
}

/** A work item once its fate is settled: what `checkpointFailures` reads. */
type CheckpointItem = WorkItem & CheckpointInput;

/** The fate of each item, as the public {@link RecordOutcome}. */
function outcomeOf(item: WorkItem): RecordOutcome {
  return {
    index: item.index,
    shardId: item.shardId,
    sequenceNumber: item.sequenceNumber,
    subSequenceNumber: item.subSequenceNumber,
    partitionKey: item.partitionKey,
    processor: item.processor?.name,
    fate: item.fate ?? Fate.failed,
    error: item.error,
  };
}

/**
 * A batch's result. The per-record outcomes are built on first read: the Lambda handler returns only the
 * response, so its batches never build them (an object per record).
 */
class EngineResult implements BatchResult {
  readonly response: StreamBatchResponse;
  readonly counts: FateCounts;
  #items: readonly WorkItem[] | undefined;
  #outcomes: readonly RecordOutcome[] | undefined;

  constructor(response: StreamBatchResponse, counts: FateCounts, items: readonly WorkItem[]) {
    this.response = response;
    this.counts = counts;
    this.#items = items;
  }

  get outcomes(): readonly RecordOutcome[] {
    if (this.#outcomes === undefined) {
      this.#outcomes = this.#items!.map(outcomeOf);
      this.#items = undefined;
    }
    return this.#outcomes;
  }

  /** `response`, `outcomes` and `counts`, as the plain result object they stand for. */
  toJSON(): { response: StreamBatchResponse; outcomes: readonly RecordOutcome[]; counts: FateCounts } {
    return { response: this.response, outcomes: this.outcomes, counts: this.counts };
  }
}

/**
 * The stream-correct batch engine: decode → route → validate → execute (ordered per key, bounded
 * concurrency, idempotent, deadline-guarded) → quarantine → report the checkpoint. A batch of more than
 * {@link WHOLE_BATCH_RECORDS} records is decoded, routed and executed slice after slice, as one batch.
 * One instance per stream function, built once and reused across invocations.
 *
 * @example
 * ```ts
 * const engine = new BatchEngine({ service, streamName: 'orders', stream, processorsByName, logger });
 * const { response } = await engine.run(event, context); // { batchItemFailures: [...] }
 * ```
 */
export class BatchEngine {
  readonly #options: BatchEngineOptions;
  readonly #router: Router<AnyProcessor>;
  readonly #routedProcessors: readonly AnyProcessor[];
  readonly #redactEntry: ((entry: QuarantineEntry) => QuarantineEntry) | undefined;
  readonly #redactor: Redactor;

  constructor(options: BatchEngineOptions) {
    this.#options = options;
    const { router, processors } = createStreamRouter(options.streamName, options.stream, options.processorsByName);
    this.#router = router;
    this.#redactEntry = createEntryRedactor(options.quarantineRedactPaths ?? []);
    this.#redactor = createRedactor(options.redactPaths ?? []);
    this.#routedProcessors = processors;
  }

  /** Processes one Lambda event. Throws only when the whole batch must fail. */
  async run(event: unknown, context?: InvocationContext): Promise<BatchResult> {
    const { stream, logger: rootLogger, idempotency, metrics } = this.#options;
    const awsRequestId = context?.awsRequestId;
    const decoder = new EventDecoder(event, { maxRecordBytes: stream.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES });
    const windows = WindowState.from(event as TumblingWindowFields, this.#routedProcessors);
    const guard = new DeadlineGuard(context, stream.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS);
    const buffers = new BatchBuffers();
    // The invocation's child logger (awsRequestId, stream) is made only when a line needs it.
    const scope = new InvocationScope(
      rootLogger,
      { awsRequestId, stream: this.#options.streamName },
      awsRequestId,
      guard,
      buffers,
      idempotency,
      this.#redactor,
    );
    // The duration goes into the `batch done` line and the metrics only.
    const started = metrics !== undefined || levelEnabled(scope, 'info') ? performance.now() : 0;
    try {
      this.#failIfUnattributable(decoder, scope);
      const execution: Execution = {
        claims: idempotency === undefined ? undefined : new Map(),
        scope,
        windows,
        startedKeys: new Set<string>(),
        // Windowed aggregation needs one order for the shard so that the returned state matches the checkpoint.
        ordering: windows !== undefined ? 'shard' : (stream.ordering ?? ENGINE_FIELDS.ordering.default),
        stoppedGroups: new Set<string>(),
      };
      const sliced = decoder.length > WHOLE_BATCH_RECORDS;
      const sliceRecords = sliced ? SLICE_RECORDS : decoder.length;
      let items: WorkItem[] = [];
      const entries: DecodedEntry[] = [];
      for (let start = 0; start < decoder.length; start += sliceRecords) {
        entries.length = 0;
        decoder.decodeRange(start, start + sliceRecords, entries);
        const slice = this.#prepare(entries, scope);
        // Phases with nothing to do are skipped rather than awaited: each await is a few microtask turns.
        if (execution.claims !== undefined) await this.#claim(slice, guard, execution.claims);
        await this.#execute(slice, execution);
        if (!sliced) {
          items = slice;
          continue;
        }
        for (let i = 0; i < slice.length; i++) {
          const item = slice[i] as WorkItem;
          if (item.fate !== Fate.quarantined) {
            item.entry = undefined;
            item.record = undefined;
          }
          items.push(item);
        }
      }
      for (const warning of decoder.warnings()) scope.logger.warn(warning);
      if (!buffers.isEmpty) await this.#commit(items, buffers, scope, awsRequestId);
      if (idempotency !== undefined || items.some((item) => item.fate === Fate.quarantined)) {
        await this.#finish(items, scope, context);
      }
      if (windows?.isFinal && !items.some((item) => item.fate !== undefined && RETRY_FATES.has(item.fate))) {
        try {
          await windows.close();
        } catch (error) {
          throw new WindowCloseError(`window ${windows.start}–${windows.end} onClose failed`, {
            cause: toError(error),
          });
        }
      }
      const result = this.#report(items, windows);
      this.#observe(result, items, scope, started);
      return result;
    } finally {
      guard.dispose();
    }
  }

  /**
   * Phase 0: a record without a sequence number cannot be reported in `batchItemFailures`, so its batch
   * fails as a whole before any record of it runs (Lambda then retries the batch as it does an error).
   */
  #failIfUnattributable(decoder: EventDecoder, scope: InvocationScope): void {
    const entry = decoder.firstWithoutSequenceNumber();
    if (entry === undefined || entry.ok) return;
    const failure = entry.failure;
    scope.logger.error(
      { eventID: failure.eventID, index: failure.index, err: failure.error },
      'record without a sequence number: failing the whole batch',
    );
    throw new UnattributableFailureError(
      `record ${failure.index} (eventID ${failure.eventID}) has no sequence number; the whole batch fails`,
      { cause: failure.error },
    );
  }

  /** Phase 1 (pure): route and validate a slice's records. */
  #prepare(entries: readonly DecodedEntry[], scope: InvocationScope): WorkItem[] {
    const { stream } = this.#options;
    const unmatched = stream.unmatched ?? ENGINE_FIELDS.unmatched.default;
    const debug = levelEnabled(scope, 'debug');
    // Without an idempotency store nothing between here and a record's execution reads its payload, unless
    // its processor derives an idempotency key from it.
    const deferValidation = this.#options.idempotency === undefined;
    const items: WorkItem[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (!entry.ok) {
        // Every failure has a sequence number here (#failIfUnattributable).
        const failure = entry.failure;
        items[i] = {
          entry,
          record: undefined,
          index: failure.index,
          source: failure.source,
          shardId: failure.shardId,
          sequenceNumber: failure.sequenceNumber,
          subSequenceNumber: undefined,
          orderingKey: failure.partitionKey ?? `\u0000index:${failure.index}`,
          partitionKey: failure.partitionKey,
          arrivalMs: undefined,
          processor: undefined,
          payload: undefined,
          idempotencyKey: undefined,
          fate: undefined,
          error: undefined,
          permanent: failure.error,
          transient: undefined,
          next: undefined,
        };
        continue;
      }
      const record = entry.record;
      const item: WorkItem = {
        entry,
        record,
        index: record.index,
        source: record.source,
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        subSequenceNumber: record.source === 'kinesis' ? record.subSequenceNumber : undefined,
        orderingKey: record.partitionKey,
        partitionKey: record.partitionKey,
        arrivalMs: record.approximateArrivalMs,
        processor: undefined,
        payload: undefined,
        idempotencyKey: undefined,
        fate: undefined,
        error: undefined,
        permanent: undefined,
        transient: undefined,
        next: undefined,
      };
      items[i] = item;
      let match: { target: AnyProcessor } | undefined;
      try {
        match = this.#router.route(record);
      } catch (error) {
        // A route predicate threw: user code, so retried like any processor error, unless what failed is
        // the record's own old image, unmarshalled when the predicate first read it: that is poison.
        if (error instanceof InvalidImageError) item.permanent = error;
        else item.transient = toError(error);
        continue;
      }
      if (match === undefined) {
        if (unmatched === 'skip') {
          item.fate = Fate.ignored;
          if (debug) {
            scope.logger.debug(
              recordBindings(record, this.#redactor),
              'no route matches the record: skipped (unmatched policy: skip)',
            );
          }
        } else if (unmatched === 'quarantine') item.permanent = new UnmatchedRecordError('no route matches the record');
        else item.transient = new UnroutableRecordError('no route matches the record (unmatched policy: fail)');
        continue;
      }
      const processor = match.target;
      item.processor = processor;
      if (deferValidation && !processor.idempotency) {
        // Nothing before execution needs the payload: validate it when the record runs, so that a batch's
        // parsed payloads do not all live until it ends (see #execute).
        item.payload = NOT_VALIDATED;
        continue;
      }
      try {
        item.payload = validatePayload(processor, rawPayload(record, processor));
      } catch (error) {
        item.permanent = toError(error);
        continue;
      }
      try {
        item.idempotencyKey = processorIdempotencyKey(processor, item.payload, record);
      } catch (error) {
        item.permanent = toError(error);
      }
    }
    if (this.#options.idempotency !== undefined) {
      // Quarantine once: a poison record redelivered after a later failure is not quarantined again.
      for (const item of items) {
        if (item.permanent === undefined || item.idempotencyKey !== undefined) continue;
        item.idempotencyKey = namespacedKey(QUARANTINE_NAMESPACE, identityOf(item.entry!));
      }
    }
    return items;
  }

  /**
   * Phase 2: claim the slice's idempotency keys not claimed by an earlier slice, in as few round trips as
   * the store allows, into the batch's `claims`. When the store fails, the slice's records with a key not
   * claimed yet fail (transient).
   */
  async #claim(items: WorkItem[], guard: DeadlineGuard, claims: Map<string, ClaimState>): Promise<void> {
    const store = this.#options.idempotency;
    const keys = new Set<string>();
    for (const item of items) {
      const key = item.idempotencyKey;
      if (key !== undefined && !claims.has(key)) keys.add(key);
    }
    if (keys.size === 0 || store === undefined) return;
    const remaining = guard.remainingMs();
    const lockMs = Number.isFinite(remaining) ? Math.max(1000, remaining) : DEFAULT_LOCK_MS;
    try {
      for (const [key, state] of await store.begin([...keys], lockMs)) claims.set(key, state);
    } catch (error) {
      for (const item of items)
        if (item.idempotencyKey !== undefined && keys.has(item.idempotencyKey)) item.transient ??= toError(error);
    }
  }

  /** Phase 3: run a slice's records, ordered per key, keys concurrently up to the stream's limit. */
  async #execute(items: WorkItem[], execution: Execution): Promise<void> {
    const { stream } = this.#options;
    const { ordering } = execution;
    if (items.length === 0) return;
    if (ordering === 'shard') {
      for (let i = 1; i < items.length; i++) (items[i - 1] as WorkItem).next = items[i];
      await runGroups(new TaskQueue([items[0] as WorkItem]), execution);
      return;
    }
    const concurrency = stream.concurrency ?? DEFAULT_CONCURRENCY;
    if (ordering === 'none') {
      await drainQueue(new TaskQueue(items), concurrency, runGroups, execution);
      return;
    }
    // One group per ordering key, in order of first appearance; each group's items linked in event order.
    const heads: WorkItem[] = [];
    const tails = new Map<string, WorkItem>();
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as WorkItem;
      const tail = tails.get(item.orderingKey);
      if (tail === undefined) heads.push(item);
      else tail.next = item;
      tails.set(item.orderingKey, item);
    }
    await drainQueue(new TaskQueue(heads), concurrency, runGroups, execution);
  }

  /** Phase 4a: commit processors' batch buffers; a failed commit reports that processor's records for retry. */
  async #commit(items: WorkItem[], buffers: BatchBuffers, scope: InvocationScope, awsRequestId: string | undefined) {
    const first = items[0];
    const failed = await buffers.commitAll({
      stream: this.#options.streamName,
      shardId: first?.shardId,
      awsRequestId,
      firstSequenceNumber: first?.sequenceNumber,
    });
    if (failed.size === 0) return;
    const causes = new Map<AnyProcessor, Error>();
    for (const [processor, cause] of failed) {
      causes.set(processor, toError(cause));
      scope.logger.error(
        { processor: processor.name, err: causes.get(processor) },
        'batch commit failed: reporting its records for retry',
      );
    }
    for (const item of items) {
      if (item.fate !== Fate.processed || item.processor === undefined || !failed.has(item.processor)) continue;
      item.fate = Fate.failed;
      item.error = new BatchCommitError(`commit of '${item.processor.name}' failed`, {
        cause: causes.get(item.processor),
      });
    }
  }

  /** Phase 4b: write quarantined records, then record idempotency completions and releases. */
  async #finish(items: WorkItem[], scope: InvocationScope, context: InvocationContext | undefined): Promise<void> {
    const quarantined = items.filter((item) => item.fate === Fate.quarantined);
    if (quarantined.length > 0) await this.#quarantine(quarantined, scope, context);

    const store = this.#options.idempotency;
    if (store === undefined) return;
    const completed: string[] = [];
    const released: string[] = [];
    const claimedHere = new Set<string>();
    for (const item of items) {
      const key = item.idempotencyKey;
      if (key === undefined || item.fate === Fate.duplicate || claimedHere.has(key)) continue;
      if (item.fate === Fate.processed || item.fate === Fate.quarantined) {
        completed.push(key);
        claimedHere.add(key);
      }
    }
    for (const item of items) {
      const key = item.idempotencyKey;
      if (key === undefined || claimedHere.has(key) || item.fate === Fate.duplicate) continue;
      if (item.error instanceof IdempotencyInProgressError || item.transient !== undefined) continue;
      released.push(key);
      claimedHere.add(key);
    }
    if (completed.length === 0 && released.length === 0) return;
    try {
      await store.finish(completed, released);
    } catch (error) {
      // The effects happened: reporting them would re-run them once the locks expire. The checkpoint
      // moves on; released locks expire by themselves and their records are retried after that.
      scope.logger.error(
        { err: toError(error), completed: completed.length, released: released.length },
        'idempotency finish failed',
      );
    }
  }

  async #quarantine(items: WorkItem[], scope: InvocationScope, context: InvocationContext | undefined): Promise<void> {
    const sink = this.#options.quarantine;
    if (sink === undefined) {
      const error = levelEnabled(scope, 'error');
      for (const item of items) {
        if (error) {
          scope.logger.error(
            { ...this.#bindings(item), err: item.error },
            'permanent failure but no quarantine sink is configured: reporting it for retry',
          );
        }
        item.fate = Fate.failed;
      }
      return;
    }
    const now = new Date();
    const quarantineContext = {
      service: this.#options.service,
      stream: this.#options.streamName,
      functionName: context?.functionName,
      awsRequestId: context?.awsRequestId,
    };
    const redact = this.#redactEntry;
    const entries = items.map((item) => {
      const entry = toQuarantineEntry({
        record: subjectOf(item),
        error: item.error,
        processor: item.processor?.name,
        context: quarantineContext,
        now,
      });
      return redact === undefined ? entry : redact(entry);
    });
    let notStored: ReadonlySet<QuarantineEntry> = new Set();
    try {
      await sink.write(entries);
    } catch (error) {
      // A QuarantineWriteError names exactly the entries that were not stored; any other error covers all.
      const cause = toError(error);
      notStored = new Set(cause instanceof QuarantineWriteError ? cause.entries : entries);
      scope.logger.error(
        { err: cause, records: notStored.size, sink: sink.kind },
        'quarantine write failed: reporting those records for retry',
      );
      for (const [i, item] of items.entries()) {
        if (!notStored.has(entries[i]!)) continue;
        item.fate = Fate.failed;
        item.error = cause;
      }
    }
    if (!levelEnabled(scope, 'warn')) return;
    for (const [i, item] of items.entries()) {
      if (notStored.has(entries[i]!)) continue;
      scope.logger.warn(
        { ...this.#bindings(item), processor: item.processor?.name, err: item.error, sink: sink.kind },
        `quarantined: ${item.error?.name}`,
      );
    }
  }

  #bindings(item: WorkItem): Record<string, unknown> {
    return recordBindings(subjectOf(item), this.#redactor);
  }

  /** Phase 5: the response — the lowest retry-fate sequence number per shard. */
  #report(items: WorkItem[], windows: WindowState | undefined): BatchResult {
    const counts = emptyFateCounts();
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as WorkItem;
      item.fate ??= Fate.failed;
      counts[item.fate]++;
    }
    const response: StreamBatchResponse = { batchItemFailures: checkpointFailures(items as CheckpointItem[]) };
    if (windows !== undefined) response.state = windows.toResponseState();
    return new EngineResult(response, counts, items);
  }

  #observe(result: BatchResult, items: readonly WorkItem[], scope: InvocationScope, started: number): void {
    const { logger, metrics } = this.#options;
    const { counts } = result;
    // Record-level lines are built only when their level is on.
    if (counts.failed > 0 && levelEnabled(scope, 'warn')) {
      const { outcomes } = result;
      for (let i = 0; i < outcomes.length; i++) {
        const outcome = outcomes[i] as RecordOutcome;
        if (outcome.fate !== Fate.failed) continue;
        const source = (items[i] as WorkItem).source;
        scope.logger.warn(
          {
            shardId: outcome.shardId,
            sequenceNumber: outcome.sequenceNumber,
            subSequenceNumber: outcome.subSequenceNumber,
            partitionKey: this.#redactor.partitionKey(source, outcome.partitionKey),
            processor: outcome.processor,
            err: outcome.error,
          },
          `record failed, reported for retry: ${outcome.error?.name}`,
        );
      }
    }
    // A batch whose records all ended processed, duplicate or ignored logs its `batch done` line at debug:
    // one write(2) per invocation costs 5–8 % of a 10-record batch's CPU time (the micro suite, Kinesis,
    // 1 KB records: 2.3 µs of 46 µs in situ), and in Lambda the EMF metrics line carries the same counts.
    // A batch with any record failed, quarantined, blocked or deferred logs it at info.
    const clean = counts.failed + counts.quarantined + counts.blocked + counts.deferred === 0;
    const logsLine = levelEnabled(scope, clean ? 'debug' : 'info');
    if (!logsLine && metrics === undefined) return;
    const durationMs = performance.now() - started;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < items.length; i++) {
      const arrival = (items[i] as WorkItem).arrivalMs;
      if (arrival !== undefined && arrival < oldest) oldest = arrival;
    }
    const iteratorAgeMs = Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0;
    if (logsLine) {
      // Through the root logger with the invocation's bindings inline: the same line as through the child
      // logger (which may not exist), built as one literal (object spreads here cost more than pino's write).
      const line: BatchDoneLine = {
        awsRequestId: scope.awsRequestId,
        stream: this.#options.streamName,
        records: items.length,
        processed: counts.processed,
        duplicate: counts.duplicate,
        ignored: counts.ignored,
        quarantined: counts.quarantined,
        failed: counts.failed,
        blocked: counts.blocked,
        deferred: counts.deferred,
        batchItemFailures: result.response.batchItemFailures.length,
        durationMs: Math.round(durationMs * 100) / 100,
        iteratorAgeMs,
      };
      if (clean) logger.debug(line, 'batch done');
      else logger.info(line, 'batch done');
    }
    metrics?.publish({
      recordsIn: items.length,
      processed: counts.processed + counts.duplicate,
      failed: counts.failed + counts.blocked + counts.deferred,
      quarantined: counts.quarantined,
      skipped: counts.ignored,
      filtered: 0,
      durationMs,
      iteratorAgeMs,
    });
  }
}
