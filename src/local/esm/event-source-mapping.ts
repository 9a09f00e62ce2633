import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../runtime/observability/logger.js';
import type { Discard } from './batch-runner.js';
import { buildOnFailureRecord } from './destinations/on-failure-record.js';
import { EsmEventCounter, type EsmEventCounts } from './event-counts.js';
import type { LocalFunction } from './invoke-function.js';
import type {
  CheckpointStore,
  IteratorPosition,
  OnFailureDestination,
  ShardCheckpoint,
  ShardDescription,
  SourceRecord,
  StreamSource,
} from './ports.js';
import type { EsmSettings } from './settings.js';
import { type BackoffSet, type EsmCounters, type PollingOptions, ShardConsumer } from './shard-consumer.js';

/** Polling defaults close to Lambda's own (see docs/local-esm.md): Kinesis ~1 poll/s, DynamoDB ~4 polls/s per shard. */
export const DEFAULT_POLLING = {
  kinesis: { idleMs: 1000, activeMs: 200, backoffBaseMs: 1000, backoffMaxMs: 60_000 },
  dynamodb: { idleMs: 250, activeMs: 250, backoffBaseMs: 1000, backoffMaxMs: 60_000 },
} as const satisfies Record<string, PollingOptions>;

/** What a local event source mapping needs. */
export interface LocalEventSourceMappingOptions {
  /** The mapping's UUID: checkpoint key, and part of S3 on-failure object keys. */
  readonly uuid: string;
  readonly source: StreamSource;
  readonly settings: EsmSettings;
  readonly fn: LocalFunction;
  readonly destination: OnFailureDestination | undefined;
  readonly checkpoints: CheckpointStore;
  readonly logger: Logger;
  readonly filter?: ((record: SourceRecord) => boolean) | undefined;
  readonly polling?: Partial<PollingOptions>;
  /** How often shards are listed (new shards after a reshard). Default 5000 ms. */
  readonly discoveryIntervalMs?: number;
  /** Clock for record age. Default `Date.now`. */
  readonly now?: () => number;
}

/** A snapshot of a mapping's progress, for status lines and tests. */
export interface EsmStatus extends EsmCounters {
  readonly shards: { readonly active: number; readonly ended: number; readonly waiting: number };
  /** Records read but not yet handled. */
  readonly inFlight: number;
  /** Tumbling windows still open (their final invocation has not run). */
  readonly openWindows: number;
  /** ms between now and the arrival of the newest handled record (Lambda's IteratorAge, roughly). */
  readonly iteratorAgeMs: number;
  /** ms until the soonest retry back-off ends; `undefined` when no batch waits for a retry. */
  readonly retryInMs: number | undefined;
  /** `false` until the first shard listing (checkpoints loading, emulators warming up). */
  readonly started: boolean;
}

/**
 * A local event source mapping for one stream and one function, with AWS's semantics: shard discovery,
 * one consumer per shard (children start only after their parents are fully processed), checkpoints
 * persisted through a {@link CheckpointStore} so a restart resumes where it stopped, on-failure records
 * delivered (and retried until stored), and a failing shard that never blocks the others.
 *
 * @example
 * ```ts
 * const esm = new LocalEventSourceMapping({ uuid, source, settings, fn, destination, checkpoints, logger });
 * esm.start();
 * await esm.waitUntilCaughtUp();
 * await esm.stop();
 * ```
 */
export class LocalEventSourceMapping {
  readonly #o: LocalEventSourceMappingOptions;
  readonly #polling: PollingOptions;
  readonly #controller = new AbortController();
  readonly #consumers = new Map<string, Promise<void>>();
  readonly #running = new Map<string, ShardConsumer>();
  readonly #ended = new Set<string>();
  #checkpoints = new Map<string, ShardCheckpoint>();
  #shards: ShardDescription[] = [];
  #loop: Promise<void> | undefined;
  #lastDiscovery = 0;
  readonly #events = new EsmEventCounter();
  #countedFn: LocalFunction | undefined;
  readonly counters: EsmCounters = {
    recordsRead: 0,
    recordsFiltered: 0,
    recordsDone: 0,
    recordsDiscarded: 0,
    invocations: 0,
    functionErrors: 0,
    partialFailures: 0,
    retries: 0,
    lastArrivalMs: 0,
    invoking: 0,
  };
  readonly #backoffs: BackoffSet = new Set();

