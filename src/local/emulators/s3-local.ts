import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { requireTool } from '../missing-tool.js';

/** Options for {@link startS3Local}. */
export interface S3LocalOptions {
  /** Loopback port to listen on. Default `0`: the OS picks a free port. */
  readonly port?: number;
  /**
   * Directory s3rver stores buckets and objects in. Default: a fresh temporary directory that
   * `stop()` removes. A directory you pass is left in place.
   */
  readonly directory?: string;
  /** Buckets to create before the server accepts requests. */
  readonly buckets?: readonly string[];
}

/** A running local S3 emulator. */
export interface S3Local {
  /** Base URL of the emulator, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly port: number;
  /** Where s3rver keeps buckets and objects on disk. */
  readonly directory: string;
  /** Closes the server and removes the temporary data directory (if {@link startS3Local} created it). */
  stop(): Promise<void>;
}

/** The part of s3rver's API this launcher uses (s3rver ships no type definitions). */
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

/** s3rver's hard-coded account: requests must be signed with this key pair. */
const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * Starts the `s3rver` S3 emulator in-process on `127.0.0.1` (never on a public interface).
 *
 * @throws {MissingToolError} when the `s3rver` package is not installed
 *
 * @example
 * ```ts
 * const s3 = await startS3Local({ buckets: ['orders-quarantine'] });
 * const client = new S3Client(localS3ClientConfig(s3.endpoint));
 * // … use the client …
 * await s3.stop();
 * ```
 */
export async function startS3Local(options: S3LocalOptions = {}): Promise<S3Local> {
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'shardflow-s3-')));
  const S3rver = requireTool('s3rver', () => createRequire(import.meta.url)('s3rver') as S3rverConstructor);
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name })),
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    directory,
    stop() {
      stopped ??= (async () => {
        await server.close();
        if (ownsDirectory) await rm(directory, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/**
 * S3 client settings for a local emulator started by {@link startS3Local}: path-style addressing
 * (s3rver serves `http://127.0.0.1:<port>/<bucket>/<key>`), `us-east-1`, and s3rver's fixed dummy
 * credentials (it rejects unknown access key ids).
 *
 * @example
 * ```ts
 * const client = new S3Client(localS3ClientConfig('http://127.0.0.1:40123'));
 * ```
 */
export function localS3ClientConfig(endpoint: string): S3ClientConfig {
  return {
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { ...S3RVER_CREDENTIALS },
  };
}
