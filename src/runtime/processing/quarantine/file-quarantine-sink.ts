import type { QuarantineEntry, QuarantineSink } from './quarantine-entry.js';
import { QuarantineWriteError } from './quarantine-write-error.js';
import { toNdjson } from './serialize-entry.js';

/** Options for {@link FileQuarantineSink}. */
export interface FileQuarantineSinkOptions {
  /** NDJSON file to append to; its parent directories are created when missing. */
  readonly path: string;
}

/**
 * Quarantine sink appending entries as NDJSON lines to a local file — for local development, the local
 * ESM and tests. Each write is a single `appendFile` call, so one batch's lines are never interleaved
 * with another writer's in the same process.
 *
 * @example
 * ```ts
 * const sink = new FileQuarantineSink({ path: '.shardflow/quarantine/orders.ndjson' });
 * await sink.write(entries);
 * ```
 */
export class FileQuarantineSink implements QuarantineSink {
  readonly kind = 'file';
  readonly #path: string;

  constructor(options: FileQuarantineSinkOptions) {
    this.#path = options.path;
  }

  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      // Loaded on first write: a function whose records never reach a quarantine file does not import them.
      const [{ appendFile, mkdir }, { dirname }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
      await mkdir(dirname(this.#path), { recursive: true });
      await appendFile(this.#path, toNdjson(entries), 'utf8');
    } catch (error) {
      const reason = `cannot append to ${this.#path}: ${error instanceof Error ? error.message : String(error)}`;
      throw new QuarantineWriteError(
        this.kind,
        entries.map((entry) => ({ entry, reason })),
        { cause: error },
      );
    }
  }
}
