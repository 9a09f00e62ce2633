import { TransientError } from '../../errors.js';
import type { QuarantineEntry } from './quarantine-entry.js';

/** An entry a sink could not store, and why. */
export interface QuarantineWriteFailure {
  readonly entry: QuarantineEntry;
  readonly reason: string;
}

/**
 * A quarantine sink could not store some entries, after its bounded retries. It is a
 * {@link TransientError}: the engine must report the affected records in `batchItemFailures` (they
 * were not handled), so nothing is lost. `failures` lists exactly the entries not known to be stored;
 * entries of the same write that are not listed were stored.
 *
 * @example
 * ```ts
 * try {
 *   await sink.write(entries);
 * } catch (error) {
 *   if (error instanceof QuarantineWriteError) {
 *     for (const { entry, reason } of error.failures) logger.warn({ eventID: entry.eventID, reason }, 'not quarantined');
 *   }
 *   throw error;
 * }
 * ```
 */
export class QuarantineWriteError extends TransientError {
  /** `kind` of the sink that failed (`s3`, `sqs`, …). */
  readonly sinkKind: string;
  readonly failures: readonly QuarantineWriteFailure[];

  constructor(sinkKind: string, failures: readonly QuarantineWriteFailure[], options: { cause: unknown }) {
    const first = failures[0]?.reason ?? 'unknown reason';
    super(
      `${sinkKind} quarantine sink could not store ${failures.length} entr${failures.length === 1 ? 'y' : 'ies'}: ${first}`,
      options,
    );
    this.sinkKind = sinkKind;
    this.failures = failures;
  }

  /** The entries that were not stored. */
  get entries(): readonly QuarantineEntry[] {
    return this.failures.map((failure) => failure.entry);
  }
}
