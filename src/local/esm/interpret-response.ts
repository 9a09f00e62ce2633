import type { SourceRecord } from './ports.js';

/** How an invocation ended, before interpretation. */
export type InvokeOutcome =
  | { readonly kind: 'returned'; readonly value: unknown }
  | { readonly kind: 'threw'; readonly error: Error }
  | { readonly kind: 'timeout'; readonly timeoutMs: number };

/** What the ESM does next with a batch, as AWS decides it from the function's response. */
export type BatchVerdict =
  | { readonly kind: 'success'; readonly state?: unknown }
  /** Retry from `failedIndex` (records before it are checkpointed). */
  | { readonly kind: 'partial'; readonly failedIndex: number; readonly state?: unknown }
  /** The whole batch failed. `functionError` 'Unhandled' for errors/timeouts, null for invalid responses. */
  | { readonly kind: 'failure'; readonly functionError: 'Unhandled' | null; readonly reason: string };

function isEmptyResponse(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && Object.keys(value as object).length === 0;
}

/**
 * Interprets a function's response exactly as Lambda's ESM does for stream sources (see docs/local-esm.md):
 * - an error or a timeout fails the whole batch (`functionError: 'Unhandled'`);
 * - without `ReportBatchItemFailures`, any response is a success;
 * - `""`, `[]`, `null`, `{}`, `{batchItemFailures: []}` and `{batchItemFailures: null}` are full success;
 * - an empty or null `itemIdentifier`, an entry without that key, or an identifier that matches no record
 *   of the batch fails the whole batch (`functionError: null`);
 * - otherwise the batch is retried from the lowest reported record;
 * - with tumbling windows, a response without `state` fails the invocation.
 *
 * Undocumented, our choice: any other non-object response (a number, a non-empty string) counts as
 * success when it has no `batchItemFailures` — Lambda finds no failures in it.
 *
 * @example
 * ```ts
 * interpretResponse({ kind: 'returned', value: { batchItemFailures: [{ itemIdentifier: '42' }] } }, batch, true, false);
 * // → { kind: 'partial', failedIndex: 3 }
 * ```
 */
export function interpretResponse(
  outcome: InvokeOutcome,
  batch: readonly SourceRecord[],
  reportBatchItemFailures: boolean,
  windowed: boolean,
): BatchVerdict {
  if (outcome.kind === 'threw') {
    return { kind: 'failure', functionError: 'Unhandled', reason: `${outcome.error.name}: ${outcome.error.message}` };
  }
  if (outcome.kind === 'timeout') {
    return { kind: 'failure', functionError: 'Unhandled', reason: `Task timed out after ${outcome.timeoutMs} ms` };
  }
  const value = outcome.value;
  const objectValue =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  let state: unknown;
  if (windowed) {
    if (objectValue === undefined || !Object.hasOwn(objectValue, 'state')) {
      return { kind: 'failure', functionError: null, reason: 'tumbling-window response without state' };
    }
    state = objectValue.state;
  }
  const withState = <T extends object>(verdict: T) => (windowed ? { ...verdict, state } : verdict);
  if (!reportBatchItemFailures || isEmptyResponse(value) || objectValue === undefined) {
    return withState({ kind: 'success' as const });
  }
  const failures = objectValue.batchItemFailures;
  if (failures === undefined || failures === null) return withState({ kind: 'success' as const });
  if (!Array.isArray(failures)) {
    return { kind: 'failure', functionError: null, reason: 'batchItemFailures is not a list' };
  }
  if (failures.length === 0) return withState({ kind: 'success' as const });
  const indexBySequence = new Map<string, number>();
  for (let i = 0; i < batch.length; i++) {
    const sequence = batch[i]!.sequenceNumber;
    if (!indexBySequence.has(sequence)) indexBySequence.set(sequence, i);
  }
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    if (typeof failure !== 'object' || failure === null || !Object.hasOwn(failure, 'itemIdentifier')) {
      return { kind: 'failure', functionError: null, reason: 'a batchItemFailures entry has no itemIdentifier key' };
    }
    const id = (failure as { itemIdentifier: unknown }).itemIdentifier;
    if (typeof id !== 'string' || id === '') {
      return { kind: 'failure', functionError: null, reason: 'empty or null itemIdentifier' };
    }
    const index = indexBySequence.get(id);
    if (index === undefined) {
      return { kind: 'failure', functionError: null, reason: `itemIdentifier ${id} matches no record of the batch` };
    }
    if (index < lowest) lowest = index;
  }
  return withState({ kind: 'partial' as const, failedIndex: lowest });
}
