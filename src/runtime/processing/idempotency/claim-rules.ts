import { ConfigError } from '../../errors.js';
import { IdempotencyStatus } from './constants.js';
import { InvalidIdempotencyKeyError } from './errors.js';
import type { ClaimState, KeyState } from './idempotency-store.js';

/** The stored state of one key, as both stores keep it. */
export interface StoredClaim {
  /** An {@link IdempotencyStatus} value; anything else is a foreign item that is never taken over before it expires. */
  readonly status: string | undefined;
  /** Epoch seconds; at or after it the item is dead whatever its status. */
  readonly expiration: number | undefined;
  /** Epoch milliseconds; an `INPROGRESS` claim is live while `lockExpiresAt >= now`. */
  readonly lockExpiresAt: number | undefined;
}

/**
 * The one rule both stores apply (and the DynamoDB store's condition expression encodes): a key can be
 * claimed when it has no item, when its item has expired (`expiration <= now`, DynamoDB TTL deletes
 * lazily), or when it is `INPROGRESS` with a lock that has expired (`lockExpiresAt < now`).
 *
 * @returns the state to report, or `'claimable'`
 *
 * @example
 * ```ts
 * claimStateOf({ status: 'COMPLETED', expiration: 2e9, lockExpiresAt: undefined }, Date.now()); // 'completed'
 * ```
 */
export function claimStateOf(
  stored: StoredClaim | undefined,
  nowMs: number,
): Exclude<ClaimState, 'acquired'> | 'claimable' {
  if (stored === undefined) return 'claimable';
  if (stored.expiration !== undefined && stored.expiration <= epochSeconds(nowMs)) return 'claimable';
  if (stored.status === IdempotencyStatus.completed) return 'completed';
  if (stored.status === IdempotencyStatus.inProgress && stored.lockExpiresAt !== undefined) {
    return stored.lockExpiresAt < nowMs ? 'claimable' : 'in-progress';
  }
  return 'in-progress';
}

/**
 * {@link claimStateOf} as a read-only lookup reports it: a claimable key is `'absent'`.
 *
 * @example
 * ```ts
 * keyStateOf(undefined, Date.now()); // 'absent'
 * ```
 */
export function keyStateOf(stored: StoredClaim | undefined, nowMs: number): KeyState {
  const state = claimStateOf(stored, nowMs);
  return state === 'claimable' ? 'absent' : state;
}

/**
 * Whole epoch seconds of an epoch-milliseconds instant (the unit of DynamoDB's TTL attribute).
 *
 * @example
 * ```ts
 * epochSeconds(1_700_000_000_999); // 1_700_000_000
 * ```
 */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * The distinct keys of `keys`, in first-seen order, each checked to be a non-empty string.
 *
 * @throws {InvalidIdempotencyKeyError} for an empty or non-string key
 *
 * @example
 * ```ts
 * distinctKeys(['a', 'b', 'a']); // ['a', 'b']
 * ```
 */
export function distinctKeys(keys: readonly string[]): string[] {
  const distinct = new Set<string>();
  for (const key of keys) {
    if (typeof key !== 'string' || key.length === 0) {
      throw new InvalidIdempotencyKeyError(`idempotency keys must be non-empty strings, got ${JSON.stringify(key)}`);
    }
    distinct.add(key);
  }
  return [...distinct];
}

/**
 * Checks `begin`'s `lockMs`.
 *
 * @throws {ConfigError} unless it is a positive finite number
 *
 * @example
 * ```ts
 * assertLockMs(30_000);
 * ```
 */
export function assertLockMs(lockMs: number): void {
  if (!Number.isFinite(lockMs) || lockMs <= 0) {
    throw new ConfigError('lockMs', `must be a positive number of milliseconds, got ${lockMs}`);
  }
}

/**
 * Checks a store's `ttlSeconds`.
 *
 * @throws {ConfigError} unless it is a positive integer
 *
 * @example
 * ```ts
 * assertTtlSeconds(86_400);
 * ```
 */
export function assertTtlSeconds(ttlSeconds: number): void {
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new ConfigError('ttlSeconds', `must be a positive whole number of seconds, got ${ttlSeconds}`);
  }
}

/**
 * The `expiration` (epoch seconds) of an item written at `nowMs`: `ttlSeconds` later, and never before
 * the item's lock ends (so a long lock is not cut short by the TTL rule).
 *
 * @example
 * ```ts
 * expirationFor(Date.now(), 86_400);
 * ```
 */
export function expirationFor(nowMs: number, ttlSeconds: number, lockExpiresAt?: number): number {
  const expiration = epochSeconds(nowMs) + ttlSeconds;
  return lockExpiresAt === undefined ? expiration : Math.max(expiration, epochSeconds(lockExpiresAt) + 1);
}
