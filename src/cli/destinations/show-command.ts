import { ExitCode, OnFailureRecordNotFoundError } from '../errors.js';
import {
  type DestinationsIo,
  type DestinationsOptions,
  describeRedriveState,
  withStoredOnFailureRecords,
} from './list-command.js';

/**
 * `shardflow destinations show <stream> <key>`: prints one stored on-failure record (with its `payload`
 * of records when the destination keeps it) as JSON on stdout, and its redrive status (`never redriven`,
 * or the last attempt: status, when, by whom, command, counts) as one line on stderr.
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
  return withStoredOnFailureRecords(options, io, (stored) => {
    const found = stored.find((record) => record.key === key);
    if (found === undefined) throw new OnFailureRecordNotFoundError(options.stream, key);
    io.stdout.write(`${JSON.stringify(found.record, null, 2)}\n`);
    io.stderr.write(
      `redrive: ${found.redrive === undefined ? 'never redriven' : describeRedriveState(found.redrive)}\n`,
    );
    return ExitCode.ok;
  });
}
