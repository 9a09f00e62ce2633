import { setMaxListeners } from 'node:events';

/** What the deadline guard needs from the Lambda context. */
export interface RemainingTime {
  getRemainingTimeInMillis?(): number;
}

/**
 * Stops a batch from starting records it cannot finish before the Lambda deadline. `expired()` is
 * checked before each record; `signal` aborts at the same moment so in-flight work can stop early.
 *
 * @example
 * ```ts
 * const guard = new DeadlineGuard(context, 2000);
 * if (guard.expired()) return; // report the rest as the checkpoint
 * guard.dispose();
 * ```
 */
export class DeadlineGuard {
  readonly #context: RemainingTime | undefined;
  readonly #marginMs: number;
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout | undefined;

  constructor(context: RemainingTime | undefined, marginMs: number) {
    this.#context = context;
    this.#marginMs = marginMs;
    // Every record of a batch may hand this signal to SDK calls: many listeners are expected.
    setMaxListeners(0, this.#controller.signal);
    const remaining = this.remainingMs();
    if (Number.isFinite(remaining)) {
      const delay = Math.max(0, remaining - marginMs);
      this.#timer = setTimeout(() => this.#controller.abort(new Error('deadline guard')), delay);
      this.#timer.unref();
    }
  }

  /** Milliseconds before the function times out (`Infinity` outside Lambda). */
  remainingMs(): number {
    const fn = this.#context?.getRemainingTimeInMillis;
    return typeof fn === 'function' ? fn.call(this.#context) : Number.POSITIVE_INFINITY;
  }

  /** `true` once less than the margin is left. */
  expired(): boolean {
    return this.#controller.signal.aborted || this.remainingMs() < this.#marginMs;
  }

  /** Aborted when the guard trips. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Clears the timer. Call when the batch ends. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}
