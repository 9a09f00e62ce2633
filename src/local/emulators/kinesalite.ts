import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeStreamSummaryCommand,
  KinesisClient,
  type KinesisClientConfig,
  ListStreamsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ShardflowError } from '../../runtime/errors.js';
import { requireTool } from '../missing-tool.js';

/** Shards kinesalite allows across all streams before `LimitExceededException` (AWS's default quota in its largest regions). */
export const KINESALITE_SHARD_LIMIT = 500;

/** Options for {@link startKinesalite}. */
export interface KinesaliteOptions {
  /** Loopback port to listen on. Default `0`: the OS picks a free port. */
  readonly port?: number;
  /**
   * Directory kinesalite keeps its LevelDB store in, created if missing; streams and records survive
   * `stop()`. Only one kinesalite may use a directory at a time. Default: in memory.
   */
  readonly dataDir?: string;
}

/** How long `stop()` waits for streams in CREATING/UPDATING/DELETING to settle before closing the store. */
const SETTLE_LIMIT_MS = 5_000;
const SETTLE_POLL_MS = 5;

/** A running kinesalite started by {@link startKinesalite}. */
export interface Kinesalite {
  /** Base URL of the emulator, e.g. `http://127.0.0.1:40123`. */
  readonly endpoint: string;
  readonly port: number;
  /**
   * Waits until no stream is CREATING, UPDATING or DELETING (kinesalite finishes those on a timer that
   * writes to the store), then closes the HTTP server and the store. Idempotent. Destroy clients first.
   */
  stop(): Promise<void>;
}

type KinesaliteFactory = (options: Record<string, unknown>) => Server;

/** The part of `leveldown` used to probe a data directory (the store kinesalite opens on disk). */
type LevelDownFactory = (location: string) => {
  open(callback: (error?: Error) => void): void;
  close(callback: (error?: Error) => void): void;
};

/** Kinesalite could not start: its data directory is locked or unreadable, or it did not answer. */
export class KinesaliteStartError extends ShardflowError {}

/**
 * Starts kinesalite (a Kinesis emulator) in this process on `127.0.0.1`, with `createStreamMs`,
 * `deleteStreamMs` and `updateStreamMs` at 0 (streams are `ACTIVE` at once and `SplitShard`/`MergeShards`
 * complete on the next tick) and a shard limit of {@link KINESALITE_SHARD_LIMIT}. Resolves once a
 * `ListStreams` call succeeds.
 *
 * Kinesalite speaks HTTP/1.1 only, while the SDK's Kinesis client defaults to HTTP/2: build clients with
 * {@link localKinesisClientConfig}.
 *
 * @throws {KinesaliteStartError} when `dataDir` is in use by another kinesalite or cannot be opened, or the port is taken
 * @throws {MissingToolError} when the `kinesalite` package is not installed
 *
 * @example
 * ```ts
 * const kinesis = await startKinesalite();
 * const client = new KinesisClient(localKinesisClientConfig(kinesis.endpoint));
 * await client.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 2 }));
 * await kinesis.stop();
 * ```
 */
export async function startKinesalite(options: KinesaliteOptions = {}): Promise<Kinesalite> {
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const requireKinesalite = createRequire(
    requireTool('kinesalite', () => createRequire(import.meta.url).resolve('kinesalite')),
  );
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    await assertStoreOpens(requireKinesalite('leveldown') as LevelDownFactory, dataDir);
  }
  const kinesalite = requireKinesalite('./index.js') as KinesaliteFactory;
  const server = kinesalite({
    ...(dataDir === undefined ? {} : { path: dataDir }),
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: KINESALITE_SHARD_LIMIT,
  });
  let endpoint: string | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (endpoint !== undefined) await waitForSettledStreams(endpoint);
      await new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        // Keep-alive sockets of clients that were not destroyed would hold `close` open.
        server.closeIdleConnections();
      });
    })();
    return stopping;
  };
  try {
    const port = await listen(server, options.port ?? 0);
    await assertReady(`http://127.0.0.1:${port}`);
    endpoint = `http://127.0.0.1:${port}`;
    return { endpoint, port, stop };
  } catch (error) {
    // Closes the store (and the server, when it listens); "not running" is expected after a failed listen.
    await stop().catch(() => undefined);
    const reason = error instanceof Error ? error.message : String(error);
    throw new KinesaliteStartError(`kinesalite did not start on 127.0.0.1:${options.port ?? 0}: ${reason}`, {
      cause: error,
    });
  }
}

