import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  DirectoryOnFailureDestination,
  S3OnFailureDestination,
  type StoredOnFailureRecord,
} from '../../local/esm/destinations/index.js';
import { type LocalRun, startLocal } from '../../local/esm/local-runner.js';
import type { ShardflowConfig } from '../../runtime/config/types.js';
import type { Logger } from '../../runtime/observability/logger.js';
import { runningDev } from '../dev/dev-state.js';
import { connectExternal } from '../dev/external-services.js';
import { DataDirNotFoundError, NoOnFailureDestinationError } from '../errors.js';
import { selectStreams, streamOf } from '../load-config.js';

/** On-failure records that can be read back with their keys (S3 and local-directory destinations). */
export interface StoredOnFailureRecords {
  listStored(): Promise<StoredOnFailureRecord[]>;
}

/** A stream's local deployment opened on a data dir, with its mapping stopped (nothing is consumed). */
export interface LocalStream {
  readonly run: LocalRun;
  readonly onFailure: StoredOnFailureRecords;
  close(): Promise<void>;
}

/**
 * Checks that a data dir from `shardflow dev --data-dir` exists and returns its absolute path.
 *
 * @throws {DataDirNotFoundError} when it does not
 *
 * @example
 * ```ts
 * const dir = await existingDataDir('.shardflow/data');
 * ```
 */
export async function existingDataDir(dataDir: string): Promise<string> {
  const path = resolve(dataDir);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) throw new DataDirNotFoundError(path);
  return path;
}

/**
 * Opens one stream of a `shardflow dev --data-dir` deployment: starts the emulators that stream needs on
 * the data dir (`startLocal` with the config reduced to the stream) and stops its event source mapping
 * at once, so that nothing is consumed while on-failure records are read or redriven. The mapping's
 * first step is loading checkpoints from disk, so stopping right after start ends it before it reads.
 *
 * @throws {DataDirNotFoundError} when the data dir does not exist
 * @throws {NoOnFailureDestinationError} when the stream has no on-failure destination
 *
 * @example
 * ```ts
 * const local = await openLocalStream(config, 'clicks', '.shardflow/data', logger);
 * try {
 *   const stored = await local.onFailure.listStored();
 * } finally {
 *   await local.close();
 * }
 * ```
 */
export async function openLocalStream(
  config: ShardflowConfig,
  stream: string,
  dataDir: string,
  logger: Logger,
): Promise<LocalStream> {
  if (streamOf(config, stream).onFailure === undefined) throw new NoOnFailureDestinationError(stream);
  const path = await existingDataDir(dataDir);
  const selected = selectStreams(config, [stream]);
  // A running `shardflow dev` owns the data dir's emulators: use them rather than start a second set on its files.
  const dev = await runningDev(path);
  const external =
    dev === undefined ? undefined : await connectExternal(selected, [stream], dev.endpoints, { region: dev.region });
  let run: LocalRun;
  try {
    run = await startLocal({
      config: selected,
      dataDir: path,
      streams: [stream],
      logger,
      ...(external === undefined || dev === undefined
        ? {}
        : {
            external: external.external,
            localAws: { endpoints: dev.endpoints, region: dev.region, credentials: dev.credentials },
          }),
    });
  } catch (error) {
    external?.destroy();
    throw error;
  }
  const close = async () => {
    await run.stop();
    external?.destroy();
  };
  try {
    await run.mappings.get(stream)?.stop();
    return { run, onFailure: readable(run.destinations.get(stream), stream), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The on-failure records of a stream in a data dir, for reading only. SQS and SNS destinations run as a
 * local directory (`<dataDir>/on-failure/<stream>`) and are read without starting anything; an S3
 * destination needs s3rver on the data dir, so the stream is opened with {@link openLocalStream}.
 *
 * @throws {DataDirNotFoundError} when the data dir does not exist
 * @throws {NoOnFailureDestinationError} when the stream has no on-failure destination
 *
 * @example
 * ```ts
 * const { onFailure, close } = await openOnFailureRecords(config, 'clicks', '.shardflow/data', logger);
 * ```
 */
export async function openOnFailureRecords(
  config: ShardflowConfig,
  stream: string,
  dataDir: string,
  logger: Logger,
): Promise<{ readonly onFailure: StoredOnFailureRecords; close(): Promise<void> }> {
  const spec = streamOf(config, stream).onFailure;
  if (spec === undefined) throw new NoOnFailureDestinationError(stream);
  if (spec.type === 's3') return openLocalStream(config, stream, dataDir, logger);
  const path = await existingDataDir(dataDir);
  const onFailure = new DirectoryOnFailureDestination({ path: join(path, 'on-failure', stream) });
  return { onFailure, close: async () => {} };
}

function readable(destination: unknown, stream: string): StoredOnFailureRecords {
  if (destination instanceof S3OnFailureDestination || destination instanceof DirectoryOnFailureDestination) {
    return destination;
  }
  throw new NoOnFailureDestinationError(stream);
}
