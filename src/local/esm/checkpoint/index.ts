/**
 * Checkpoint stores of the local event source mapping: where each shard's progress survives a stop or
 * a `kill -9` — a JSON file per mapping, a KCL-style DynamoDB lease table, or memory (tests).
 *
 * @example
 * ```ts
 * import { FileCheckpointStore } from './esm/checkpoint/index.js';
 * const store = new FileCheckpointStore({ directory: '.shardflow/checkpoints' });
 * const shards = await store.load('orders');
 * ```
 */
export { CheckpointAttribute, NO_CHECKPOINT_SORTABLE, SORTABLE_SEQUENCE_WIDTH } from './constants.js';
export {
  DynamoDBCheckpointStore,
  type DynamoDBCheckpointStoreOptions,
  sortableSequenceNumber,
} from './dynamodb-checkpoint-store.js';
export { type EnsureCheckpointTableOptions, ensureCheckpointTable } from './ensure-checkpoint-table.js';
export {
  CheckpointStoreError,
  CheckpointTableError,
  CorruptCheckpointError,
  InvalidCheckpointError,
  InvalidMappingIdError,
} from './errors.js';
export {
  type CheckpointFile,
  type CheckpointFileShard,
  FileCheckpointStore,
  type FileCheckpointStoreOptions,
  parseCheckpointFile,
} from './file-checkpoint-store.js';
export { InMemoryCheckpointStore } from './in-memory-checkpoint-store.js';
export { assertValidCheckpoint } from './validate-checkpoint.js';
export { TEMP_FILE_SUFFIX, writeFileAtomically } from './write-file-atomically.js';
