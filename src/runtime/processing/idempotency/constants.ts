/**
 * Values of the `status` attribute of an idempotency item (DynamoDB) or entry (in memory).
 *
 * @example
 * ```ts
 * if (item.status.S === IdempotencyStatus.completed) skip();
 * ```
 */
export const IdempotencyStatus = {
  /** Claimed by an invocation that has not finished yet; guarded by `lockExpiresAt`. */
  inProgress: 'INPROGRESS',
  /** The effect happened; the item is kept until `expiration`. */
  completed: 'COMPLETED',
} as const;

/** A value of {@link IdempotencyStatus}. */
export type IdempotencyStatus = (typeof IdempotencyStatus)[keyof typeof IdempotencyStatus];

/**
 * Attribute names of the DynamoDB idempotency table. `expiration` is the table's TTL attribute.
 *
 * @example
 * ```ts
 * const key = { [IdempotencyAttribute.id]: { S: 'orders#kinesis:clicks:shardId-0:4959' } };
 * ```
 */
export const IdempotencyAttribute = {
  id: 'id',
  status: 'status',
  /** Epoch seconds after which the item is dead (DynamoDB TTL deletes it some time later). */
  expiration: 'expiration',
  /** Epoch milliseconds until which an `INPROGRESS` claim is live. */
  lockExpiresAt: 'lockExpiresAt',
} as const;

/**
 * DynamoDB request limits the store chunks by.
 *
 * @example
 * ```ts
 * const chunks = chunk(keys, DynamoDBLimits.batchGetKeys);
 * ```
 */
export const DynamoDBLimits = {
  /** Keys per `BatchGetItem` call. */
  batchGetKeys: 100,
  /** Actions per `TransactWriteItems` call. */
  transactItems: 100,
  /** Put/Delete requests per `BatchWriteItem` call. */
  batchWriteItems: 25,
  /** Maximum size of a partition key value; longer idempotency keys are stored as their SHA-256. */
  partitionKeyBytes: 2048,
} as const;

/** Default time a completed key is remembered: 24 hours (Lambda retries a stream record at most for its retention). */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 86_400;
