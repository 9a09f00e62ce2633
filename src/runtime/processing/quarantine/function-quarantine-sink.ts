import type { QuarantineEntry, QuarantineSink } from './quarantine-entry.js';
import { QuarantineWriteError } from './quarantine-write-error.js';

/** A user-supplied quarantine writer: resolve once the entries are stored, reject otherwise. */
export type QuarantineWriteFunction = (entries: readonly QuarantineEntry[]) => Promise<void> | void;

/**
 * Quarantine sink delegating to your own function (e.g. writing to a database shardflow has no sink
 * for). A rejection or throw becomes a {@link QuarantineWriteError} for all entries of the write,
 * with your error as `cause`.
 *
 * @example
 * ```ts
 * const sink = new FunctionQuarantineSink(async (entries) => {
 *   await db.insertMany('poison', entries);
 * });
 * ```
 */
export class FunctionQuarantineSink implements QuarantineSink {
  readonly kind = 'function';
  readonly #write: QuarantineWriteFunction;

  constructor(write: QuarantineWriteFunction) {
    this.#write = write;
  }

  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.#write(entries);
    } catch (error) {
      const reason = `quarantine function failed: ${error instanceof Error ? error.message : String(error)}`;
      throw new QuarantineWriteError(
        this.kind,
        entries.map((entry) => ({ entry, reason })),
        { cause: error },
      );
    }
  }
}