  constructor(options: LocalEventSourceMappingOptions) {
    this.#o = options;
    this.#polling = { ...DEFAULT_POLLING[options.source.kind], ...options.polling };
  }

  /** Starts discovery and consumption in the background. */
  start(): void {
    this.#loop ??= this.#discover();
  }

  /** Stops polling; in-flight batches are abandoned without moving the checkpoint past unhandled records. */
  async stop(): Promise<void> {
    this.#controller.abort();
    await this.#loop;
    await Promise.allSettled(this.#consumers.values());
  }

  status(): EsmStatus {
    let inFlight = 0;
    let openWindows = 0;
    for (const consumer of this.#running.values()) {
      inFlight += consumer.pending;
      openWindows += consumer.openWindows;
    }
    const waiting = this.#shards.filter((s) => !this.#running.has(s.shardId) && !this.#ended.has(s.shardId)).length;
    const now = Date.now();
    let retryAt: number | undefined;
    for (const backoff of this.#backoffs) retryAt = Math.min(retryAt ?? backoff.untilMs, backoff.untilMs);
    return {
      ...this.counters,
      shards: { active: this.#running.size, ended: this.#ended.size, waiting },
      inFlight,
      openWindows,
      iteratorAgeMs: this.counters.lastArrivalMs > 0 ? Math.max(0, now - this.counters.lastArrivalMs) : 0,
      retryInMs: retryAt === undefined ? undefined : Math.max(0, retryAt - now),
      started: this.#lastDiscovery > 0,
    };
  }

  /**
   * Resolves once every record written so far is handled: every open shard has been read to its tip
   * after this call started, nothing is in flight, and no shard is waiting for its parents. With
   * `closeWindows`, also until every tumbling window has had its final invocation.
   */
  async waitUntilCaughtUp(
    options: { timeoutMs?: number; settleMs?: number; closeWindows?: boolean } = {},
  ): Promise<void> {
    const started = Date.now();
    const timeoutMs = options.timeoutMs ?? 60_000;
    let quietSince: number | undefined;
    const settleMs = options.settleMs ?? this.#polling.idleMs * 2 + 50;
    while (Date.now() - started < timeoutMs) {
      const status = this.status();
      const readAfterStart = [...this.#running.values()].every((c) => c.lastReadAt > started);
      const quiet =
        status.inFlight === 0 &&
        status.shards.waiting === 0 &&
        readAfterStart &&
        this.#lastDiscovery > started &&
        (!options.closeWindows || status.openWindows === 0);
      if (quiet) {
        quietSince ??= Date.now();
        if (Date.now() - quietSince >= settleMs) return;
      } else {
        quietSince = undefined;
      }
      await sleep(20);
    }
    throw new Error(`event source mapping did not catch up within ${timeoutMs} ms: ${JSON.stringify(this.status())}`);
  }

  async #discover(): Promise<void> {
    const { logger, checkpoints, uuid } = this.#o;
    this.#checkpoints = await checkpoints.load(uuid);
    for (const [shardId, checkpoint] of this.#checkpoints) if (checkpoint.ended) this.#ended.add(shardId);
    const signal = this.#controller.signal;
    const interval = this.#o.discoveryIntervalMs ?? 5000;
    while (!signal.aborted) {
      try {
        this.#shards = await this.#o.source.listShards();
        this.#lastDiscovery = Date.now();
        for (const shard of this.#shards) this.#maybeStart(shard);
      } catch (error) {
        logger.error({ err: error }, 'shard discovery failed; retrying');
      }
      await sleep(interval, undefined, { signal }).catch(() => {});
    }
  }

  /** Starts a shard whose parents are done (or unknown: trimmed past retention). */
  #maybeStart(shard: ShardDescription): void {
    const id = shard.shardId;
    if (this.#consumers.has(id) || this.#ended.has(id)) return;
    const known = new Set(this.#shards.map((s) => s.shardId));
    const parents = [shard.parentShardId, shard.adjacentParentShardId].filter(
      (p): p is string => p !== undefined && known.has(p),
    );
    if (!parents.every((p) => this.#ended.has(p))) return;
    const isChild = shard.parentShardId !== undefined && known.has(shard.parentShardId);
    const position: IteratorPosition = isChild ? { type: 'TRIM_HORIZON' } : this.#startingPosition();
    const consumer = new ShardConsumer({
      shardId: id,
      source: this.#o.source,
      settings: this.#o.settings,
      fn: this.#countedFunction(),
      start: { checkpoint: this.#checkpoints.get(id), position },
      filter: this.#o.filter,
      discard: (discard, shardId) => this.#deliver(discard, shardId),
      saveCheckpoint: (checkpoint) => this.#o.checkpoints.save(this.#o.uuid, id, checkpoint),
      polling: this.#polling,
      now: this.#o.now ?? Date.now,
      counters: this.counters,
      backoffs: this.#backoffs,
      logger: this.#o.logger,
      signal: this.#controller.signal,
    });
    this.#running.set(id, consumer);
    const run = (async () => {
      let attempt = 0;
      while (!this.#controller.signal.aborted) {
        try {
          const result = await consumer.run();
          if (result === 'ended') {
            this.#ended.add(id);
            this.#o.logger.info({ shardId: id }, 'shard fully processed');
            for (const next of this.#shards) this.#maybeStart(next);
          }
          return;
        } catch (error) {
          // One failing shard never blocks the others: log, back off, resume from its checkpoint.
          this.#o.logger.error({ shardId: id, err: error }, 'shard consumer failed; restarting from its checkpoint');
          await sleep(Math.min(30_000, 500 * 2 ** attempt++), undefined, { signal: this.#controller.signal }).catch(
            () => {},
          );
          return this.#restart(id);
        }
      }
    })().finally(() => {
      if (this.#running.get(id) === consumer) this.#running.delete(id);
    });
    this.#consumers.set(id, run);
  }

  async #restart(shardId: string): Promise<void> {
    this.#consumers.delete(shardId);
    this.#running.delete(shardId);
    this.#checkpoints = await this.#o.checkpoints.load(this.#o.uuid);
    const shard = this.#shards.find((s) => s.shardId === shardId);
    if (shard !== undefined && !this.#controller.signal.aborted) this.#maybeStart(shard);
  }

  #startingPosition(): IteratorPosition {
    const { startingPosition, startingPositionTimestamp } = this.#o.settings;
    if (startingPosition === 'AT_TIMESTAMP') return { type: 'AT_TIMESTAMP', timestamp: startingPositionTimestamp! };
    return { type: startingPosition };
  }

  /** Builds the on-failure record and delivers it, retrying until stored (the checkpoint waits). */
  /** The mapping's function, wrapped once so that its invocations are counted. */
  #countedFunction(): LocalFunction {
    this.#countedFn ??= this.#events.countInvocations(this.#o.fn);
    return this.#countedFn;
  }

  /** The mapping's UUID (its checkpoints and its on-failure records' keys carry it, as in AWS). */
  get uuid(): string {
    return this.#o.uuid;
  }

  /** The mapping's event counts, as AWS's `EventCount` metrics report them (see `event-counts.ts`). */
  eventCounts(): EsmEventCounts {
    return this.#events.counts({ polled: this.counters.recordsRead, filteredOut: this.counters.recordsFiltered });
  }

  async #deliver(discard: Discard, shardId: string): Promise<void> {
    const { destination, logger, source, fn } = this.#o;
    this.#events.dropped(discard.records.length);
    const record = buildOnFailureRecord({
      source: source.kind,
      condition: discard.condition,
      functionError: discard.functionError,
      requestId: discard.requestId,
      functionArn: fn.arn,
      approximateInvokeCount: discard.approximateInvokeCount,
      shardId,
      streamArn: source.streamArn,
      records: discard.records.map((r) => r.lambdaRecord),
      now: new Date(),
    });
    const info = record.KinesisBatchInfo ?? record.DDBStreamBatchInfo;
    if (destination === undefined) {
      logger.warn(
        { shardId, condition: discard.condition, batch: info },
        'records discarded (no on-failure destination)',
      );
      return;
    }
    let attempt = 0;
    while (true) {
      try {
        await destination.send({
          record,
          records: discard.records.map((r) => r.lambdaRecord),
          shardId,
          esmUuid: this.#o.uuid,
        });
        this.#events.delivered(discard.records.length);
        logger.warn(
          { shardId, condition: discard.condition, batch: info, destination: destination.kind },
          'on-failure record sent',
        );
        return;
      } catch (error) {
        if (this.#controller.signal.aborted) throw error;
        logger.error({ shardId, err: error }, 'on-failure delivery failed; retrying (the checkpoint waits)');
        await sleep(Math.min(30_000, 200 * 2 ** attempt++));
      }
    }
  }
}
