import type { LambdaStreamRecord } from '../../local/esm/ports.js';
import type { AnyProcessor } from '../../runtime/config/processor.js';
import type { StreamConfig } from '../../runtime/config/types.js';
import { hasBusinessKey, processorIdempotencyKey } from '../../runtime/processing/idempotency/idempotency-key.js';
import { rawPayload, validatePayload } from '../../runtime/processing/payload.js';
import { createStreamRouter } from '../../runtime/processing/stream-router.js';
import { decodeEvent } from '../../runtime/records/index.js';
import type { UnsafeProcessor } from './errors.js';

/** One user record (a KPL aggregate holds several) of a record to redrive, and where the handler sends it. */
export interface UserRecordTarget {
  readonly sequenceNumber: string | undefined;
  readonly subSequenceNumber: number | undefined;
  readonly partitionKey: string | undefined;
  /**
   * The processor that would run it; `undefined` when none would (undecodable, no route, invalid payload or
   * business key: the handler quarantines or skips it, so there is no effect to apply twice).
   */
  readonly processor: AnyProcessor | undefined;
  /** Its idempotency key, when the processor is idempotent. */
  readonly idempotencyKey: string | undefined;
}

/** A Lambda record to redrive and its user records. */
export interface RedriveTarget {
  readonly record: LambdaStreamRecord;
  readonly users: readonly UserRecordTarget[];
}

/**
 * Finds where the stream's handler would send each record, as its batch engine does: decode (KPL
 * aggregates into user records), route, validate the payload, derive the idempotency key
 * (`processorIdempotencyKey`). Runs no processor.
 *
 * @example
 * ```ts
 * const targets = redriveTargets('clicks', config.streams.clicks, config.processorsByName, records);
 * targets[0].users[0].processor?.name; // 'clicks'
 * ```
 */
export function redriveTargets(
  streamName: string,
  stream: StreamConfig,
  processorsByName: ReadonlyMap<string, AnyProcessor>,
  records: readonly LambdaStreamRecord[],
): RedriveTarget[] {
  const { router } = createStreamRouter(streamName, stream, processorsByName);
  const users: UserRecordTarget[][] = records.map(() => []);
  const { entries } = decodeEvent({ Records: records }, { maxRecordBytes: stream.maxRecordBytes });
  for (const entry of entries) {
    if (!entry.ok) {
      const { failure } = entry;
      users[failure.index]?.push({
        sequenceNumber: failure.sequenceNumber,
        subSequenceNumber: undefined,
        partitionKey: failure.partitionKey,
        processor: undefined,
        idempotencyKey: undefined,
      });
      continue;
    }
    const { record } = entry;
    let processor: AnyProcessor | undefined;
    let idempotencyKey: string | undefined;
    try {
      const target = router.route(record)?.target;
      if (target !== undefined) {
        idempotencyKey = processorIdempotencyKey(target, validatePayload(target, rawPayload(record, target)), record);
        processor = target;
      }
    } catch {
      // A throwing route, an invalid payload or business key: the handler fails or quarantines the record.
    }
    users[record.index]?.push({
      sequenceNumber: record.sequenceNumber,
      subSequenceNumber: record.source === 'kinesis' ? record.subSequenceNumber : undefined,
      partitionKey: record.partitionKey,
      processor,
      idempotencyKey,
    });
  }
  return records.map((record, index) => ({ record, users: users[index]! }));
}

/**
 * The processors a redrive could make apply records twice: in any mode, those that are not idempotent (or
 * whose stream has no idempotency table); with `--mode put`, also those keyed by record identity (records
 * put back get new sequence numbers, so their keys change).
 *
 * @example
 * ```ts
 * unsafeProcessors(targets, 'invoke', config.streams.clicks); // [{ name: 'clicks', records: 8, reason: 'not idempotent' }]
 * ```
 */
export function unsafeProcessors(
  targets: readonly RedriveTarget[],
  mode: 'invoke' | 'put',
  stream: Pick<StreamConfig, 'idempotency'>,
): UnsafeProcessor[] {
  const unsafe = new Map<string, { records: number; reason: UnsafeProcessor['reason'] }>();
  for (const { users } of targets) {
    for (const { processor } of users) {
      if (processor === undefined) continue;
      const reason =
        !processor.idempotency || stream.idempotency === undefined
          ? 'not idempotent'
          : mode === 'put' && !hasBusinessKey(processor)
            ? 'no business key'
            : undefined;
      if (reason === undefined) continue;
      const seen = unsafe.get(processor.name);
      unsafe.set(processor.name, { records: (seen?.records ?? 0) + 1, reason });
    }
  }
  return [...unsafe].map(([name, { records, reason }]) => ({ name, records, reason }));
}
