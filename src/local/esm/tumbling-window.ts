/** Lambda closes a window early when its state grows past 1 MB. */
export const MAX_WINDOW_STATE_BYTES = 1024 * 1024;

/** One open tumbling window of a lane: its bounds and the state the function returned last. */
export interface OpenWindow {
  readonly startMs: number;
  readonly endMs: number;
  state: unknown;
}

/**
 * The window a record belongs to: windows are aligned on multiples of the window length since the
 * epoch, by the record's approximate arrival time (as Lambda aligns them).
 *
 * @example
 * ```ts
 * windowOf(Date.parse('2020-12-09T07:04:30Z'), 60); // { startMs: …07:04:00, endMs: …07:05:00 }
 * ```
 */
export function windowOf(arrivalMs: number, windowSeconds: number): { startMs: number; endMs: number } {
  const length = windowSeconds * 1000;
  const startMs = Math.floor(arrivalMs / length) * length;
  return { startMs, endMs: startMs + length };
}

/** ISO-8601 without milliseconds, as Lambda writes window bounds (`2020-12-09T07:04:00Z`). */
export function windowTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The fields Lambda adds to a stream event for tumbling windows.
 *
 * @example
 * ```ts
 * const event = { Records, ...windowFields(window, shardId, streamArn, false, false) };
 * ```
 */
export function windowFields(
  window: OpenWindow,
  shardId: string,
  eventSourceARN: string,
  isFinalInvokeForWindow: boolean,
  isWindowTerminatedEarly: boolean,
): Record<string, unknown> {
  return {
    window: { start: windowTimestamp(window.startMs), end: windowTimestamp(window.endMs) },
    state: window.state ?? {},
    shardId,
    eventSourceARN,
    isFinalInvokeForWindow,
    isWindowTerminatedEarly,
  };
}

/** Bytes of a window state as Lambda would count them (its JSON). */
export function stateBytes(state: unknown): number {
  return Buffer.byteLength(JSON.stringify(state ?? {}), 'utf8');
}
