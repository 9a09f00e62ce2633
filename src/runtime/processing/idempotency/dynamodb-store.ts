import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue, CancellationReason, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { loadDynamoDBSdk } from '../../aws/lazy-sdk.js';
import type { AwsSdkClient } from '../../aws/sdk-client.js';
import { ConfigError } from '../../errors.js';
import { backoffDelayMs } from './backoff.js';
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
import {
  DEFAULT_IDEMPOTENCY_TTL_SECONDS,
  DynamoDBLimits,
  IdempotencyAttribute,
  IdempotencyStatus,
} from './constants.js';
import { IdempotencyStoreError } from './errors.js';
import type { ClaimState, IdempotencyStore, KeyState, TransactWriteItem } from './idempotency-store.js';

/** Options for {@link DynamoDBIdempotencyStore}. */
export interface DynamoDBIdempotencyStoreOptions {
  /** A module-level `DynamoDBClient` (created once per execution environment). */
  readonly client: AwsSdkClient;
  /** Table with partition key `id` (S) and TTL on `expiration`; see {@link ensureIdempotencyTable}. */
  readonly tableName: string;
  /** How long a completed key is remembered. Default 86 400 s (24 h). */
  readonly ttlSeconds?: number | undefined;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /**
   * Claim transactions per `begin` for keys that other writers keep contending for; keys still
   * unresolved after that are reported `'in-progress'` (retried by Lambda later). Default 3.
   */
  readonly maxClaimRounds?: number;
  /** Calls per chunk while DynamoDB returns `UnprocessedKeys` / `UnprocessedItems`. Default 8. */
  readonly maxBatchAttempts?: number;
  /** DynamoDB requests in flight at once for batches with more than one chunk. Default 4. */
  readonly maxConcurrentRequests?: number;
}

/** What one claim round decided for its keys (storage ids). */
interface ClaimOutcome {
  readonly acquired: string[];
  /** Keys another writer holds or completed, known from the cancellation reason's old item. */
  readonly resolved: Map<string, Exclude<ClaimState, 'acquired'>>;
  /** Keys whose transaction was cancelled for another key's sake, or hit a conflict: claim again. */
  readonly retry: string[];
  /** Keys whose condition failed without the old item: read them again. */
  readonly reread: string[];
  /** A conflict or throttle happened: back off before the next round. */
  contended: boolean;
}

const CONDITION_NAMES = {
  '#id': IdempotencyAttribute.id,
  '#status': IdempotencyAttribute.status,
  '#expiration': IdempotencyAttribute.expiration,
  '#lockExpiresAt': IdempotencyAttribute.lockExpiresAt,
} as const;

/** `claimStateOf` as a condition: no item, a dead item, or an `INPROGRESS` item whose lock has expired. */
const CLAIMABLE_CONDITION =
  'attribute_not_exists(#id) OR #expiration <= :nowSeconds OR (#status = :inProgress AND #lockExpiresAt < :nowMs)';

/** Cancellation reason codes that mean "try again", not "this request is wrong". */
const RETRYABLE_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
]);

