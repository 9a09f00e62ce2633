import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import {
  type CreatedResources,
  createResources,
  type EmulatedService,
  type ResourceConfig,
  servicesNeededBy,
} from './create-resources.js';
import { type DynamoDBLocal, localDynamoDBClientConfig, startDynamoDBLocal } from './dynamodb-local.js';
import { type Kinesalite, localKinesisClientConfig, startKinesalite } from './kinesalite.js';
import { localS3ClientConfig, type S3Local, startS3Local } from './s3-local.js';

/** Region every emulator client uses. */
export const EMULATOR_REGION = 'us-east-1';

/**
 * Dummy credentials every emulator accepts: s3rver only knows the key pair `S3RVER`/`S3RVER`, DynamoDB
 * Local accepts any letters and digits, kinesalite checks nothing. One pair for all keeps a process's
 * `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` valid against every emulator.
 */
export const EMULATOR_CREDENTIALS = Object.freeze({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });

/** Options for {@link startEmulators}. */
export interface StartEmulatorsOptions {
  /**
   * Keep data on disk under this directory (`kinesalite/`, `dynamodb/`, `s3/`) so streams, tables,
   * records and objects survive a restart. Default: in memory (S3 in a temporary directory removed on stop).
   */
  readonly dataDir?: string;
  /** Services to start. Default: those the config needs ({@link servicesNeededBy}). */
  readonly services?: readonly EmulatedService[];
  /** Fixed loopback ports. Default: free ports picked by the OS. */
  readonly ports?: { readonly kinesis?: number; readonly dynamodb?: number; readonly s3?: number };
  /** Create the config's streams, tables and buckets ({@link createResources}). Default `true`. */
  readonly createResources?: boolean;
  /**
   * Stop the emulators on SIGINT/SIGTERM, then re-raise the signal when nothing else listens for it.
   * Default `true`. With `false` the caller handles signals (and must call `stop()`); the 'exit' hook
   * that kills DynamoDB Local's Java process is installed either way.
   */
  readonly handleSignals?: boolean;
}

/** Base URLs of the running emulators. */
export interface EmulatorEndpoints {
  readonly kinesis?: string;
  readonly dynamodb?: string;
  readonly s3?: string;
}

/** SDK v3 clients pointed at the running emulators (destroyed by `stop()`). */
export interface EmulatorClients {
  /** HTTP/1.1 (kinesalite does not speak HTTP/2). */
  readonly kinesis?: KinesisClient;
  readonly dynamodb?: DynamoDBClient;
  /** DynamoDB Streams on DynamoDB Local's endpoint. */
  readonly dynamodbStreams?: DynamoDBStreamsClient;
  /** Path-style addressing (`forcePathStyle`). */
  readonly s3?: S3Client;
}

/** The emulators a config needs, running, with clients and the config's resources. */
export interface RunningEmulators {
  /** The services that run. */
  readonly services: readonly EmulatedService[];
  readonly endpoints: EmulatorEndpoints;
  readonly region: typeof EMULATOR_REGION;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly clients: EmulatorClients;
  /** What `createResources` made sure exists (empty when `createResources: false`). */
  readonly resources: CreatedResources;
  /** Process id of DynamoDB Local's Java process, when DynamoDB runs. */
  readonly dynamodbLocalPid: number | undefined;
  /** Destroys the clients and stops every emulator; resolves once all are down. Idempotent. */
  stop(): Promise<void>;
}

const NO_RESOURCES: CreatedResources = Object.freeze({
  streams: {},
  buckets: [],
  tables: [],
  kinesisStreams: [],
  skipped: [],
});

/**
 * Starts the emulators a config needs (kinesalite in-process, DynamoDB Local as a Java child process,
 * s3rver in-process), all on loopback ports, waits until each answers, creates the config's resources
 * and returns clients for them. One set of process hooks, shared by every running set, stops everything
 * on SIGINT/SIGTERM and kills DynamoDB Local synchronously on 'exit', so no Java process is orphaned.
 * When any service fails to start, the ones already started are stopped before the error propagates
 * (`JavaNotFoundError`, with its install hint, when Java is missing).
 *
 * @throws {JavaNotFoundError} when DynamoDB is needed and no Java 17+ runtime is found
 *
 * @example
 * ```ts
 * const emulators = await startEmulators(config);
 * const source = createStreamSource('kinesis', {
 *   client: emulators.clients.kinesis!,
 *   streamArn: emulators.resources.streams.clicks!.streamArn,
 *   region: emulators.region,
 * });
 * // … run the local ESM …
 * await emulators.stop();
 * ```
 */
