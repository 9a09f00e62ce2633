import { asBuffer } from '../../records/bytes.js';
import type { StreamRecord, UndecodableRecord } from '../../records/stream-record.js';
import type { QuarantineEntry } from './quarantine-entry.js';

/** Invocation-level facts every entry of a batch shares. */
export interface QuarantineContext {
  readonly service: string;
  /** The config's stream name (the key under `streams`). */
  readonly stream: string;
  readonly functionName?: string | undefined;
  readonly awsRequestId?: string | undefined;
}

/** Input of {@link toQuarantineEntry}. */
export interface ToQuarantineEntryInput {
  readonly record: StreamRecord | UndecodableRecord;
  /** Why the record is quarantined. Defaults to the decode error of an {@link UndecodableRecord}. */
  readonly error?: unknown;
  readonly context: QuarantineContext;
  /** Processor the record was routed to, when routing got that far. */
  readonly processor?: string | undefined;
  /** Time of quarantine. Default: now. */
  readonly now?: Date;
}

function isUndecodable(record: StreamRecord | UndecodableRecord): record is UndecodableRecord {
  return 'error' in record && !('sizeBytes' in record);
}

function issuesOf(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('issues' in error && error.issues !== undefined) return error.issues;
  if ('cause' in error) return issuesOf(error.cause);
  return undefined;
}

/**
 * Describes an error for a quarantine entry: `name`, `message` and, for schema violations, the zod
 * `issues` (taken from the error or, when it wraps a `ZodError`, from its `cause`).
 *
 * @example
 * ```ts
 * describeError(new PermanentError('no customer')); // { name: 'PermanentError', message: 'no customer' }
 * ```
 */
export function describeError(error: unknown): QuarantineEntry['error'] {
  if (!(error instanceof Error)) return { name: 'Error', message: typeof error === 'string' ? error : String(error) };
  const issues = issuesOf(error);
  return issues === undefined
    ? { name: error.name, message: error.message }
    : { name: error.name, message: error.message, issues };
}

/**
 * Builds the quarantine entry for a record that failed permanently: identity, position, reason, the raw
 * Lambda record for redrive and, for a KPL user record, the user record itself (data base64).
 *
 * @example
 * ```ts
 * const entry = toQuarantineEntry({
 *   record,
 *   error: new PermanentError('order has no customer'),
 *   processor: 'order-facts',
 *   context: { service: 'shop-analytics', stream: 'orders', awsRequestId: context.awsRequestId },
 * });
 * await sink.write([entry]);
 * ```
 */
export function toQuarantineEntry(input: ToQuarantineEntryInput): QuarantineEntry {
  const { record, context } = input;
  const undecodable = isUndecodable(record);
  const error = input.error ?? (undecodable ? record.error : undefined);
  const base = {
    version: '1' as const,
    service: context.service,
    stream: context.stream,
    functionName: context.functionName,
    awsRequestId: context.awsRequestId,
    quarantinedAt: (input.now ?? new Date()).toISOString(),
    source: record.source,
    eventID: record.eventID,
    eventSourceARN: record.eventSourceARN,
    shardId: record.shardId,
    sequenceNumber: record.sequenceNumber,
    subSequenceNumber: undecodable || record.source !== 'kinesis' ? undefined : record.subSequenceNumber,
    partitionKey: record.partitionKey,
    processor: input.processor,
    error: describeError(error),
    record: record.raw,
  };
  if (undecodable || record.source !== 'kinesis' || record.subSequenceNumber === undefined) return base;
  return {
    ...base,
    userRecord: {
      partitionKey: record.partitionKey,
      ...(record.explicitHashKey === undefined ? {} : { explicitHashKey: record.explicitHashKey }),
      data: asBuffer(record.data).toString('base64'),
    },
  };
}
