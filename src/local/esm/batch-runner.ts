import { randomUUID } from 'node:crypto';
import type { BatchVerdict } from './interpret-response.js';
import type { SourceRecord } from './ports.js';

/** Why records went to the on-failure destination. */
export type DiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** Records the ESM gives up on, to describe in an on-failure record. */
export interface Discard {
  readonly condition: DiscardCondition;
  readonly functionError: 'Unhandled' | null;
  readonly records: readonly SourceRecord[];
  /** Invocations that included these records. */
  readonly approximateInvokeCount: number;
  readonly requestId: string;
}

/** The result of invoking the function on some records. */
export interface BatchInvocation {
  readonly requestId: string;
  readonly verdict: BatchVerdict;
}

/** Collaborators and settings of a {@link BatchRunner}. */
export interface BatchRunnerOptions {
  readonly bisectOnError: boolean;
  /** -1 = until the records expire. */
  readonly maxRetries: number;
  /** -1 = never. */
  readonly maxRecordAgeSeconds: number;
  /** Invokes the function on `records` (with the carried window `state`, when windowed). */
  invoke(records: readonly SourceRecord[], state: unknown): Promise<BatchInvocation>;
  /** Sends records to the on-failure destination (or discards them when there is none). Must not lose them. */
  discard(discard: Discard): Promise<void>;
  /** Every record up to and including `record` is handled: the checkpoint may move there. */
  progress(record: SourceRecord): void;
  /** Waits before a retry. `retry` is 0 for the first retry. */
  backoff(retry: number): Promise<void>;
  /** Stops the runner between invocations (shutdown). */
  readonly signal: AbortSignal;
  now(): number;
}

/** A stop request interrupted a batch: nothing after the last `progress` call is handled. */
export class BatchAbandonedError extends Error {
  constructor() {
    super('batch abandoned: the event source mapping is stopping');
    this.name = 'BatchAbandonedError';
  }
}

interface Pending {
  readonly records: readonly SourceRecord[];
  /** Retries consumed (bisecting does not consume any). */
  readonly retries: number;
  /** Invocations these records were part of. */
  readonly invocations: number;
  /** Records split out because they are older than `maxRecordAgeSeconds`. */
  readonly expired?: boolean;
}

/**
 * Drives one batch to completion with the ESM's failure semantics (see docs/local-esm.md):
 *
 * - success → checkpoint after the batch;
 * - partial failure → checkpoint before the lowest failed record, retry the rest (counts as a retry);
 *   with bisect on, this is "split at the returned sequence number";
 * - function error with `bisectOnError` and more than one record → split in two, left half first, then
 *   right (left = ⌈n/2⌉ records); splitting does not consume retries; at one record, ordinary retries;
 * - retries exhausted (`maxRetries`, -1 = until expiry) → on-failure destination (`RetryAttemptsExhausted`),
 *   for a partial failure only the remainder from the checkpoint;
 * - before every invocation, records older than `maxRecordAgeSeconds` are split out, each contiguous run
 *   to the destination (`RecordAgeExceeded`), while fresh records of the batch are still invoked.
 *
 * @example
 * ```ts
 * const state = await new BatchRunner(options).run(records, previousState);
 * ```
 */
export class BatchRunner {
  readonly #options: BatchRunnerOptions;

  constructor(options: BatchRunnerOptions) {
    this.#options = options;
  }

  /** Runs `records` to completion; returns the window state after the last successful invocation. */
  async run(records: readonly SourceRecord[], initialState?: unknown): Promise<unknown> {
    const o = this.#options;
    let state = initialState;
    let lastRequestId: string | undefined;
    const stack: Pending[] = [{ records, retries: 0, invocations: 0 }];
    while (stack.length > 0) {
      if (o.signal.aborted) throw new BatchAbandonedError();
      const item = stack.pop()!;
      if (item.expired) {
        await o.discard({
          condition: 'RecordAgeExceeded',
          functionError: null,
          records: item.records,
          // AWS records 1 for records that expired before any invocation (the attempt that found them expired).
          approximateInvokeCount: Math.max(1, item.invocations),
          requestId: lastRequestId ?? randomUUID(),
        });
        o.progress(item.records.at(-1)!);
        continue;
      }
      const runs = this.#splitByAge(item);
      if (runs.length > 1 || runs[0]!.expired) {
        for (let i = runs.length - 1; i >= 0; i--) stack.push(runs[i]!);
        continue;
      }
      const { requestId, verdict } = await o.invoke(item.records, state);
      lastRequestId = requestId;
      const invocations = item.invocations + 1;
      if (verdict.kind === 'success') {
        if ('state' in verdict) state = verdict.state;
        o.progress(item.records.at(-1)!);
        continue;
      }
      if (verdict.kind === 'partial') {
        if ('state' in verdict) state = verdict.state;
        if (verdict.failedIndex > 0) o.progress(item.records[verdict.failedIndex - 1]!);
        const rest = item.records.slice(verdict.failedIndex);
        if (this.#exhausted(item.retries)) {
          await o.discard({
            condition: 'RetryAttemptsExhausted',
            functionError: null,
            records: rest,
            approximateInvokeCount: invocations,
            requestId,
          });
          o.progress(rest.at(-1)!);
          continue;
        }
        await o.backoff(item.retries);
        stack.push({ records: rest, retries: item.retries + 1, invocations });
        continue;
      }
      if (o.bisectOnError && verdict.functionError === 'Unhandled' && item.records.length > 1) {
        const middle = Math.ceil(item.records.length / 2);
        stack.push({ records: item.records.slice(middle), retries: item.retries, invocations });
        stack.push({ records: item.records.slice(0, middle), retries: item.retries, invocations });
        continue;
      }
      if (this.#exhausted(item.retries)) {
        await o.discard({
          condition: 'RetryAttemptsExhausted',
          functionError: verdict.functionError,
          records: item.records,
          approximateInvokeCount: invocations,
          requestId,
        });
        o.progress(item.records.at(-1)!);
        continue;
      }
      await o.backoff(item.retries);
      stack.push({ records: item.records, retries: item.retries + 1, invocations });
    }
    return state;
  }

  #exhausted(retries: number): boolean {
    const max = this.#options.maxRetries;
    return max !== -1 && retries >= max;
  }

  /** Splits a pending batch into contiguous runs of fresh and expired records (one run when none expired). */
  #splitByAge(item: Pending): Pending[] {
    const maxAge = this.#options.maxRecordAgeSeconds;
    if (maxAge < 0) return [item];
    const limit = this.#options.now() - maxAge * 1000;
    const runs: Pending[] = [];
    let start = 0;
    for (let i = 1; i <= item.records.length; i++) {
      const expiredAt = (j: number) => item.records[j]!.approximateArrivalMs < limit;
      if (i === item.records.length || expiredAt(i) !== expiredAt(start)) {
        const slice = item.records.slice(start, i);
        runs.push(
          expiredAt(start)
            ? { records: slice, retries: item.retries, invocations: item.invocations, expired: true }
            : { records: slice, retries: item.retries, invocations: item.invocations },
        );
        start = i;
      }
    }
    return runs;
  }
}