/**
 * An {@link IdempotencyStore} on a DynamoDB table that claims and completes a whole batch in a handful of
 * round trips, where Powertools idempotency makes two writes per record:
 *
 * - `begin` = one consistent `BatchGetItem` per 100 keys (finds completed and locked keys), then one
 *   `TransactWriteItems` per 100 claimable keys, each put conditioned on the key still being claimable.
 *   When another writer got there first the transaction is cancelled; the cancellation reasons name the
 *   keys whose condition failed (with their current item), and the transaction is retried with the rest
 *   (bounded by `maxClaimRounds`).
 * - `finish` = one `BatchWriteItem` per 25 keys: `COMPLETED` puts for completed keys, deletes for released
 *   ones. Unprocessed keys/items are retried with jittered exponential backoff.
 *
 * A 100-record batch costs 1 + 1 + 4 = 6 calls. Items: `{ id, status: 'INPROGRESS' | 'COMPLETED',
 * expiration (epoch s, the TTL attribute), lockExpiresAt (epoch ms, claims only) }`. Keys longer than
 * DynamoDB's 2048-byte partition key limit are stored as `sha256:<hex>` of the key. Throttling and service
 * errors (after the SDK's own retries) are thrown as {@link IdempotencyStoreError} with the AWS error as
 * `cause`.
 *
 * Guarantee and crash window: see {@link IdempotencyStore}. One more caveat of batching: `finish` writes
 * are unconditional, so an invocation whose lock already expired (it outlived `lockMs`) overwrites or
 * deletes the item of the invocation that took the key over.
 *
 * Needs `dynamodb:BatchGetItem`, `dynamodb:BatchWriteItem`, `dynamodb:PutItem` (the transaction's
 * puts) and `dynamodb:DeleteItem` (the batch's deletes) on the table.
 *
 * The module imports `@aws-sdk/client-dynamodb` (its commands) on the first call, not when it is imported:
 * the `shardflow` entry exports this class, and importing that entry must not load an SDK client.
 *
 * @example
 * ```ts
 * const client = new DynamoDBClient({});
 * const store = new DynamoDBIdempotencyStore({ client, tableName: process.env.IDEMPOTENCY_TABLE! });
 * const claims = await store.begin(keys, 60_000);
 * // … run the acquired keys …
 * await store.finish(succeeded, failed);
 * ```
 */
export class DynamoDBIdempotencyStore implements IdempotencyStore {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #ttlSeconds: number;
  readonly #now: () => number;
  readonly #maxClaimRounds: number;
  readonly #maxBatchAttempts: number;
  readonly #maxConcurrentRequests: number;
  /** Lock tokens (`lockExpiresAt`) of the keys this instance holds, by storage id, for `completionItem`. */
  readonly #locks = new Map<string, number>();

