/**
 * Delay before retry number `attempt` (1-based): exponential with "full jitter" (a random delay between
 * 0 and `min(capMs, baseMs * 2^attempt)`), as AWS recommends for unprocessed batch items and
 * transaction conflicts, so that competing writers spread out.
 *
 * @example
 * ```ts
 * await sleep(backoffDelayMs(attempt)); // attempt 1: 0–50 ms, 2: 0–100 ms, … capped at 1 s
 * ```
 */
export function backoffDelayMs(attempt: number, baseMs = 25, capMs = 1_000): number {
  return Math.random() * Math.min(capMs, baseMs * 2 ** attempt);
}
