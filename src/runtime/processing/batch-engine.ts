import pLimit from 'p-limit';
import type { AnyProcessor } from '../config/processor.js';
import { ENGINE_FIELDS } from '../config/settings/stream.js';
import type { StreamConfig } from '../config/types.js';
import { PermanentError, UnattributableFailureError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { recordBindings } from '../observability/logger.js';
import type { BatchMetrics } from '../observability/metrics.js';
import { decodeEvent } from '../records/index.js';
import type { StreamBatchResponse, TumblingWindowFields } from '../records/lambda-events.js';
import type { DecodedEntry, StreamRecord } from '../records/stream-record.js';
import { createRedactor, type Redactor } from '../redaction/index.js';
import type { Router } from '../routing/index.js';
import { BatchBuffers } from './batch-buffers.js';
import { checkpointFailures } from './checkpoint.js';
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
import { RecordContext } from './record-context.js';
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

/** One record's journey through a batch. Mutable only inside the engine. */
interface WorkItem {
  readonly entry: DecodedEntry;
  readonly record: StreamRecord | undefined;
  readonly sequenceNumber: string | undefined;
  readonly orderingKey: string;
  processor: AnyProcessor | undefined;
  payload: unknown;
  idempotencyKey: string | undefined;
  fate: Fate | undefined;
  error: Error | undefined;
  /** A permanent error found before execution (decode, schema, unmatched); applied in order. */
  permanent: Error | undefined;
  /** A transient error found before execution (unmatched under `fail`, idempotency store down). */
  transient: Error | undefined;
}

/** Engine defaults, from the settings table. */
const DEFAULT_CONCURRENCY = ENGINE_FIELDS.concurrency.default;
const DEFAULT_DEADLINE_MARGIN_MS = ENGINE_FIELDS.deadlineMarginMs.default;
const DEFAULT_MAX_RECORD_BYTES = ENGINE_FIELDS.maxRecordBytes.default;
const DEFAULT_LOCK_MS = 15 * 60 * 1000;
/** Idempotency namespace of quarantine writes; processor names cannot contain `$` (validateConfig), so it never collides. */
const QUARANTINE_NAMESPACE = '$quarantine';

/** The identity of a batch slot for idempotency: the record's identity, or the raw record's for undecodable ones. */
function identityOf(entry: DecodedEntry): string {
  if (entry.ok) return recordIdentityKey(entry.record);
  const f = entry.failure;
  return `${f.source}:${f.eventSourceARN}:${f.shardId ?? ''}:${f.sequenceNumber ?? f.eventID}`;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * The stream-correct batch engine: decode → route → validate → execute (ordered per key, bounded
 * concurrency, idempotent, deadline-guarded) → quarantine → report the checkpoint.
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
    const started = performance.now();
    const { stream, logger: rootLogger } = this.#options;
    const awsRequestId = context?.awsRequestId;
    const logger = rootLogger.child({ awsRequestId, stream: this.#options.streamName });
    const { entries, warnings } = decodeEvent(event, {
      maxRecordBytes: stream.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    });
    for (const warning of warnings) logger.warn(warning);
    const windows = WindowState.from(event as TumblingWindowFields, this.#routedProcessors);
    const guard = new DeadlineGuard(context, stream.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS);
    try {
      const items = this.#prepare(entries, logger);
      const claims = await this.#claim(items, guard);
      const buffers = new BatchBuffers();
      await this.#execute(items, claims, logger, guard, awsRequestId, windows, buffers);
      await this.#commit(items, buffers, logger, awsRequestId);
      await this.#finish(items, logger, context);
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
      this.#observe(result, items, logger, performance.now() - started);
      return result;
    } finally {
      guard.dispose();
    }
  }

  /** Phase 1 (pure): route and validate every record; find the ones that must fail the batch. */
  #prepare(entries: readonly DecodedEntry[], logger: Logger): WorkItem[] {
    const { stream } = this.#options;
    const unmatched = stream.unmatched ?? ENGINE_FIELDS.unmatched.default;
    const items: WorkItem[] = new Array(entries.length);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (!entry.ok) {
        const failure = entry.failure;
        if (failure.sequenceNumber === undefined || failure.sequenceNumber === '') {
          logger.error(
            { eventID: failure.eventID, index: failure.index, err: failure.error },
            'record without a sequence number: failing the whole batch',
          );
          throw new UnattributableFailureError(
            `record ${failure.index} (eventID ${failure.eventID}) has no sequence number; the whole batch fails`,
            { cause: failure.error },
          );
        }
        items[i] = {
          entry,
          record: undefined,
          sequenceNumber: failure.sequenceNumber,
          orderingKey: failure.partitionKey ?? `\u0000index:${failure.index}`,
          processor: undefined,
          payload: undefined,
          idempotencyKey: undefined,
          fate: undefined,
          error: undefined,
          permanent: failure.error,
          transient: undefined,
        };
        continue;
      }
      const record = entry.record;
      const item: WorkItem = {
        entry,
        record,
        sequenceNumber: record.sequenceNumber,
        orderingKey: record.partitionKey,
        processor: undefined,
        payload: undefined,
        idempotencyKey: undefined,
        fate: undefined,
        error: undefined,
        permanent: undefined,
        transient: undefined,
      };
      items[i] = item;
      let match: { target: AnyProcessor } | undefined;
      try {
        match = this.#router.route(record);
      } catch (error) {
        // A route predicate threw: user code, so retried like any processor error.
        item.transient = toError(error);
        continue;
      }
      if (match === undefined) {
        if (unmatched === 'skip') {
          item.fate = Fate.ignored;
          logger.debug(
            recordBindings(record, this.#redactor),
            'no route matches the record: skipped (unmatched policy: skip)',
          );
        } else if (unmatched === 'quarantine') item.permanent = new UnmatchedRecordError('no route matches the record');
        else item.transient = new UnroutableRecordError('no route matches the record (unmatched policy: fail)');
        continue;
      }
      const processor = match.target;
      item.processor = processor;
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
        item.idempotencyKey = namespacedKey(QUARANTINE_NAMESPACE, identityOf(item.entry));
      }
    }
    return items;
  }

  /** Phase 2: claim every idempotency key of the batch in as few round trips as the store allows. */
  async #claim(items: WorkItem[], guard: DeadlineGuard): Promise<Map<string, ClaimState> | undefined> {
    const store = this.#options.idempotency;
    const keys = items.filter((i) => i.idempotencyKey !== undefined).map((i) => i.idempotencyKey!);
    if (keys.length === 0 || store === undefined) return undefined;
    const remaining = guard.remainingMs();
    const lockMs = Number.isFinite(remaining) ? Math.max(1000, remaining) : DEFAULT_LOCK_MS;
    try {
      return await store.begin([...new Set(keys)], lockMs);
    } catch (error) {
      for (const item of items) if (item.idempotencyKey !== undefined) item.transient ??= toError(error);
      return undefined;
    }
  }

  /** Phase 3: run the records, ordered per key, keys concurrently up to the stream's limit. */
  async #execute(
    items: WorkItem[],
    claims: ReadonlyMap<string, ClaimState> | undefined,
    logger: Logger,
    guard: DeadlineGuard,
    awsRequestId: string | undefined,
    windows: WindowState | undefined,
    buffers: BatchBuffers,
  ): Promise<void> {
    const { stream } = this.#options;
    // Windowed aggregation needs one order for the shard so that the returned state matches the checkpoint.
    const ordering = windows !== undefined ? 'shard' : (stream.ordering ?? ENGINE_FIELDS.ordering.default);
    const startedKeys = new Set<string>();

    const runGroup = async (group: readonly WorkItem[]): Promise<void> => {
      let stopped: Fate | undefined;
      for (const item of group) {
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
        if (item.permanent) {
          item.fate = Fate.quarantined;
          item.error = item.permanent;
          continue;
        }
        const processor = item.processor!;
        const window = windows?.contextFor(processor);
        const snapshot = window !== undefined ? windows!.snapshot(processor) : undefined;
        const ctx = new RecordContext(
          item.record!,
          processor,
          logger,
          guard,
          awsRequestId,
          key,
          window,
          buffers,
          this.#options.idempotency,
          this.#redactor,
        );
        try {
          const result = processor.process(item.payload, ctx as never);
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
    };

    if (ordering === 'shard') {
      await runGroup(items);
      return;
    }
    const limit = pLimit(stream.concurrency ?? DEFAULT_CONCURRENCY);
    if (ordering === 'none') {
      await Promise.all(items.map((item) => limit(() => runGroup([item]))));
      return;
    }
    const groups = new Map<string, WorkItem[]>();
    for (const item of items) {
      const group = groups.get(item.orderingKey);
      if (group === undefined) groups.set(item.orderingKey, [item]);
      else group.push(item);
    }
    await Promise.all(Array.from(groups.values(), (group) => limit(() => runGroup(group))));
  }

  /** Phase 4a: commit processors' batch buffers; a failed commit reports that processor's records for retry. */
  async #commit(items: WorkItem[], buffers: BatchBuffers, logger: Logger, awsRequestId: string | undefined) {
    const first = items[0];
    const failed = await buffers.commitAll({
      stream: this.#options.streamName,
      shardId:
        first === undefined ? undefined : first.entry.ok ? first.entry.record.shardId : first.entry.failure.shardId,
      awsRequestId,
      firstSequenceNumber: first?.sequenceNumber,
    });
    if (failed.size === 0) return;
    const causes = new Map<AnyProcessor, Error>();
    for (const [processor, cause] of failed) {
      causes.set(processor, toError(cause));
      logger.error(
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
  async #finish(items: WorkItem[], logger: Logger, context: InvocationContext | undefined): Promise<void> {
    const quarantined = items.filter((item) => item.fate === Fate.quarantined);
    if (quarantined.length > 0) await this.#quarantine(quarantined, logger, context);

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
      logger.error(
        { err: toError(error), completed: completed.length, released: released.length },
        'idempotency finish failed',
      );
    }
  }

  async #quarantine(items: WorkItem[], logger: Logger, context: InvocationContext | undefined): Promise<void> {
    const sink = this.#options.quarantine;
    if (sink === undefined) {
      for (const item of items) {
        logger.error(
          { ...this.#bindings(item), err: item.error },
          'permanent failure but no quarantine sink is configured: reporting it for retry',
        );
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
        record: item.entry.ok ? item.entry.record : item.entry.failure,
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
      logger.error(
        { err: cause, records: notStored.size, sink: sink.kind },
        'quarantine write failed: reporting those records for retry',
      );
      for (const [i, item] of items.entries()) {
        if (!notStored.has(entries[i]!)) continue;
        item.fate = Fate.failed;
        item.error = cause;
      }
    }
    for (const [i, item] of items.entries()) {
      if (notStored.has(entries[i]!)) continue;
      logger.warn(
        { ...this.#bindings(item), processor: item.processor?.name, err: item.error, sink: sink.kind },
        `quarantined: ${item.error?.name}`,
      );
    }
  }

  #bindings(item: WorkItem): Record<string, unknown> {
    return recordBindings(item.entry.ok ? item.entry.record : item.entry.failure, this.#redactor);
  }

  /** Phase 5: the response — the lowest retry-fate sequence number per shard. */
  #report(items: WorkItem[], windows: WindowState | undefined): BatchResult {
    const counts = emptyFateCounts();
    const outcomes: RecordOutcome[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const fate = item.fate ?? Fate.failed;
      counts[fate]++;
      const base = item.entry.ok ? item.entry.record : item.entry.failure;
      outcomes[i] = {
        index: base.index,
        shardId: base.shardId,
        sequenceNumber: item.sequenceNumber,
        subSequenceNumber: item.record?.source === 'kinesis' ? item.record.subSequenceNumber : undefined,
        // The record's own key: an undecodable record without one is ordered under an internal key.
        partitionKey: item.entry.ok ? item.orderingKey : item.entry.failure.partitionKey,
        processor: item.processor?.name,
        fate,
        error: item.error,
      };
    }
    const batchItemFailures = checkpointFailures(outcomes);
    const response: StreamBatchResponse = { batchItemFailures };
    if (windows !== undefined) response.state = windows.toResponseState();
    return { response, outcomes, counts };
  }

  #observe(result: BatchResult, items: readonly WorkItem[], logger: Logger, durationMs: number): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const item of items) {
      const arrival = item.record?.approximateArrivalMs;
      if (arrival !== undefined && arrival < oldest) oldest = arrival;
    }
    const iteratorAgeMs = Number.isFinite(oldest) ? Math.max(0, Date.now() - oldest) : 0;
    const { counts } = result;
    for (const [i, outcome] of result.outcomes.entries()) {
      if (outcome.fate === Fate.failed) {
        const entry = items[i]!.entry;
        const source = entry.ok ? entry.record.source : entry.failure.source;
        logger.warn(
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
    logger.info(
      {
        records: items.length,
        ...counts,
        batchItemFailures: result.response.batchItemFailures.length,
        durationMs: Math.round(durationMs * 100) / 100,
        iteratorAgeMs,
      },
      'batch done',
    );
    this.#options.metrics?.publish({
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
