import type { StoredOnFailureRecord } from '../../local/esm/destinations/index.js';
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
 * The stored on-failure records as a table: key, condition, shard, start–end sequence number, batch size
 * and timestamp.
 *
 * @example
 * ```ts
 * console.log(formatOnFailureTable(await destination.listStored()));
 * ```
 */
export function formatOnFailureTable(stored: readonly StoredOnFailureRecord[]): string {
  return formatTable(
    ['key', 'condition', 'shard', 'sequence (start–end)', 'batch size', 'timestamp'],
    stored.map(({ key, record }) => {
      const info = record.KinesisBatchInfo ?? record.DDBStreamBatchInfo;
      return [
        key,
        record.requestContext.condition,
        info?.shardId ?? '',
        info === undefined ? '' : `${info.startSequenceNumber}–${info.endSequenceNumber}`,
        String(info?.batchSize ?? ''),
        record.timestamp,
      ];
    }),
  );
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
      io.stderr.write(`${stored.length} on-failure record(s)\n`);
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