  constructor(options: DynamoDBIdempotencyStoreOptions) {
    if (typeof options.tableName !== 'string' || options.tableName.length === 0) {
      throw new ConfigError('tableName', 'the idempotency table name must be a non-empty string');
    }
    this.#client = options.client as DynamoDBClient;
    this.#tableName = options.tableName;
    this.#ttlSeconds = options.ttlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS;
    assertTtlSeconds(this.#ttlSeconds);
    this.#now = options.now ?? Date.now;
    this.#maxClaimRounds = positiveInteger('maxClaimRounds', options.maxClaimRounds ?? 3);
    this.#maxBatchAttempts = positiveInteger('maxBatchAttempts', options.maxBatchAttempts ?? 8);
    this.#maxConcurrentRequests = positiveInteger('maxConcurrentRequests', options.maxConcurrentRequests ?? 4);
  }

  async begin(keys: readonly string[], lockMs: number): Promise<Map<string, ClaimState>> {
    assertLockMs(lockMs);
    const keyOf = new Map<string, string>();
    for (const key of distinctKeys(keys)) keyOf.set(storageId(key), key);
    const claims = new Map<string, ClaimState>();
    const report = (id: string, state: ClaimState) => claims.set(keyOf.get(id)!, state);

    let toRead = [...keyOf.keys()];
    let toClaim: string[] = [];
    for (let round = 0; toRead.length > 0 || toClaim.length > 0; round++) {
      if (toRead.length > 0) {
        const nowMs = this.#now();
        const stored = await this.#read(toRead);
        for (const id of toRead) {
          const state = claimStateOf(stored.get(id), nowMs);
          if (state === 'claimable') toClaim.push(id);
          else report(id, state);
        }
      }
      if (toClaim.length === 0) break;
      if (round >= this.#maxClaimRounds) {
        // Still contended after every round: another writer keeps winning. Retrying later is safe.
        for (const id of toClaim) report(id, 'in-progress');
        break;
      }
      const outcome = await this.#claim(toClaim, lockMs);
      for (const id of outcome.acquired) report(id, 'acquired');
      for (const [id, state] of outcome.resolved) report(id, state);
      toClaim = outcome.retry;
      toRead = outcome.reread;
      if (outcome.contended) await sleep(backoffDelayMs(round + 1));
    }
    return claims;
  }

  /** Consistent `BatchGetItem` reads (100 keys per call); claims and writes nothing. */
  async lookup(keys: readonly string[]): Promise<Map<string, KeyState>> {
    const keyOf = new Map<string, string>();
    for (const key of distinctKeys(keys)) keyOf.set(storageId(key), key);
    const stored = await this.#read([...keyOf.keys()]);
    const nowMs = this.#now();
    const states = new Map<string, KeyState>();
    for (const [id, key] of keyOf) states.set(key, keyStateOf(stored.get(id), nowMs));
    return states;
  }

  completionItem(key: string): TransactWriteItem | undefined {
    const id = storageId(key);
    const lock = this.#locks.get(id);
    if (lock === undefined) return undefined;
    return {
      Put: {
        TableName: this.#tableName,
        Item: {
          [IdempotencyAttribute.id]: { S: id },
          [IdempotencyAttribute.status]: { S: IdempotencyStatus.completed },
          [IdempotencyAttribute.expiration]: { N: String(expirationFor(this.#now(), this.#ttlSeconds)) },
        },
        ConditionExpression: '#status = :inProgress AND #lockExpiresAt = :lock',
        ExpressionAttributeNames: {
          '#status': IdempotencyAttribute.status,
          '#lockExpiresAt': IdempotencyAttribute.lockExpiresAt,
        },
        ExpressionAttributeValues: { ':inProgress': { S: IdempotencyStatus.inProgress }, ':lock': { N: String(lock) } },
      },
    };
  }

  async finish(completed: readonly string[], released: readonly string[]): Promise<void> {
    const locks = new Map<string, number | undefined>();
    for (const key of [...completed, ...released]) {
      const id = storageId(key);
      locks.set(id, this.#locks.get(id));
      this.#locks.delete(id);
    }
    const done = new Set(distinctKeys(completed).map(storageId));
    const freed = distinctKeys(released)
      .map(storageId)
      .filter((id) => !done.has(id));
    if (done.size === 0 && freed.length === 0) return;
    const expiration = String(expirationFor(this.#now(), this.#ttlSeconds));
    const requests: WriteRequest[] = [];
    for (const id of done) {
      requests.push({
        PutRequest: {
          Item: {
            [IdempotencyAttribute.id]: { S: id },
            [IdempotencyAttribute.status]: { S: IdempotencyStatus.completed },
            [IdempotencyAttribute.expiration]: { N: expiration },
          },
        },
      });
    }
    if (requests.length > 0) {
      await this.#forEachChunk(requests, DynamoDBLimits.batchWriteItems, (chunk) => this.#writeChunk(chunk));
    }
    // Releases are conditional (BatchWriteItem cannot be): delete only our own live lock. A record whose
    // effect committed together with its completion (`completionItem`) but whose invocation saw an error
    // (a timeout, an aborted request) is COMPLETED by now and must stay so. Releases are rare: one call each.
    const limit = pLimit(this.#maxConcurrentRequests);
    await Promise.all(freed.map((id) => limit(() => this.#release(id, locks.get(id)))));
  }

  /** Deletes a claim if it is still this instance's lock (or, when the lock is unknown, still in progress). */
  async #release(id: string, lock: number | undefined): Promise<void> {
    const { ConditionalCheckFailedException, DeleteItemCommand } = await loadDynamoDBSdk();
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#tableName,
          Key: { [IdempotencyAttribute.id]: { S: id } },
          ConditionExpression:
            lock === undefined ? '#status = :inProgress' : '#status = :inProgress AND #lockExpiresAt = :lock',
          ExpressionAttributeNames:
            lock === undefined
              ? { '#status': IdempotencyAttribute.status }
              : { '#status': IdempotencyAttribute.status, '#lockExpiresAt': IdempotencyAttribute.lockExpiresAt },
          ExpressionAttributeValues:
            lock === undefined
              ? { ':inProgress': { S: IdempotencyStatus.inProgress } }
              : { ':inProgress': { S: IdempotencyStatus.inProgress }, ':lock': { N: String(lock) } },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return; // completed, or someone else's lock now
      throw this.#storeError('DeleteItem', error);
    }
  }

  /** Consistent reads of `ids`; absent keys are missing from the result. */
  async #read(ids: readonly string[]): Promise<Map<string, StoredClaim>> {
    const stored = new Map<string, StoredClaim>();
    await this.#forEachChunk(ids, DynamoDBLimits.batchGetKeys, (chunk) => this.#readChunk(chunk, stored));
    return stored;
  }

  async #readChunk(ids: readonly string[], into: Map<string, StoredClaim>): Promise<void> {
    const { BatchGetItemCommand } = await loadDynamoDBSdk();
    let keys: Record<string, AttributeValue>[] = ids.map((id) => ({ [IdempotencyAttribute.id]: { S: id } }));
    for (let attempt = 1; ; attempt++) {
      const output = await this.#call('BatchGetItem', () =>
        this.#client.send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.#tableName]: {
                Keys: keys,
                ConsistentRead: true,
                ProjectionExpression: '#id, #status, #expiration, #lockExpiresAt',
                ExpressionAttributeNames: CONDITION_NAMES,
              },
            },
          }),
        ),
      );
      for (const item of output.Responses?.[this.#tableName] ?? []) {
        const id = item[IdempotencyAttribute.id]?.S;
        if (id !== undefined) into.set(id, parseItem(item));
      }
      const unprocessed = output.UnprocessedKeys?.[this.#tableName]?.Keys ?? [];
      if (unprocessed.length === 0) return;
      this.#assertAttemptsLeft('BatchGetItem', attempt, unprocessed.length);
      await sleep(backoffDelayMs(attempt));
      keys = unprocessed;
    }
  }

  async #writeChunk(requests: WriteRequest[]): Promise<void> {
    const { BatchWriteItemCommand } = await loadDynamoDBSdk();
    let pending = requests;
    for (let attempt = 1; ; attempt++) {
      const output = await this.#call('BatchWriteItem', () =>
        this.#client.send(new BatchWriteItemCommand({ RequestItems: { [this.#tableName]: pending } })),
      );
      const unprocessed = output.UnprocessedItems?.[this.#tableName] ?? [];
      if (unprocessed.length === 0) return;
      this.#assertAttemptsLeft('BatchWriteItem', attempt, unprocessed.length);
      await sleep(backoffDelayMs(attempt));
      pending = unprocessed;
    }
  }

  /** One claim round: a conditional transaction per 100 keys. */
  async #claim(ids: readonly string[], lockMs: number): Promise<ClaimOutcome> {
    const outcome: ClaimOutcome = { acquired: [], resolved: new Map(), retry: [], reread: [], contended: false };
    await this.#forEachChunk(ids, DynamoDBLimits.transactItems, (chunk) => this.#claimChunk(chunk, lockMs, outcome));
    return outcome;
  }

  async #claimChunk(ids: readonly string[], lockMs: number, outcome: ClaimOutcome): Promise<void> {
    const { TransactWriteItemsCommand } = await loadDynamoDBSdk();
    const nowMs = this.#now();
    const lockExpiresAt = nowMs + lockMs;
    const expiration = String(expirationFor(nowMs, this.#ttlSeconds, lockExpiresAt));
    const values: Record<string, AttributeValue> = {
      ':nowSeconds': { N: String(epochSeconds(nowMs)) },
      ':nowMs': { N: String(nowMs) },
      ':inProgress': { S: IdempotencyStatus.inProgress },
    };
    const command = new TransactWriteItemsCommand({
      TransactItems: ids.map((id) => ({
        Put: {
          TableName: this.#tableName,
          Item: {
            [IdempotencyAttribute.id]: { S: id },
            [IdempotencyAttribute.status]: { S: IdempotencyStatus.inProgress },
            [IdempotencyAttribute.expiration]: { N: expiration },
            [IdempotencyAttribute.lockExpiresAt]: { N: String(lockExpiresAt) },
          },
          ConditionExpression: CLAIMABLE_CONDITION,
          ExpressionAttributeNames: CONDITION_NAMES,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      })),
    });
    let reasons: CancellationReason[] | undefined;
    try {
      await this.#client.send(command);
      outcome.acquired.push(...ids);
      for (const id of ids) this.#locks.set(id, lockExpiresAt);
      return;
    } catch (error) {
      if (!isTransactionCanceled(error)) throw this.#storeError('TransactWriteItems', error);
      reasons = error.CancellationReasons;
    }
    if (reasons === undefined || reasons.length !== ids.length) {
      // No per-item reasons: find out what happened by reading every key again.
      outcome.reread.push(...ids);
      return;
    }
    ids.forEach((id, index) => {
      const reason = reasons[index];
      const code = reason?.Code ?? 'None';
      if (code === 'None') {
        outcome.retry.push(id); // cancelled only because another key's condition failed
      } else if (code === 'ConditionalCheckFailed') {
        const state = reason?.Item === undefined ? undefined : claimStateOf(parseItem(reason.Item), nowMs);
        if (state === undefined) outcome.reread.push(id);
        else if (state === 'claimable') outcome.retry.push(id);
        else outcome.resolved.set(id, state);
      } else if (RETRYABLE_REASONS.has(code)) {
        outcome.retry.push(id);
        outcome.contended = true;
      } else {
        throw new IdempotencyStoreError(
          `DynamoDB TransactWriteItems on table '${this.#tableName}' rejected key '${id}': ${code}: ${reason?.Message ?? ''}`,
        );
      }
    });
  }

  /** Runs `work` over `items` in chunks of `size`, at most `maxConcurrentRequests` at a time. */
  async #forEachChunk<T>(items: readonly T[], size: number, work: (chunk: T[]) => Promise<void>): Promise<void> {
    const chunks: T[][] = [];
    for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
    if (chunks.length <= 1) {
      if (chunks[0] !== undefined) await work(chunks[0]);
      return;
    }
    const limit = pLimit(this.#maxConcurrentRequests);
    await Promise.all(chunks.map((chunk) => limit(() => work(chunk))));
  }

  async #call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.#storeError(operation, error);
    }
  }

  #storeError(operation: string, error: unknown): IdempotencyStoreError {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new IdempotencyStoreError(`DynamoDB ${operation} on table '${this.#tableName}' failed: ${detail}`, {
      cause: error,
    });
  }

  #assertAttemptsLeft(operation: string, attempt: number, unprocessed: number): void {
    if (attempt < this.#maxBatchAttempts) return;
    throw new IdempotencyStoreError(
      `DynamoDB ${operation} on table '${this.#tableName}' left ${unprocessed} keys unprocessed after ${attempt} attempts`,
    );
  }
}

/**
 * The partition key value a key is stored under: the key itself, or `sha256:<hex>` when it is longer
 * than DynamoDB's partition key limit.
 */
function storageId(key: string): string {
  if (Buffer.byteLength(key, 'utf8') <= DynamoDBLimits.partitionKeyBytes) return key;
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

function parseItem(item: Record<string, AttributeValue>): StoredClaim {
  return {
    status: item[IdempotencyAttribute.status]?.S,
    expiration: numberOf(item[IdempotencyAttribute.expiration]),
    lockExpiresAt: numberOf(item[IdempotencyAttribute.lockExpiresAt]),
  };
}

function numberOf(value: AttributeValue | undefined): number | undefined {
  const n = value?.N === undefined ? Number.NaN : Number(value.N);
  return Number.isFinite(n) ? n : undefined;
}

function isTransactionCanceled(error: unknown): error is Error & { CancellationReasons?: CancellationReason[] } {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}

function positiveInteger(path: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new ConfigError(path, `must be a positive integer, got ${value}`);
  return value;
}
