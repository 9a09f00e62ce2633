import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore, ShardCheckpoint } from '../ports.js';
import { CHECKPOINT_FILE_SUFFIX } from './constants.js';
import { CheckpointStoreError, CorruptCheckpointError, InvalidMappingIdError } from './errors.js';
import { assertValidCheckpoint } from './validate-checkpoint.js';
import { writeFileAtomically } from './write-file-atomically.js';

/** Options for {@link FileCheckpointStore}. */
export interface FileCheckpointStoreOptions {
  /** Directory holding one `<mappingId>.json` per mapping; created on the first save. */
  readonly directory: string;
  /** Clock for `updatedAt`. Default `() => new Date()`. */
  readonly now?: () => Date;
}

/** One shard's entry in a checkpoint file. */
export interface CheckpointFileShard {
  /** `null` before the first checkpoint. */
  readonly sequenceNumber: string | null;
  readonly ended: boolean;
  /** ISO-8601 time of the save. */
  readonly updatedAt: string;
}

/** The content of `<directory>/<mappingId>.json`. */
export interface CheckpointFile {
  readonly shards: Record<string, CheckpointFileShard>;
}

const MAPPING_ID = /^[A-Za-z0-9._-]+$/;

/**
 * Checkpoint store keeping one JSON file per event source mapping, `<directory>/<mappingId>.json`:
 * `{ "shards": { "<shardId>": { "sequenceNumber", "ended", "updatedAt" } } }`.
 *
 * - **Atomic:** every save writes a temporary file, fsyncs it and renames it over the old one, so a
 *   crash (even `kill -9`) leaves the previous or the new content, never a torn file; leftover
 *   `*.tmp` files of an interrupted save are ignored.
 * - **No lost updates:** saves of one mapping are serialised through a per-mapping queue; saves that
 *   arrive while a write is in flight are merged into the next write (the last save of a shard wins),
 *   and each `save` resolves only once a write containing it is durable. `load` waits for queued saves.
 * - **Loud on corruption:** a file that is not valid JSON of that shape raises
 *   {@link CorruptCheckpointError}; only a missing file means "no checkpoints yet".
 *
 * One process should own a mapping's file at a time (as one local ESM runs a mapping).
 *
 * @example
 * ```ts
 * const store = new FileCheckpointStore({ directory: '.shardflow/checkpoints' });
 * await store.save('orders', 'shardId-000000000000', { sequenceNumber: '4959…', ended: false });
 * const shards = await store.load('orders'); // Map { 'shardId-000000000000' => { sequenceNumber: '4959…', ended: false } }
 * ```
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly kind = 'file';
  readonly #directory: string;
  readonly #now: () => Date;
  readonly #queues = new Map<string, SaveQueue>();

  constructor(options: FileCheckpointStoreOptions) {
    this.#directory = options.directory;
    this.#now = options.now ?? (() => new Date());
  }

  /** Path of a mapping's checkpoint file. */
  fileOf(mappingId: string): string {
    if (!MAPPING_ID.test(mappingId) || mappingId === '.' || mappingId === '..') {
      throw new InvalidMappingIdError(mappingId);
    }
    return join(this.#directory, `${mappingId}${CHECKPOINT_FILE_SUFFIX}`);
  }

  async load(mappingId: string): Promise<Map<string, ShardCheckpoint>> {
    const file = this.fileOf(mappingId);
    await this.#queues.get(mappingId)?.idle();
    const content = await this.#read(mappingId, file);
    return new Map(
      Object.entries(content.shards).map(([shardId, shard]) => [
        shardId,
        { sequenceNumber: shard.sequenceNumber ?? undefined, ended: shard.ended },
      ]),
    );
  }

  save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void> {
    try {
      this.fileOf(mappingId);
      assertValidCheckpoint(shardId, checkpoint);
    } catch (error) {
      return Promise.reject(error);
    }
    let queue = this.#queues.get(mappingId);
    if (queue === undefined) {
      queue = new SaveQueue((updates) => this.#write(mappingId, updates));
      this.#queues.set(mappingId, queue);
    }
    return queue.enqueue(shardId, {
      sequenceNumber: checkpoint.sequenceNumber ?? null,
      ended: checkpoint.ended,
      updatedAt: this.#now().toISOString(),
    });
  }

  /** Applies queued updates to the current file content and replaces the file atomically. */
  async #write(mappingId: string, updates: ReadonlyMap<string, CheckpointFileShard>): Promise<void> {
    const file = this.fileOf(mappingId);
    const content = await this.#read(mappingId, file);
    const shards: Record<string, CheckpointFileShard> = { ...content.shards };
    for (const [shardId, shard] of updates) shards[shardId] = shard;
    const next: CheckpointFile = { shards };
    try {
      await writeFileAtomically(file, `${JSON.stringify(next, null, 2)}\n`);
    } catch (error) {
      throw new CheckpointStoreError(this.kind, mappingId, `writing ${file} failed`, { cause: error });
    }
  }

  async #read(mappingId: string, file: string): Promise<CheckpointFile> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { shards: {} };
      throw new CheckpointStoreError(this.kind, mappingId, `reading ${file} failed`, { cause: error });
    }
    return parseCheckpointFile(file, text);
  }
}

