import type { CheckpointStore, ShardCheckpoint } from '../ports.js';
import { assertValidCheckpoint } from './validate-checkpoint.js';

/**
 * Checkpoint store in process memory, for unit tests: gone with the process. Like the file store, the
 * last save of a shard wins. `load` returns a copy.
 *
 * @example
 * ```ts
 * const store = new InMemoryCheckpointStore();
 * await store.save('orders', 'shardId-000000000000', { sequenceNumber: '49590338271490256608559692538361571095921575989136588898', ended: false });
 * (await store.load('orders')).get('shardId-000000000000')?.sequenceNumber; // '4959…8898'
 * ```
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  readonly kind = 'memory';
  readonly #mappings = new Map<string, Map<string, ShardCheckpoint>>();

  async load(mappingId: string): Promise<Map<string, ShardCheckpoint>> {
    const shards = this.#mappings.get(mappingId);
    return new Map([...(shards ?? [])].map(([shardId, checkpoint]) => [shardId, { ...checkpoint }]));
  }

  async save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void> {
    assertValidCheckpoint(shardId, checkpoint);
    let shards = this.#mappings.get(mappingId);
    if (shards === undefined) {
      shards = new Map();
      this.#mappings.set(mappingId, shards);
    }
    shards.set(shardId, { sequenceNumber: checkpoint.sequenceNumber, ended: checkpoint.ended });
  }
}
