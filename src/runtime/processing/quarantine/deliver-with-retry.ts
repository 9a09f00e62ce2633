import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RETRY } from './constants.js';
import type { QuarantineEntry } from './quarantine-entry.js';
import { QuarantineWriteError, type QuarantineWriteFailure } from './quarantine-write-error.js';

/** How a sink retries the entries a service reports as failed in an otherwise successful call. */
export interface QuarantineRetryOptions {
  /** Attempts in all, including the first. Default 4. */
  readonly maxAttempts?: number;
  /** Backoff base: the delay before retry n is random in [0, min(maxDelayMs, baseDelayMs × 2^(n-1))]. Default 100. */
  readonly baseDelayMs?: number;
  /** Backoff cap. Default 2000. */
  readonly maxDelayMs?: number;
}

/** An entry paired with the service request item built from it. */
export interface PendingItem<R> {
  readonly entry: QuarantineEntry;
  readonly request: R;
}

/** An item the service did not store in one attempt. */
export interface ItemFailure<R> {
  readonly item: PendingItem<R>;
  readonly reason: string;
  /** `false` when retrying cannot help (e.g. SQS `SenderFault`): the item fails without further attempts. */
  readonly retryable: boolean;
}

/** Sends one chunk; resolves with the items that failed (empty when all were stored), rejects when the call failed. */
export type SendChunk<R> = (chunk: readonly PendingItem<R>[]) => Promise<readonly ItemFailure<R>[]>;

/**
 * Sends chunks one after another, retrying failed items with full-jitter exponential backoff up to
 * `maxAttempts`. Resolves when every item was stored. Otherwise rejects with a
 * {@link QuarantineWriteError} listing exactly the entries not stored: items rejected up front
 * (`rejected`, e.g. too large), items still failing after the last attempt, and — when a call throws —
 * the rest of that chunk and all later chunks (the thrown error is the `cause`).
 *
 * @example
 * ```ts
 * await deliverWithRetry('sqs', chunks, (chunk) => sendBatch(chunk), { maxAttempts: 3 });
 * ```
 */
export async function deliverWithRetry<R>(
  sinkKind: string,
  chunks: readonly (readonly PendingItem<R>[])[],
  send: SendChunk<R>,
  retry: QuarantineRetryOptions = {},
  rejected: readonly QuarantineWriteFailure[] = [],
): Promise<void> {
  const maxAttempts = Math.max(1, retry.maxAttempts ?? DEFAULT_RETRY.maxAttempts);
  const baseDelayMs = retry.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const maxDelayMs = retry.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const failures: QuarantineWriteFailure[] = [...rejected];
  for (let index = 0; index < chunks.length; index++) {
    let pending: readonly PendingItem<R>[] = chunks[index] ?? [];
    for (let attempt = 1; pending.length > 0; attempt++) {
      let itemFailures: readonly ItemFailure<R>[];
      try {
        itemFailures = await send(pending);
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const unsent = [pending, ...chunks.slice(index + 1)].flat().map(({ entry }) => ({ entry, reason }));
        throw new QuarantineWriteError(sinkKind, [...failures, ...unsent], { cause: error });
      }
      const again: PendingItem<R>[] = [];
      for (const failure of itemFailures) {
        if (failure.retryable && attempt < maxAttempts) again.push(failure.item);
        else failures.push({ entry: failure.item.entry, reason: failure.reason });
      }
      pending = again;
      if (pending.length > 0) await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
  if (failures.length > 0) {
    throw new QuarantineWriteError(sinkKind, failures, { cause: new Error(failures[0]?.reason) });
  }
}
