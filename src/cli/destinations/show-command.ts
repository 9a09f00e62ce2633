import { createCliLogger } from '../cli-logger.js';
import { ExitCode, OnFailureRecordNotFoundError } from '../errors.js';
import { loadConfig } from '../load-config.js';
import type { DestinationsIo, DestinationsOptions } from './list-command.js';
import { openOnFailureRecords } from './local-stream.js';

/**
 * `shardflow destinations show <stream> <key>`: prints one stored on-failure record (with its `payload`
 * of records when the destination keeps it) as JSON.
 *
 * @returns the exit code (0)
 * @throws {OnFailureRecordNotFoundError} when no record has this key
 *
 * @example
 * ```ts
 * await runDestinationsShow({ config: 'shardflow.config.ts', stream: 'clicks', dataDir: '.shardflow/data' }, key);
 * ```
 */
export async function runDestinationsShow(
  options: DestinationsOptions,
  key: string,
  io: DestinationsIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const config = await loadConfig(options.config);
  const log = await createCliLogger({
    level: options.logLevel ?? 'error',
    console: { output: io.stderr, pretty: io.stderr.isTTY === true },
  });
  try {
    const { onFailure, close } = await openOnFailureRecords(config, options.stream, options.dataDir, log.logger);
    try {
      const found = (await onFailure.listStored()).find((stored) => stored.key === key);
      if (found === undefined) throw new OnFailureRecordNotFoundError(options.stream, key);
      io.stdout.write(`${JSON.stringify(found.record, null, 2)}\n`);
      return ExitCode.ok;
    } finally {
      await close();
    }
  } finally {
    await log.close();
  }
}
