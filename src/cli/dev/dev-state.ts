import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../../local/esm/checkpoint/write-file-atomically.js';

/** The file `shardflow dev` writes in its data dir while it runs. */
export const DEV_STATE_FILE = 'dev.json';

/** What a running `shardflow dev` tells the other commands (`put`, `invoke`, `destinations`). */
export interface DevState {
  readonly version: 1;
  /** The dev process: a state file whose process is gone is stale. */
  readonly pid: number;
  readonly startedAt: string;
  readonly service: string;
  readonly region: string;
  /** The emulators' throwaway keys. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The emulators (HTTP/1.1 endpoints). */
  readonly endpoints: {
    readonly kinesis?: string | undefined;
    readonly dynamodb?: string | undefined;
    readonly dynamodbStreams?: string | undefined;
    readonly s3?: string | undefined;
  };
  /** The streams running, with the stream or table behind each. */
  readonly streams: Readonly<Record<string, DevStream>>;
}

/** One stream of a running `shardflow dev`. */
export interface DevStream {
  readonly type: 'kinesis' | 'dynamodb';
  /** The Kinesis stream, or the DynamoDB table behind the stream. */
  readonly name: string;
  readonly streamArn: string;
  /** The table's key attributes (DynamoDB). */
  readonly keys?: { readonly partitionKey: string; readonly sortKey?: string | undefined } | undefined;
}

/**
 * The state file's path in a data dir.
 *
 * @example
 * ```ts
 * devStatePath('/app/.shardflow/data'); // '/app/.shardflow/data/dev.json'
 * ```
 */
export function devStatePath(dataDir: string): string {
  return join(dataDir, DEV_STATE_FILE);
}

/**
 * Writes the state file (atomically: a reader never sees half of it).
 *
 * @example
 * ```ts
 * await writeDevState(dataDir, { version: 1, pid: process.pid, … });
 * ```
 */
export async function writeDevState(dataDir: string, state: DevState): Promise<void> {
  await writeFileAtomically(devStatePath(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

/**
 * The state of the `shardflow dev` running on this data dir, or `undefined` when none runs (no state
 * file, an unreadable one, or one whose process is gone).
 *
 * @example
 * ```ts
 * const dev = await runningDev('.shardflow/data');
 * if (dev) console.log(`dev runs as pid ${dev.pid}`);
 * ```
 */
export async function runningDev(dataDir: string): Promise<DevState | undefined> {
  let state: DevState;
  try {
    state = JSON.parse(await readFile(devStatePath(dataDir), 'utf8')) as DevState;
  } catch {
    return undefined;
  }
  if (state.version !== 1 || typeof state.pid !== 'number' || !isAlive(state.pid)) return undefined;
  return state;
}

/**
 * Removes the state file if it is this process's (a second dev may have taken over the data dir).
 *
 * @example
 * ```ts
 * await removeDevState(dataDir);
 * ```
 */
export async function removeDevState(dataDir: string, pid: number = process.pid): Promise<void> {
  try {
    const state = JSON.parse(await readFile(devStatePath(dataDir), 'utf8')) as Partial<DevState>;
    if (state.pid !== pid) return;
  } catch {
    return;
  }
  await rm(devStatePath(dataDir), { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
