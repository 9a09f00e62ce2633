import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import {
  InMemoryIdempotencyStore,
  InvalidIdempotencyKeyError,
} from '../../../src/runtime/processing/idempotency/index.js';

/** A clock the test moves by hand (epoch milliseconds). */
function fakeClock(startMs = Date.UTC(2025, 0, 1)) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

describe('InMemoryIdempotencyStore', () => {
  it('acquires keys nobody has claimed, once per distinct key', async () => {
    // Arrange
    const store = new InMemoryIdempotencyStore({ now: fakeClock().now });

    // Act
    const claims = await store.begin(['a', 'b', 'a'], 1_000);

    // Assert
    expect(claims).toEqual(
      new Map([
        ['a', 'acquired'],
        ['b', 'acquired'],
      ]),
    );
  });

  it('reports a live lock held by another invocation as in-progress', async () => {
    // Arrange
    const clock = fakeClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now });
    await store.begin(['a'], 1_000);
    clock.advance(1_000); // the lock is live up to and including its expiry instant

    // Act
    const claims = await store.begin(['a', 'b'], 1_000);

    // Assert
    expect(claims.get('a')).toBe('in-progress');
    expect(claims.get('b')).toBe('acquired');
  });

  it('reports finished keys as completed, so their records are skipped', async () => {
    // Arrange
    const store = new InMemoryIdempotencyStore({ now: fakeClock().now });
    await store.begin(['a', 'b'], 1_000);
    await store.finish(['a'], []);

    // Act
    const claims = await store.begin(['a', 'c'], 1_000);

    // Assert
    expect(claims.get('a')).toBe('completed');
    expect(claims.get('c')).toBe('acquired');
  });

  it('lets another invocation take over a lock that has expired', async () => {
    // Arrange
    const clock = fakeClock();
    const store = new InMemoryIdempotencyStore({ now: clock.now });
    await store.begin(['a'], 1_000);
    clock.advance(1_001);

    // Act
    const claims = await store.begin(['a'], 1_000);

    // Assert
    expect(claims.get('a')).toBe('acquired');
  });

  it('releases the locks of failed keys so a retry can claim them at once', async () => {
    // Arrange
    const store = new InMemoryIdempotencyStore({ now: fakeClock().now });
    await store.begin(['failed', 'done'], 60_000);
    await store.finish(['done'], ['failed']);

    // Act
    const claims = await store.begin(['failed', 'done'], 60_000);

    // Assert
    expect(claims.get('failed')).toBe('acquired');
    expect(claims.get('done')).toBe('completed');
  });

  it('counts a key that is both completed and released as completed', async () => {
    // Arrange
    const store = new InMemoryIdempotencyStore({ now: fakeClock().now });
    await store.begin(['a'], 1_000);
    await store.finish(['a'], ['a']);

    // Act
    const claims = await store.begin(['a'], 1_000);

    // Assert
    expect(claims.get('a')).toBe('completed');
  });

  it('forgets completed keys after the TTL, so a much later delivery runs again', async () => {
    // Arrange
    const clock = fakeClock();
    const store = new InMemoryIdempotencyStore({ ttlSeconds: 60, now: clock.now });
    await store.begin(['a'], 1_000);
    await store.finish(['a'], []);
    clock.advance(59_000);
    const beforeExpiry = await store.begin(['a'], 1_000);
    clock.advance(1_000);

    // Act
    const afterExpiry = await store.begin(['a'], 1_000);

    // Assert
    expect(beforeExpiry.get('a')).toBe('completed');
    expect(afterExpiry.get('a')).toBe('acquired');
  });

  it('sweeps expired entries out of memory', async () => {
    // Arrange
    const clock = fakeClock();
    const store = new InMemoryIdempotencyStore({ ttlSeconds: 60, now: clock.now });
    await store.begin(['a', 'b'], 1_000);
    await store.finish(['a', 'b'], []);
    clock.advance(120_000);

    // Act
    await store.begin(['c'], 1_000);

    // Assert
    expect(store.size).toBe(1);
  });

  it('keeps a lock longer than the TTL alive until the lock ends', async () => {
    // Arrange
    const clock = fakeClock();
    const store = new InMemoryIdempotencyStore({ ttlSeconds: 1, now: clock.now });
    await store.begin(['a'], 10_000);
    clock.advance(5_000);

    // Act
    const claims = await store.begin(['a'], 10_000);

    // Assert
    expect(claims.get('a')).toBe('in-progress');
  });

  it('rejects empty keys as a permanent error and nonsensical settings as config errors', async () => {
    // Arrange
    const store = new InMemoryIdempotencyStore();

    // Act
    const emptyKey = store.begin([''], 1_000);
    const zeroLock = store.begin(['a'], 0);

    // Assert
    await expect(emptyKey).rejects.toBeInstanceOf(InvalidIdempotencyKeyError);
    await expect(zeroLock).rejects.toBeInstanceOf(ConfigError);
    expect(() => new InMemoryIdempotencyStore({ ttlSeconds: 0 })).toThrow(ConfigError);
  });
});
