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
