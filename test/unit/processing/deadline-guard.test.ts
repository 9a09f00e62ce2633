import { describe, expect, it } from 'vitest';
import { DeadlineGuard } from '../../../src/runtime/processing/deadline-guard.js';

/** A Lambda context whose remaining time the test sets. */
function clock(remainingMs: number) {
  const context = { remaining: remainingMs, getRemainingTimeInMillis: () => context.remaining };
  return context;
}

describe('DeadlineGuard', () => {
  it('expires once less than the margin is left', () => {
    // Arrange
    const context = clock(10_000);
    const guard = new DeadlineGuard(context, 2000);

    // Act
    const before = guard.expired();
    context.remaining = 1999;
    const after = guard.expired();
    guard.dispose();

    // Assert
    expect(before).toBe(false);
    expect(after).toBe(true);
  });

  it('hands out a signal that is not aborted while time is left', () => {
    // Arrange
    const guard = new DeadlineGuard(clock(60_000), 2000);

    // Act
    const signal = guard.signal;
    guard.dispose();

    // Assert
    expect(signal.aborted).toBe(false);
    expect(guard.signal).toBe(signal);
  });

  it('hands out an aborted signal when it is first read after the guard tripped', () => {
    // Arrange
    const context = clock(60_000);
    const guard = new DeadlineGuard(context, 2000);
    context.remaining = 1500;

    // Act
    const signal = guard.signal;

    // Assert
    expect(signal.aborted).toBe(true);
    expect(guard.expired()).toBe(true);
  });

  it('never expires outside Lambda (no remaining time)', () => {
    // Arrange
    const guard = new DeadlineGuard(undefined, 2000);

    // Assert
    expect(guard.expired()).toBe(false);
    expect(guard.signal.aborted).toBe(false);
    expect(guard.remainingMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