/**
 * SDK client settings for kinesalite: its endpoint, `us-east-1`, dummy credentials (kinesalite checks
 * none) and an HTTP/1.1 request handler (the Kinesis client's default HTTP/2 handler fails against
 * kinesalite with `ERR_HTTP2_ERROR`).
 *
 * @example
 * ```ts
 * const client = new KinesisClient(localKinesisClientConfig(kinesis.endpoint));
 * ```
 */
export function localKinesisClientConfig(endpoint: string): KinesisClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'shardflowlocal', secretAccessKey: 'shardflowlocal' },
    requestHandler: new NodeHttpHandler(),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Kinesalite completes CreateStream, DeleteStream, SplitShard and MergeShards in a timer callback that
 * writes to the store after the API call returned. Closing the on-disk (LevelDB) store under such a write
 * crashes the process with a segmentation fault, so `stop()` first waits until every stream shows a
 * settled status (the timer's write is then done).
 */
async function waitForSettledStreams(endpoint: string): Promise<void> {
  const client = new KinesisClient({ ...localKinesisClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  try {
    while (Date.now() < deadline) {
      if (await allStreamsSettled(client)) return;
      await sleep(SETTLE_POLL_MS);
    }
  } catch {
    // The server no longer answers: nothing more to wait for.
  } finally {
    client.destroy();
  }
}

async function allStreamsSettled(client: KinesisClient): Promise<boolean> {
  let exclusiveStartStreamName: string | undefined;
  for (;;) {
    const page = await client.send(new ListStreamsCommand({ ExclusiveStartStreamName: exclusiveStartStreamName }));
    for (const streamName of page.StreamNames ?? []) {
      let status: string | undefined;
      try {
        const output = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
        status = output.StreamDescriptionSummary?.StreamStatus;
      } catch (error) {
        // Deleted between ListStreams and DescribeStreamSummary: settled.
        if (error instanceof Error && error.name === 'ResourceNotFoundException') continue;
        throw error;
      }
      if (status !== 'ACTIVE') return false;
    }
    if (page.HasMoreStreams !== true || page.StreamNames === undefined || page.StreamNames.length === 0) return true;
    exclusiveStartStreamName = page.StreamNames[page.StreamNames.length - 1];
  }
}

async function assertReady(endpoint: string): Promise<void> {
  const client = new KinesisClient({ ...localKinesisClientConfig(endpoint), maxAttempts: 1 });
  try {
    await client.send(new ListStreamsCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
}

/**
 * Opens and closes the LevelDB store in `dataDir` once. Kinesalite opens it without a callback, so a
 * locked directory (another kinesalite on it) would surface as an uncaught 'error' event that kills the
 * process; probing first turns that into a {@link KinesaliteStartError}.
 */
async function assertStoreOpens(leveldown: LevelDownFactory, dataDir: string): Promise<void> {
  const store = leveldown(dataDir);
  try {
    await new Promise<void>((resolveOpen, rejectOpen) =>
      store.open((error) => (error ? rejectOpen(error) : resolveOpen())),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new KinesaliteStartError(`kinesalite cannot open its data directory ${dataDir}: ${reason}`, {
      cause: error,
    });
  }
  await new Promise<void>((resolveClose) => store.close(() => resolveClose()));
}
