import { missingToolOf } from '../local/missing-tool.js';
import { ShardflowError } from '../runtime/errors.js';

/**
 * Process exit codes of the `shardflow` command.
 *
 * @example
 * ```ts
 * process.exitCode = report.returned ? ExitCode.ok : ExitCode.failure;
 * ```
 */
export const ExitCode = {
  /** Done (for `invoke`: every record handled, or `--allow-failures`). */
  ok: 0,
  /** The command ran and failed: a thrown handler, failed or quarantined records, an unreadable file. */
  failure: 1,
  /**
   * The command line cannot work: unknown option, missing argument, an impossible combination — or a
   * package of the local tooling it needs is not installed (`MissingToolError`).
   */
  usage: 2,
} as const;

/**
 * The command line asks for something that cannot work (exit code 2): an impossible combination of
 * options, or an operation the stream's kind does not support.
 *
 * @example
 * ```ts
 * if (options.all && options.key) throw new CliUsageError('pass either --key or --all, not both');
 * ```
 */
export class CliUsageError extends ShardflowError {}

/**
 * `destinations redrive --mode put` on a DynamoDB stream: DynamoDB Streams are written by table changes
 * only, so records cannot be put back; redrive them with `--mode invoke`.
 *
 * @example
 * ```ts
 * throw new RedriveNotSupportedError('orders', 'DynamoDB Streams cannot be written to');
 * ```
 */
export class RedriveNotSupportedError extends CliUsageError {
  constructor(stream: string, reason: string) {
    super(`cannot redrive stream '${stream}' with --mode put: ${reason}`);
  }
}

/**
 * The config file cannot be loaded: missing, failing to import, or not exporting `defineConfig(...)`.
 *
 * @example
 * ```ts
 * throw new ConfigFileError('shardflow.config.ts', 'the file does not exist');
 * ```
 */
export class ConfigFileError extends ShardflowError {
  readonly file: string;
  constructor(file: string, reason: string, options?: ErrorOptions) {
    super(`${file}: ${reason}`, options);
    this.file = file;
  }
}

/**
 * The `--event` file of `shardflow invoke` cannot be read or is not JSON.
 *
 * @example
 * ```ts
 * throw new EventFileError('event.json', 'Unexpected token } in JSON at position 12');
 * ```
 */
export class EventFileError extends ShardflowError {
  readonly file: string;
  constructor(file: string, reason: string, options?: ErrorOptions) {
    super(`${file}: ${reason}`, options);
    this.file = file;
  }
}

/**
 * The data dir the `destinations` commands read does not exist (no `shardflow dev --data-dir` ran there).
 *
 * @example
 * ```ts
 * throw new DataDirNotFoundError('/tmp/run');
 * ```
 */
export class DataDirNotFoundError extends ShardflowError {
  constructor(dataDir: string) {
    super(`no data dir at ${dataDir}: run \`shardflow dev --data-dir ${dataDir}\` first`);
  }
}

/**
 * The stream has no on-failure destination that can be read back (none configured).
 *
 * @example
 * ```ts
 * throw new NoOnFailureDestinationError('clicks');
 * ```
 */
export class NoOnFailureDestinationError extends ShardflowError {
  constructor(stream: string) {
    super(`stream '${stream}' has no onFailure destination: nothing is kept for discarded batches`);
  }
}

/**
 * No stored on-failure record has this key.
 *
 * @example
 * ```ts
 * throw new OnFailureRecordNotFoundError('clicks', 'aws/lambda/…');
 * ```
 */
export class OnFailureRecordNotFoundError extends ShardflowError {
  constructor(stream: string, key: string) {
    super(
      `stream '${stream}' has no on-failure record with key ${key} (see \`shardflow destinations list ${stream}\`)`,
    );
  }
}

/**
 * Kinesis kept rejecting some records of a `redrive --mode put` (PutRecords `FailedRecordCount` after
 * every retry).
 *
 * @example
 * ```ts
 * throw new RedrivePutError('clicks', 3, 'ProvisionedThroughputExceededException');
 * ```
 */
export class RedrivePutError extends ShardflowError {
  constructor(stream: string, failed: number, reason: string) {
    super(`${failed} record(s) could not be put back onto '${stream}': ${reason}`);
  }
}

/**
 * The exit code for an error: {@link ExitCode.usage} for {@link CliUsageError}s and for tooling that is not
 * installed (a `MissingToolError`, or Node's "module not found" for one of shardflow's optional packages),
 * otherwise {@link ExitCode.failure}.
 *
 * @example
 * ```ts
 * process.exitCode = exitCodeOf(new CliUsageError('pass --key or --all')); // 2
 * ```
 */
export function exitCodeOf(error: unknown): number {
  return error instanceof CliUsageError || missingToolOf(error) !== undefined ? ExitCode.usage : ExitCode.failure;
}

/**
 * One line describing an error for the terminal: `Name: message`. Node's "module not found" for one of
 * shardflow's optional tooling packages is described as the `MissingToolError` it stands for (package, what
 * needs it, install command).
 *
 * @example
 * ```ts
 * describeCliError(new CliUsageError('pass --key or --all')); // 'CliUsageError: pass --key or --all'
 * ```
 */
export function describeCliError(error: unknown): string {
  const shown = missingToolOf(error) ?? error;
  if (!(shown instanceof Error)) return `Error: ${String(shown)}`;
  const message = shown.message.split('\n')[0] ?? '';
  return `${shown.name}: ${message}`;
}

/**
 * A stream named by the config cannot be found on the external services `shardflow dev --endpoint-*`
 * points at (no such stream or table, or the table has no stream).
 *
 * @example
 * ```ts
 * throw new ExternalStreamError("Kinesis stream 'clicks'", 'ResourceNotFoundException: Stream clicks not found');
 * ```
 */
export class ExternalStreamError extends ShardflowError {
  constructor(resource: string, reason: string, options?: ErrorOptions) {
    super(`${resource}: ${reason}`, options);
  }
}

/**
 * `shardflow init` was pointed at a directory that already holds files (other than `.git`); `--force` writes
 * the service's files into it anyway, overwriting files of the same name.
 *
 * @example
 * ```ts
 * throw new TargetNotEmptyError('/work/orders', ['package.json', 'src']);
 * ```
 */
export class TargetNotEmptyError extends CliUsageError {
  readonly dir: string;
  constructor(dir: string, entries: readonly string[]) {
    const shown = entries.slice(0, 3).join(', ') + (entries.length > 3 ? ', …' : '');
    super(
      `${dir} is not empty (${shown}): pass --force to write the service into it (files of the same name are overwritten)`,
    );
    this.dir = dir;
  }
}
