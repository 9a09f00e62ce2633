import type { RedriveState, StoredOnFailureRecord } from '../../local/esm/destinations/index.js';
import { createCliLogger, type TextOutput } from '../cli-logger.js';
import { ExitCode } from '../errors.js';
import { formatTable } from '../format-table.js';
import { loadConfig } from '../load-config.js';
import { openOnFailureRecords } from './local-stream.js';
import { byStreamPosition } from './stream-order.js';

/** Options shared by the `destinations` commands. */
export interface DestinationsOptions {
  readonly config: string;
  readonly stream: string;
  /** The data dir of a `shardflow dev --data-dir` run. */
  readonly dataDir: string;
  /** Log level (logs go to stderr). Default `error` (the command prints the outcomes itself). */
  readonly logLevel?: string | undefined;
}

/** Where the `destinations` commands write: results to stdout, logs and progress to stderr. */
export interface DestinationsIo {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
}

/**
 * The stored on-failure records as a table: key, condition, shard, start–end sequence number, batch size,
 * timestamp and redrive status (`-` when never redriven).
 *
 * @example
 * ```ts
 * console.log(formatOnFailureTable(await destination.listStored()));
 * ```
 */
export function formatOnFailureTable(stored: readonly StoredOnFailureRecord[]): string {
  return formatTable(
    ['key', 'condition', 'shard', 'sequence (start–end)', 'batch size', 'timestamp', 'redrive'],
    stored.map(({ key, record, redrive }) => {
      const info = record.KinesisBatchInfo ?? record.DDBStreamBatchInfo;
      return [
        key,
        record.requestContext.condition,
        info?.shardId ?? '',
        info === undefined ? '' : `${info.startSequenceNumber}–${info.endSequenceNumber}`,
        String(info?.batchSize ?? ''),
        record.timestamp,
        redriveColumn(redrive),
      ];
    }),
  );
}

/**
 * The `redrive` column of `destinations list`: `-`, or the last attempt's status, time (to the second) and
 * who ran it, e.g. `redriven 2025-05-01T10:00:00Z by alice@laptop`.
 *
 * @example
 * ```ts
 * redriveColumn(stored.redrive); // 'failed 2025-05-01T10:00:00Z by alice@laptop'
 * ```
 */
export function redriveColumn(state: RedriveState | undefined): string {
  const last = state?.attempts.at(-1);
  if (state === undefined || last === undefined) return '-';
  return `${state.status} ${last.at.replace(/\.\d+Z$/, 'Z')} by ${last.by}`;
}

/**
 * One line about a record's last redrive: status, when, by whom, the command and its record counts.
 *
 * @example
 * ```ts
 * describeRedriveState(stored.redrive!);
 * // 'redriven 2025-05-01T10:00:00Z by alice@laptop (shardflow destinations redrive clicks --all --mode invoke: 3 processed, 5 already-applied)'
 * ```
 */
export function describeRedriveState(state: RedriveState): string {
  const last = state.attempts.at(-1);
  if (last === undefined) return state.status;
  const counts = Object.entries(last.counts)
    .map(([outcome, n]) => `${n} ${outcome}`)
    .join(', ');
  const attempts = state.attempts.length > 1 ? `, attempt ${state.attempts.length}` : '';
  return `${redriveColumn(state)} (${last.command}: ${counts || 'no records'}${attempts})`;
}

/**
 * `shardflow destinations list <stream>`: the on-failure records a `shardflow dev --data-dir` run stored
 * for the stream (S3 on s3rver, or the local directory standing in for SQS/SNS), as a table in stream
 * order (shard, then start sequence number).
 *
 * @returns the exit code (0)
 *
 * @example
 * ```ts
 * await runDestinationsList({ config: 'shardflow.config.ts', stream: 'clicks', dataDir: '.shardflow/data' });
 * ```
 */
export async function runDestinationsList(
  options: DestinationsOptions,
  io: DestinationsIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  return withStoredOnFailureRecords(options, io, (records) => {
    const stored = [...records].sort(byStreamPosition);
    if (stored.length === 0) {
      io.stderr.write(`no on-failure records for stream '${options.stream}'\n`);
    } else {
      io.stdout.write(`${formatOnFailureTable(stored)}\n`);
      const redriven = stored.filter((entry) => entry.redrive?.status === 'redriven').length;
      io.stderr.write(`${stored.length} on-failure record(s), ${redriven} redriven\n`);
    }
    return ExitCode.ok;
  });
}

/**
 * Loads the config, opens the stream's on-failure records (starting what the data dir needs) and hands
 * them to `use`; closes everything afterwards. Shared by `list` and `show`.
 *
 * @example
 * ```ts
 * const count = await withStoredOnFailureRecords(options, io, (stored) => stored.length);
 * ```
 */
export async function withStoredOnFailureRecords<T>(
  options: DestinationsOptions,
  io: DestinationsIo,
  use: (stored: readonly StoredOnFailureRecord[]) => T | Promise<T>,
): Promise<T> {
  const config = await loadConfig(options.config);
  const log = await createCliLogger({
    level: options.logLevel ?? 'error',
    console: { output: io.stderr, pretty: io.stderr.isTTY === true },
  });
  try {
    const { onFailure, close } = await openOnFailureRecords(config, options.stream, options.dataDir, log.logger);
    try {
      return await use(await onFailure.listStored());
    } finally {
      await close();
    }
  } finally {
    await log.close();
  }
}
