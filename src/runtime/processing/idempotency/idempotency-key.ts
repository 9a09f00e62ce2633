import type { AnyProcessor } from '../../config/processor.js';
import type { StreamRecord } from '../../records/stream-record.js';
import { InvalidIdempotencyKeyError } from './errors.js';

/**
 * The default idempotency key of a record: its identity in the stream, the same on every redelivery.
 * - Kinesis: `kinesis:<streamName>:<shardId>:<sequenceNumber>`, plus `:<subSequenceNumber>` for a user
 *   record of a KPL aggregate (all user records of an aggregate share one sequence number).
 * - DynamoDB Streams: `dynamodb:<tableName>:<eventID>` (the eventID is unique per stream record).
 *
 * Two writes of the same business entity are different records with different keys; use a business
 * key (e.g. the order id plus its version) when what must happen once is per entity, not per record.
 *
 * @example
 * ```ts
 * recordIdentityKey(record);
 * // 'kinesis:clicks:shardId-000000000006:49590338271490256608559692538361571095921575989136588898'
 * // 'kinesis:clicks:shardId-000000000006:49590338271490256608559692538361571095921575989136588898:2' (KPL)
 * // 'dynamodb:orders:c4ca4238a0b923820dcc509a6f75849b'
 * ```
 */
export function recordIdentityKey(record: StreamRecord): string {
  if (record.source === 'dynamodb') return `dynamodb:${record.tableName}:${record.eventID}`;
  // Kinesis sequence numbers are unique within a stream, so a missing shard id cannot cause a clash.
  const base = `kinesis:${record.streamName}:${record.shardId ?? '-'}:${record.sequenceNumber}`;
  return record.subSequenceNumber === undefined ? base : `${base}:${record.subSequenceNumber}`;
}

/**
 * Scopes a key to a processor, so two processors of the same record each run once. The processor name
 * is URI-encoded, so the result is unambiguous whatever the name contains.
 *
 * @throws {InvalidIdempotencyKeyError} when `processorName` or `key` is empty or not a string
 *
 * @example
 * ```ts
 * namespacedKey('order-facts', recordIdentityKey(record)); // 'order-facts#dynamodb:orders:c4ca4238…'
 * namespacedKey('order-facts', `order:${order.orderId}:v${order.version}`);
 * ```
 */
export function namespacedKey(processorName: string, key: string): string {
  if (typeof processorName !== 'string' || processorName.length === 0) {
    throw new InvalidIdempotencyKeyError(
      `processor name must be a non-empty string, got ${JSON.stringify(processorName)}`,
    );
  }
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidIdempotencyKeyError(
      `idempotency key of processor '${processorName}' must be a non-empty string, got ${JSON.stringify(key)}`,
    );
  }
  return `${encodeURIComponent(processorName)}#${key}`;
}

/**
 * The idempotency key the batch engine claims for a record a processor handles: the processor's business
 * key (`idempotency.key(payload, record)`) or the record's identity ({@link recordIdentityKey}), scoped to
 * the processor ({@link namespacedKey}). `undefined` when the processor is not idempotent. The engine and
 * `shardflow destinations redrive` (which looks keys up to skip records already applied) both use it.
 *
 * @param payload - the payload as the processor's schema validated it
 * @throws whatever the business key function throws, or {@link InvalidIdempotencyKeyError} when it returns
 *   an empty key (the engine quarantines such a record)
 *
 * @example
 * ```ts
 * processorIdempotencyKey(orderFacts, { orderId: 'o-1', version: 3 }, record); // 'order-facts#order:o-1:v3'
 * processorIdempotencyKey(clicks, click, record); // 'clicks#kinesis:clicks:shardId-000000000000:4959…'
 * ```
 */
export function processorIdempotencyKey(
  processor: AnyProcessor,
  payload: unknown,
  record: StreamRecord,
): string | undefined {
  if (!processor.idempotency) return undefined;
  const custom = typeof processor.idempotency === 'object' ? processor.idempotency.key : undefined;
  return namespacedKey(processor.name, custom ? custom(payload, record) : recordIdentityKey(record));
}

/**
 * Whether a processor's idempotency key is a business key (`idempotency: { key }`), the same for a record
 * put onto the stream again, rather than the record's identity, which changes with its new sequence number.
 *
 * @example
 * ```ts
 * hasBusinessKey(defineProcessor({ ...spec, idempotency: { key: (order) => order.orderId } })); // true
 * hasBusinessKey(defineProcessor({ ...spec, idempotency: true })); // false
 * ```
 */
export function hasBusinessKey(processor: AnyProcessor): boolean {
  return typeof processor.idempotency === 'object' && typeof processor.idempotency.key === 'function';
}