/**
 * Parses and checks the content of a checkpoint file.
 *
 * @throws {CorruptCheckpointError} when it is not JSON of the {@link CheckpointFile} shape
 *
 * @example
 * ```ts
 * parseCheckpointFile('orders.json', '{"shards":{}}'); // { shards: {} }
 * ```
 */
export function parseCheckpointFile(location: string, text: string): CheckpointFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptCheckpointError(location, `not valid JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isPlainObject(value) || !isPlainObject(value.shards)) {
    throw new CorruptCheckpointError(location, 'expected an object with a "shards" object');
  }
  for (const [shardId, shard] of Object.entries(value.shards)) {
    if (
      !isPlainObject(shard) ||
      !(
        shard.sequenceNumber === null ||
        (typeof shard.sequenceNumber === 'string' && /^\d+$/.test(shard.sequenceNumber))
      ) ||
      typeof shard.ended !== 'boolean'
    ) {
      throw new CorruptCheckpointError(
        location,
        `shard ${JSON.stringify(shardId)} needs "sequenceNumber" (decimal string or null) and "ended" (boolean)`,
      );
    }
  }
  return value as unknown as CheckpointFile;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Serialises the writes of one mapping. Updates queued while a write runs are merged (per shard, the
 * latest wins) into the next write; every caller is settled by the write that carried its update.
 */
class SaveQueue {
  #pending = new Map<string, CheckpointFileShard>();
  #waiters: Waiter[] = [];
  #draining: Promise<void> | undefined;
  readonly #flush: (updates: ReadonlyMap<string, CheckpointFileShard>) => Promise<void>;

  constructor(flush: (updates: ReadonlyMap<string, CheckpointFileShard>) => Promise<void>) {
    this.#flush = flush;
  }

  enqueue(shardId: string, shard: CheckpointFileShard): Promise<void> {
    // Re-inserting moves the shard to the end, so the file lists shards in the order of their last save.
    this.#pending.delete(shardId);
    this.#pending.set(shardId, shard);
    const settled = new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
    this.#draining ??= this.#drain();
    return settled;
  }

  /** Resolves once every queued update has been written (or has failed). Never rejects. */
  idle(): Promise<void> {
    return this.#draining ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    // Let saves issued in the same tick join the first write.
    await Promise.resolve();
    while (this.#pending.size > 0) {
      const updates = this.#pending;
      const waiters = this.#waiters;
      this.#pending = new Map();
      this.#waiters = [];
      try {
        await this.#flush(updates);
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.#draining = undefined;
  }
}
