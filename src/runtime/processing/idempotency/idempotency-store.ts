/**
 * What {@link IdempotencyStore.begin} found for one key:
 * - `'acquired'`: this invocation now holds the key's lock: run the record.
 * - `'completed'`: the record's effect already happened (an earlier delivery finished it): skip it and
 *   count it as a success.
 * - `'in-progress'`: another invocation holds a live lock: the engine treats the record as a transient
 *   failure, so Lambda redelivers it after that invocation has finished or its lock has expired.
 */
export type ClaimState = 'acquired' | 'completed' | 'in-progress';

/**
 * What {@link IdempotencyStore.lookup} found for one key, by the same rule `begin` applies but without
 * claiming anything:
 * - `'completed'`: the effect happened; a delivery now would be skipped as a duplicate.
 * - `'in-progress'`: an invocation holds a live lock on it.
 * - `'absent'`: no live item (none, expired, or a lock that ran out): a delivery now would run it.
 */
export type KeyState = 'completed' | 'in-progress' | 'absent';

/**
 * The port the batch engine claims and completes idempotency keys through, a whole batch at a time.
 *
 * ## The guarantee, precisely
 * Lambda delivers stream records at least once. With a store, a record's effect happens **exactly once
 * when the processor completes and `finish` runs** for its key: every later delivery finds the key
 * `completed` (for `ttlSeconds`) and is skipped; a concurrent delivery finds it `in-progress` and is
 * retried later.
 *
 * **The crash window.** If the invocation dies after the effect happened but before `finish` wrote
 * `completed` (timeout, out of memory, crash, a failed `finish` write), the key stays `INPROGRESS` until
 * its lock expires (`lockMs` after `begin`), and the next delivery after that runs the record **again**.
 * That is the same window Powertools idempotency has between the effect and its completion write; no
 * store can close it without making the effect itself part of a transaction with the store. Make
 * effects naturally idempotent (conditional writes, upserts keyed by the record) where a second run
 * would hurt. A lock that expires while its invocation is still running has the same consequence, so
 * `lockMs` should outlast the invocation (the engine uses the remaining Lambda time).
 *
 * Keys that expire (after `ttlSeconds`) are forgotten: a delivery after that runs again. Keep the TTL
 * above the stream's retention (or `MaximumRecordAgeInSeconds`).
 *
 * @example
 * ```ts
 * const claims = await store.begin(keys, context.getRemainingTimeInMillis());
 * const toRun = keys.filter((key) => claims.get(key) === 'acquired');
 * // … run them; collect which succeeded …
 * await store.finish(succeeded, failedOrNotStarted);
 * ```
 */
export interface IdempotencyStore {
  /**
   * Claims many keys at once for `lockMs`. Returns one state per distinct key. `'acquired'` = run it
   * now; `'completed'` = its effect already happened (skip, count as success); `'in-progress'` = a live
   * lock held by another invocation (the engine treats it as a transient failure).
   */
  begin(keys: readonly string[], lockMs: number): Promise<Map<string, ClaimState>>;
  /**
   * After the batch: marks `completed` keys done (kept for the TTL) and releases the locks of `released`
   * keys (failed or never started) so a retry can claim them again. Pass only keys this invocation
   * acquired: a release deletes the key's item unconditionally. A key in both lists counts as completed.
   */
  finish(completed: readonly string[], released: readonly string[]): Promise<void>;
  /**
   * Optional (DynamoDB): the `TransactWriteItems` entry that marks an acquired key `COMPLETED`, conditioned
   * on this invocation still holding its lock. Written in the same transaction as the effect, it closes the
   * crash window above: effect and completion commit together or not at all. `undefined` for keys this
   * store instance did not acquire.
   */
  completionItem?(key: string): TransactWriteItem | undefined;
  /**
   * Optional, read-only: the state of each distinct key, claiming and writing nothing (DynamoDB: consistent
   * `BatchGetItem` reads). Lets a tool tell which records are proven applied before it re-delivers them
   * (`shardflow destinations redrive`).
   */
  lookup?(keys: readonly string[]): Promise<Map<string, KeyState>>;
}

/** A DynamoDB `TransactWriteItems` entry (structurally: the SDK's `TransactWriteItem`). */
export interface TransactWriteItem {
  readonly Put?: {
    readonly TableName: string;
    readonly Item: Record<string, unknown>;
    readonly ConditionExpression?: string;
    readonly ExpressionAttributeNames?: Record<string, string>;
    readonly ExpressionAttributeValues?: Record<string, unknown>;
  };
}
