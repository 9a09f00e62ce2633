import { IdempotencyStoreError } from './errors.js';
import type { ClaimState, IdempotencyStore, KeyState, TransactWriteItem } from './idempotency-store.js';

/**
 * An {@link IdempotencyStore} created on first use — with its SDK client, so a function that never claims
 * a key never pays for loading `@aws-sdk/client-dynamodb` at cold start (~70 ms measured here).
 * `completionItem` is only asked for after `begin`, when the store exists.
 *
 * @example
 * ```ts
 * const store = new LazyIdempotencyStore(
 *   async () => new DynamoDBIdempotencyStore({ client: await defaultClients.dynamodb(), tableName: 'idem' }),
 * );
 * ```
 */
export class LazyIdempotencyStore implements IdempotencyStore {
  readonly #load: () => Promise<IdempotencyStore>;
  #store: Promise<IdempotencyStore> | undefined;
  #loaded: IdempotencyStore | undefined;

  constructor(load: () => Promise<IdempotencyStore>) {
    this.#load = load;
  }

  async begin(keys: readonly string[], lockMs: number): Promise<Map<string, ClaimState>> {
    return (await this.#get()).begin(keys, lockMs);
  }

  async finish(completed: readonly string[], released: readonly string[]): Promise<void> {
    return (await this.#get()).finish(completed, released);
  }

  async lookup(keys: readonly string[]): Promise<Map<string, KeyState>> {
    const store = await this.#get();
    if (store.lookup === undefined) throw new IdempotencyStoreError('this idempotency store cannot look keys up');
    return store.lookup(keys);
  }

  completionItem(key: string): TransactWriteItem | undefined {
    return this.#loaded?.completionItem?.(key);
  }

  #get(): Promise<IdempotencyStore> {
    this.#store ??= this.#load().then((store) => {
      this.#loaded = store;
      return store;
    });
    return this.#store;
  }
}
