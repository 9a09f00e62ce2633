/**
 * Idempotency for stream records: the {@link IdempotencyStore} port the batch engine claims keys
 * through, an in-memory store (tests, local demo) and key helpers. The batched DynamoDB store lives in
 * `./dynamodb-store.js`, not here: the handler imports it with a stream's first batch when the stream
 * has `idempotency`, so that a function without it never parses the store (nor `node:crypto`) at cold start.
 *
 * @example
 * ```ts
 * import { namespacedKey, recordIdentityKey } from './processing/idempotency/index.js';
 * import { DynamoDBIdempotencyStore } from './processing/idempotency/dynamodb-store.js';
 * const store = new DynamoDBIdempotencyStore({ client, tableName: 'shardflow-idempotency' });
 * const claims = await store.begin([namespacedKey('order-facts', recordIdentityKey(record))], 60_000);
 * ```
 */
export {
  DEFAULT_IDEMPOTENCY_TTL_SECONDS,
  DynamoDBLimits,
  IdempotencyAttribute,
  IdempotencyStatus,
} from './constants.js';
export type { DynamoDBIdempotencyStoreOptions } from './dynamodb-store.js';
export { type EnsureIdempotencyTableOptions, ensureIdempotencyTable } from './ensure-idempotency-table.js';
export { IdempotencyStoreError, IdempotencyTableError, InvalidIdempotencyKeyError } from './errors.js';
export { hasBusinessKey, namespacedKey, processorIdempotencyKey, recordIdentityKey } from './idempotency-key.js';
export type { ClaimState, IdempotencyStore, KeyState, TransactWriteItem } from './idempotency-store.js';
export { InMemoryIdempotencyStore, type InMemoryIdempotencyStoreOptions } from './in-memory-store.js';
