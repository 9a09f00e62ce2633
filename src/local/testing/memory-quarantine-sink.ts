import type { QuarantineEntry, QuarantineSink } from '../../runtime/processing/quarantine/index.js';

/**
 * A {@link QuarantineSink} that keeps what it is given in `entries`, in write order: the quarantine of a
 * unit test. {@link runProcessor} and {@link runHandler} use a fresh one unless you pass your own; pass
 * the same one to several runs to collect across them.
 *
 * @example
 * ```ts
 * import { MemoryQuarantineSink, runProcessor } from 'shardflow/testing';
 *
 * const quarantine = new MemoryQuarantineSink();
 * await runProcessor(orderFacts, event, { quarantine });
 * expect(quarantine.entries.map((e) => e.error.name)).toEqual(['SchemaValidationError']);
 * ```
 */
export class MemoryQuarantineSink implements QuarantineSink {
  readonly kind = 'memory';
  /** Every entry written so far. */
  readonly entries: QuarantineEntry[] = [];

  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
}