export async function startEmulators(
  config: ResourceConfig,
  options: StartEmulatorsOptions = {},
): Promise<RunningEmulators> {
  const services = [...new Set(options.services ?? servicesNeededBy(config))];
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const subDir = async (name: string): Promise<string | undefined> => {
    if (dataDir === undefined) return undefined;
    const dir = join(dataDir, name);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  const ports = options.ports ?? {};
  const [kinesis, dynamodb, s3] = await Promise.allSettled([
    services.includes('kinesis')
      ? subDir('kinesalite').then((dir) => startKinesalite(definedOnly({ port: ports.kinesis, dataDir: dir })))
      : undefined,
    services.includes('dynamodb')
      ? subDir('dynamodb').then((dir) => startDynamoDBLocal(definedOnly({ port: ports.dynamodb, dataDir: dir })))
      : undefined,
    services.includes('s3')
      ? subDir('s3').then((dir) => startS3Local(definedOnly({ port: ports.s3, directory: dir })))
      : undefined,
  ]);
  const servers: Servers = {
    kinesis: fulfilledValue(kinesis),
    dynamodb: fulfilledValue(dynamodb),
    s3: fulfilledValue(s3),
  };
  const failure = [kinesis, dynamodb, s3].find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) {
    await stopServers(servers).catch(() => undefined);
    throw failure.reason;
  }

  const clients = createClients(servers);
  const stop = once(async () => {
    for (const client of Object.values(clients)) client.destroy();
    try {
      await stopServers(servers);
    } finally {
      untrack(tracked);
    }
  });
  const tracked: TrackedEmulators = {
    handleSignals: options.handleSignals ?? true,
    pid: servers.dynamodb?.pid,
    stop,
  };
  track(tracked);

  let resources = NO_RESOURCES;
  if (options.createResources ?? true) {
    try {
      resources = await createResources(config, clients);
    } catch (error) {
      await stop().catch(() => undefined);
      throw error;
    }
  }
  return {
    services: (['kinesis', 'dynamodb', 's3'] as const).filter((service) => servers[service] !== undefined),
    endpoints: definedOnly({
      kinesis: servers.kinesis?.endpoint,
      dynamodb: servers.dynamodb?.endpoint,
      s3: servers.s3?.endpoint,
    }),
    region: EMULATOR_REGION,
    credentials: { ...EMULATOR_CREDENTIALS },
    clients,
    resources,
    dynamodbLocalPid: servers.dynamodb?.pid,
    stop,
  };
}

interface Servers {
  readonly kinesis: Kinesalite | undefined;
  readonly dynamodb: DynamoDBLocal | undefined;
  readonly s3: S3Local | undefined;
}

function createClients(servers: Servers): EmulatorClients {
  const shared = { region: EMULATOR_REGION, credentials: { ...EMULATOR_CREDENTIALS } };
  const clients: {
    kinesis?: KinesisClient;
    dynamodb?: DynamoDBClient;
    dynamodbStreams?: DynamoDBStreamsClient;
    s3?: S3Client;
  } = {};
  if (servers.kinesis !== undefined) {
    clients.kinesis = new KinesisClient({ ...localKinesisClientConfig(servers.kinesis.endpoint), ...shared });
  }
  if (servers.dynamodb !== undefined) {
    const config = { ...localDynamoDBClientConfig(servers.dynamodb.endpoint), ...shared };
    clients.dynamodb = new DynamoDBClient(config);
    clients.dynamodbStreams = new DynamoDBStreamsClient(config);
  }
  if (servers.s3 !== undefined) clients.s3 = new S3Client({ ...localS3ClientConfig(servers.s3.endpoint), ...shared });
  return clients;
}

async function stopServers(servers: Servers): Promise<void> {
  const outcomes = await Promise.allSettled([servers.kinesis?.stop(), servers.dynamodb?.stop(), servers.s3?.stop()]);
  const errors = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'stopping the emulators failed');
}

function fulfilledValue<T>(outcome: PromiseSettledResult<T>): T | undefined {
  return outcome.status === 'fulfilled' ? outcome.value : undefined;
}

/** Drops `undefined` properties (the launchers' options are exact: a present key must hold a value). */
function definedOnly<T extends object>(object: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= run();
    return running;
  };
}

// --- process hooks: one set for every running set of emulators -------------------------------------------

interface TrackedEmulators {
  readonly handleSignals: boolean;
  /** DynamoDB Local's Java process, killed synchronously on 'exit'. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const running = new Set<TrackedEmulators>();
let exitHooked = false;
let signalsHooked = false;

function track(emulators: TrackedEmulators): void {
  running.add(emulators);
  syncHooks();
}

function untrack(emulators: TrackedEmulators): void {
  running.delete(emulators);
  syncHooks();
}

/** Installs the hooks while something runs and removes them once nothing does. */
function syncHooks(): void {
  const wantExit = running.size > 0;
  const wantSignals = [...running].some((emulators) => emulators.handleSignals);
  if (wantExit !== exitHooked) {
    if (wantExit) process.on('exit', killNow);
    else process.off('exit', killNow);
    exitHooked = wantExit;
  }
  if (wantSignals !== signalsHooked) {
    if (wantSignals) {
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
    } else {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    }
    signalsHooked = wantSignals;
  }
}

/** 'exit' listeners must be synchronous: SIGKILL the Java processes; in-process emulators die with Node. */
function killNow(): void {
  for (const emulators of running) {
    if (emulators.pid === undefined) continue;
    try {
      process.kill(emulators.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  const targets = [...running].filter((emulators) => emulators.handleSignals);
  void Promise.allSettled(targets.map((emulators) => emulators.stop())).then(() => {
    // Listening suppressed the default action (terminate); restore it unless someone else handles the signal.
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  });
}

const onSigint = (): void => onSignal('SIGINT');
const onSigterm = (): void => onSignal('SIGTERM');
