import { ConfigError, PermanentError, TransientError } from '../../errors.js';

/**
 * The idempotency store could not be read or written (throttling, service error, unprocessed items
 * after every retry). Transient: the batch engine reports the affected records for retry. The AWS error,
 * when there is one, is the `cause`.
 *
 * @example
 * ```ts
 * try { await store.begin(keys, 30_000); } catch (error) {
 *   if (error instanceof IdempotencyStoreError) logger.warn({ err: error.cause }, 'idempotency store down');
 * }
 * ```
 */
export class IdempotencyStoreError extends TransientError {}

/**
 * An idempotency key cannot be stored (empty, or not a string): a bug in a custom key function.
 * Permanent: the record is quarantined with this reason.
 *
 * @example
 * ```ts
 * namespacedKey('order-facts', ''); // throws InvalidIdempotencyKeyError
 * ```
 */
export class InvalidIdempotencyKeyError extends PermanentError {}

/**
 * The idempotency table exists but cannot serve as one: wrong key schema, or TTL enabled on another
 * attribute. Found by {@link ensureIdempotencyTable} at start-up.
 *
 * @example
 * ```ts
 * await ensureIdempotencyTable(client, 'orders'); // throws if 'orders' is keyed by `orderId`
 * ```
 */
export class IdempotencyTableError extends ConfigError {}
