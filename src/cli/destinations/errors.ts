import { CliUsageError } from '../errors.js';

/** A processor a redrive would re-run without being able to tell records it already applied. */
export interface UnsafeProcessor {
  readonly name: string;
  /** Records of the redrive that reach it. */
  readonly records: number;
  /** Why duplicates cannot be recognised. */
  readonly reason: 'not idempotent' | 'no business key';
}

/**
 * `shardflow destinations redrive` refused (exit code 2): a processor the described records reach could
 * apply some of them twice. An on-failure record describes its batch from the first failed record to the
 * end, so records after the failure may already have been applied; without idempotency (`--mode invoke`)
 * or without a business key (`--mode put`: records put back get new sequence numbers, so a key by record
 * identity cannot recognise them) nothing stops a second application. `--allow-duplicates` redrives anyway.
 *
 * @example
 * ```ts
 * throw new RedriveDuplicatesError('clicks', 'invoke', [{ name: 'clicks', records: 8, reason: 'not idempotent' }]);
 * ```
 */
export class RedriveDuplicatesError extends CliUsageError {
  readonly stream: string;
  readonly processors: readonly UnsafeProcessor[];

  constructor(stream: string, mode: 'invoke' | 'put', processors: readonly UnsafeProcessor[]) {
    const named = (reason: UnsafeProcessor['reason']) =>
      processors
        .filter((p) => p.reason === reason)
        .map((p) => `'${p.name}' (${p.records} record(s))`)
        .join(', ');
    const problems = [
      named('not idempotent') &&
        `processor ${named('not idempotent')} is not idempotent, so it cannot tell the records it already applied`,
      named('no business key') &&
        `processor ${named('no business key')} keys idempotency by record identity, which a record put back changes (new sequence number)`,
    ].filter(Boolean);
    const remedies = [
      named('not idempotent') && "make it idempotent (idempotency: true and the stream's idempotency table)",
      named('no business key') && 'give it a business key (idempotency: { key })',
    ].filter(Boolean);
    super(
      `refusing to redrive stream '${stream}' with --mode ${mode}: ${problems.join('; ')}. An on-failure record describes ` +
        `its batch from the first failed record to the end, so some of its records may have been applied already: ` +
        `${remedies.join(', ')}, or pass --allow-duplicates to redrive anyway`,
    );
    this.stream = stream;
    this.processors = processors;
  }
}
