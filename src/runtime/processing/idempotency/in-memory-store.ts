import {
  assertLockMs,
  assertTtlSeconds,
  claimStateOf,
  distinctKeys,
  epochSeconds,
  expirationFor,
  keyStateOf,
  type StoredClaim,
} from './claim-rules.js';
import { DEFAULT_IDEMPOTENCY_TTL_SECONDS, IdempotencyStatus } from './constants.js';
import type { ClaimState, IdempotencyStore, KeyState } from './idempotency-store.js';

/** Options for {@link InMemoryIdempotencyStore}. */
export interface InMemoryIdempotencyStoreOptions {
  /** How long a completed key is remembered. Default 86 400 s (24 h). */
  readonly ttlSeconds?: number;
  /** Clock, epoch milliseconds. Default `Date.now`; inject a fake one in tests. */
  readonly now?: () => number;
}

/** How often (in clock time) expired entries are swept out of the map. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * An {@link IdempotencyStore} in process memory, with the same rules as the DynamoDB store (lock expiry,
 * TTL, take-over of expired locks): for unit tests and the local demo. State lives as long as the
 * instance, so it only deduplicates deliveries that reach the same process.
 *
 * @example
 * ```ts
 * let now = 0;
 * const store = new InMemoryIdempotencyStore({ now: () => now });
 * await store.begin(['k'], 1_000); // Map { 'k' => 'acquired' }
 * await store.finish(['k'], []);
 * await store.begin(['k'], 1_000); // Map { 'k' => 'completed' }
 * ```
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #entries = new Map<string, StoredClaim>();
  readonly #ttlSeconds: number;
  readonly #now: () => number;
  #lastSweepMs: number;

  constructor(options: InMemoryIdempotencyStoreOptions = {}) {
    this.#ttlSeconds = options.ttlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS;
    assertTtlSeconds(this.#ttlSeconds);
    this.#now = options.now ?? Date.now;
    this.#lastSweepMs = this.#now();
  }

  /** Number of keys held (live or expired but not yet swept): for tests and diagnostics. */
  get size(): number {
    return this.#entries.size;
  }

  async begin(keys: readonly string[], lockMs: number): Promise<Map<string, ClaimState>> {
    assertLockMs(lockMs);
    const distinct = distinctKeys(keys);
    const nowMs = this.#now();
    this.#sweep(nowMs);
    const claims = new Map<string, ClaimState>();
    for (const key of distinct) {
      const state = claimStateOf(this.#entries.get(key), nowMs);
      if (state !== 'claimable') {
        claims.set(key, state);
        continue;
      }
      const lockExpiresAt = nowMs + lockMs;
      this.#entries.set(key, {
        status: IdempotencyStatus.inProgress,
        lockExpiresAt,
        expiration: expirationFor(nowMs, this.#ttlSeconds, lockExpiresAt),
      });
      claims.set(key, 'acquired');
    }
    return claims;
  }

  async lookup(keys: readonly string[]): Promise<Map<string, KeyState>> {
    const nowMs = this.#now();
    return new Map(distinctKeys(keys).map((key) => [key, keyStateOf(this.#entries.get(key), nowMs)]));
  }

  async finish(completed: readonly string[], released: readonly string[]): Promise<void> {
    const done = distinctKeys(completed);
    const freed = distinctKeys(released);
    const nowMs = this.#now();
    const expiration = expirationFor(nowMs, this.#ttlSeconds);
    const doneSet = new Set(done);
    for (const key of freed) if (!doneSet.has(key)) this.#entries.delete(key);
    for (const key of done) {
      this.#entries.set(key, { status: IdempotencyStatus.completed, expiration, lockExpiresAt: undefined });
    }
  }

  /** Drops expired entries at most once per {@link SWEEP_INTERVAL_MS}, so the map does not grow forever. */
  #sweep(nowMs: number): void {
    if (nowMs - this.#lastSweepMs < SWEEP_INTERVAL_MS) return;
    this.#lastSweepMs = nowMs;
    const nowSeconds = epochSeconds(nowMs);
    for (const [key, entry] of this.#entries) {
      if (entry.expiration !== undefined && entry.expiration <= nowSeconds) this.#entries.delete(key);
    }
  }
}
