import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ShardflowConfig } from '../../runtime/config/types.js';
import { ConfigError } from '../../runtime/errors.js';
import { createHandler, type HandlerOptions } from '../../runtime/handler.js';
import { createLogger, type Logger } from '../../runtime/observability/logger.js';
import type { BatchResult } from '../../runtime/processing/batch-engine.js';
import { FileQuarantineSink, type QuarantineSink } from '../../runtime/processing/quarantine/index.js';
import {
  createResources,
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type EmulatedService,
  type RunningEmulators,
  servicesNeededBy,
  startEmulators,
} from '../emulators/index.js';
import { FileCheckpointStore, InMemoryCheckpointStore } from './checkpoint/index.js';
import { createOnFailureDestination } from './destinations/index.js';
import { LocalEventSourceMapping } from './event-source-mapping.js';
import type { LambdaContext, LocalFunction } from './invoke-function.js';
import {
  type AwsServiceEndpoints,
  appResourceVariables,
  createAppResources,
  type LocalAws,
  localAppResources,
  startLocalAws,
} from './local-aws/index.js';
import { mappingUuid } from './mapping-uuid.js';
import type { CheckpointStore, OnFailureDestination, StreamSource } from './ports.js';
import { resolveEsmSettings } from './settings.js';
import type { PollingOptions } from './shard-consumer.js';
import { compileSourceFilter } from './source-filter.js';
import { createStreamSource } from './sources/index.js';

/** The account id the local ESM writes into ARNs. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Options of {@link startLocal}. */
export interface LocalRunOptions {
  readonly config: ShardflowConfig;
  /** Streams to run (default: all of the config's). */
  readonly streams?: readonly string[];
  /**
   * Keep everything on disk here: emulator data, checkpoints, local on-failure records. Without it,
   * emulators run in memory and checkpoints live in memory (a restart starts over, as the data is gone).
   */
  readonly dataDir?: string;
  /** Use running services instead of starting emulators (e.g. real AWS: pass the regional endpoints). */
  readonly external?: {
    readonly region: string;
    readonly kinesis?: KinesisClient;
    readonly dynamodb?: DynamoDBClient;
    readonly dynamodbStreams?: import('@aws-sdk/client-dynamodb-streams').DynamoDBStreamsClient;
    readonly s3?: S3Client;
    /** Stream ARNs by config stream name. */
    readonly streamArns: Readonly<Record<string, string>>;
  };
  /**
   * Already running emulators to reuse (their lifetime stays the caller's): the config's resources are
   * created on them. Tests share one DynamoDB Local this way.
   */
  readonly emulators?: RunningEmulators;
  readonly polling?: Partial<PollingOptions>;
  readonly discoveryIntervalMs?: number;
  /** The ESM's clock for record age (tests move it forward). Default `Date.now`. */
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Per-stream handler options (inject a quarantine sink, an idempotency store, …). */
  readonly handlerOptions?: (stream: string) => HandlerOptions;
  /** Called with every invocation's detailed result (per-record fates), e.g. for reconciliation. */
  readonly onBatchResult?: (stream: string, result: BatchResult) => void;
  /** Wrap each stream's handler (tests inject failures or record calls). */
  readonly wrapHandler?: (stream: string, handler: LocalFunction['handler']) => LocalFunction['handler'];
  /**
   * Where the AWS SDK clients of user code (processors) go while the run is up ({@link startLocalAws}):
   * the endpoint variables, a region and throwaway keys in `process.env`, a guard against connections
   * to AWS, and the config's app resources (`resources:`) created there. Default: the emulators when
   * emulators run (owned or given); with `external` services, `false` unless given — `false` leaves
   * `process.env` alone (user code then reaches whatever its environment names, e.g. real AWS).
   */
  readonly localAws?: LocalAwsTarget | false;
  /**
   * Opt-in local convenience: streams without a `quarantine` get a file quarantine,
   * `<stateDir>/quarantine/<stream>.ndjson`. Off by default, so a permanent failure has the same fate as
   * in Lambda (reported for retry, then the on-failure destination).
   */
  readonly localQuarantine?: boolean;
}

/** Loopback services user code is aimed at (see {@link LocalRunOptions.localAws}). */
export interface LocalAwsTarget {
  readonly endpoints: AwsServiceEndpoints;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** A configured destination or sink that runs as something else locally (no emulator for it). */
export interface LocalStandIn {
  readonly stream: string;
  readonly role: 'onFailure' | 'quarantine';
  /** What the config names, e.g. `sqs queue clicks-failures`; `none` for an opt-in local quarantine. */
  readonly configured: string;
  /** Where records go instead. */
  readonly path: string;
}

/** A running local deployment: emulators plus one event source mapping per stream. */
export interface LocalRun {
  readonly emulators: RunningEmulators | undefined;
  readonly mappings: ReadonlyMap<string, LocalEventSourceMapping>;
  readonly sources: ReadonlyMap<string, StreamSource>;
  readonly destinations: ReadonlyMap<string, OnFailureDestination>;
  readonly functions: ReadonlyMap<string, LocalFunction>;
  /** Where local-only on-failure records (SQS/SNS stand-ins) and checkpoints are kept. */
  readonly stateDir: string;
  /** The region the run uses (the emulators' or the external services'). */
  readonly region: string;
  /** The SDK clients the ESM and the engine use (the emulators' or the external ones). */
  readonly clients: {
    readonly kinesis?: KinesisClient | undefined;
    readonly dynamodb?: DynamoDBClient | undefined;
    readonly s3?: S3Client | undefined;
  };
  /** Where user code's AWS clients go (`undefined` when `localAws` is `false`). */
  readonly localAws: LocalAws | undefined;
  /** Destinations and sinks kept locally instead of in a service with no emulator here. */
  readonly standIns: readonly LocalStandIn[];
  /** Waits until every mapping has handled everything written so far. */
  waitUntilCaughtUp(options?: { timeoutMs?: number; closeWindows?: boolean }): Promise<void>;
  /** Stops the mappings (in-flight batches abandoned without moving checkpoints), then the emulators. */
  stop(): Promise<void>;
}

/**
 * Runs a shardflow config locally: starts the emulators it needs (kinesalite, DynamoDB Local, s3rver)
 * unless external services are given, creates its streams/tables/buckets, builds each stream's handler
 * with clients pointed at them, and starts one {@link LocalEventSourceMapping} per stream with the
 * stream's ESM settings. While it runs, the AWS SDK clients of user code (processors) reach the
 * emulators too, and the config's app resources exist there ({@link LocalRunOptions.localAws}): nothing
 * local reaches AWS. The same code runs against real AWS when `external` is given (and `localAws` is not).
 *
 * @example
 * ```ts
 * const run = await startLocal({ config });
 * // put records …
 * await run.waitUntilCaughtUp();
 * await run.stop();
 * ```
 */
export async function startLocal(options: LocalRunOptions): Promise<LocalRun> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.logging?.level ?? 'info' });
  const names = options.streams ?? Object.keys(config.streams);
  for (const name of names) {
    if (config.streams[name] === undefined) throw new ConfigError(`streams.${name}`, 'no such stream in the config');
  }
  const persistent = options.dataDir !== undefined;
  const stateDir = persistent ? resolve(options.dataDir!) : await mkdtemp(join(tmpdir(), 'shardflow-local-'));
  const appResources = localAppResources(config);
  const services = new Set<EmulatedService>([...servicesNeededBy(config), ...appResources.map((r) => r.type)]);
  // User code's AWS is made local first (region, keys, refusals, guard), so emulators started next see it too.
  const aimed =
    options.localAws === false || (options.external !== undefined && options.localAws === undefined)
      ? undefined
      : (options.localAws ?? {
          region: options.emulators?.region ?? EMULATOR_REGION,
          credentials: EMULATOR_CREDENTIALS,
        });
  const localAws =
    aimed === undefined
      ? undefined
      : await startLocalAws({
          region: aimed.region,
          credentials: aimed.credentials,
          variables: appResourceVariables(appResources),
          logger,
        });
  let owned: RunningEmulators | undefined;
  try {
    owned =
      options.external === undefined && options.emulators === undefined
        ? await startEmulators(config, {
            services: [...services],
            ...(persistent ? { dataDir: join(stateDir, 'emulators') } : {}),
          })
        : undefined;
  } catch (error) {
    await localAws?.stop();
    throw error;
  }
  const emulators = owned ?? options.emulators;
  const region = options.external?.region ?? emulators!.region;
  const clients = options.external ?? emulators!.clients;
  try {
    if (localAws !== undefined) {
      await localAws.useEndpoints(options.localAws ? options.localAws.endpoints : (emulators?.endpoints ?? {}));
      const skipped = await createAppResources(appResources, clients);
      for (const skip of skipped) logger.warn({ resource: skip.key }, `resources.${skip.key}: ${skip.reason}`);
    }
  } catch (error) {
    await localAws?.stop();
    await owned?.stop();
    throw error;
  }
  const created =
    options.emulators !== undefined ? await createResources(config, emulators!.clients) : emulators?.resources;
  const checkpoints: CheckpointStore = persistent
    ? new FileCheckpointStore({ directory: join(stateDir, 'checkpoints') })
    : new InMemoryCheckpointStore();
  const standIns: LocalStandIn[] = [];

  const mappings = new Map<string, LocalEventSourceMapping>();
  const sources = new Map<string, StreamSource>();
  const destinations = new Map<string, OnFailureDestination>();
  const functions = new Map<string, LocalFunction>();
  try {
    for (const name of names) {
      const stream = config.streams[name]!;
      const settings = resolveEsmSettings(stream);
      const streamArn = options.external?.streamArns[name] ?? created?.streams[name]?.streamArn;
      if (streamArn === undefined) throw new ConfigError(`streams.${name}.source`, 'no stream ARN for this stream');
      const source =
        stream.source.type === 'kinesis'
          ? createStreamSource('kinesis', {
              client: required(clients.kinesis, 'kinesis'),
              streamArn,
              region,
              // kinesalite's AT_TIMESTAMP iterator hangs when no record is at or after the timestamp.
              atTimestamp: options.external === undefined ? 'scan' : 'api',
            })
          : createStreamSource('dynamodb', {
              client: required(clients.dynamodbStreams, 'dynamodbStreams'),
              streamArn,
              region,
            });
      const quarantine = localQuarantineSink(stream.quarantine, options.localQuarantine === true, stateDir, name);
      if (quarantine !== undefined) {
        standIns.push({ stream: name, role: 'quarantine', configured: quarantine.configured, path: quarantine.path });
        logger.info({ stream: name, path: quarantine.path }, `quarantine (${quarantine.configured}) kept locally`);
      }
      const handler = createHandler(config, name, {
        logger,
        clients: { s3: clients.s3, kinesis: clients.kinesis, dynamodb: clients.dynamodb },
        ...(quarantine === undefined ? {} : { quarantine: quarantine.sink }),
        ...options.handlerOptions?.(name),
      });
      const functionName = `${config.service}-${name}`;
      const fn: LocalFunction = {
        name: functionName,
        arn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
        timeoutMs: settings.timeoutSeconds * 1000,
        memoryMB: settings.memorySize,
        handler:
          options.wrapHandler?.(name, handler) ??
          (options.onBatchResult === undefined
            ? handler
            : async (event: unknown, context: LambdaContext) => {
                const result = await handler.run(event, context);
                options.onBatchResult!(name, result);
                return result.response;
              }),
      };
      const destination = localDestination(settings.onFailure, stateDir, name, clients.s3, logger, standIns);
      const uuid = mappingUuid(config.service, name);
      const mapping = new LocalEventSourceMapping({
        uuid,
        source,
        settings,
        fn,
        destination,
        checkpoints,
        logger: logger.child({ stream: name }),
        filter: compileSourceFilter(settings.filterPatterns, `streams.${name}.filterPatterns`),
        ...(options.polling ? { polling: options.polling } : {}),
        ...(options.discoveryIntervalMs !== undefined ? { discoveryIntervalMs: options.discoveryIntervalMs } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      mappings.set(name, mapping);
      sources.set(name, source);
      functions.set(name, fn);
      if (destination) destinations.set(name, destination);
    }
  } catch (error) {
    await localAws?.stop();
    await owned?.stop();
    throw error;
  }
  for (const mapping of mappings.values()) mapping.start();

  let stopped = false;
  return {
    emulators,
    mappings,
    sources,
    destinations,
    functions,
    stateDir,
    region,
    clients,
    localAws,
    standIns,
    waitUntilCaughtUp: async (wait) => {
      await Promise.all([...mappings.values()].map((m) => m.waitUntilCaughtUp(wait)));
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await Promise.all([...mappings.values()].map((m) => m.stop()));
      await localAws?.stop();
      await owned?.stop();
      if (!persistent) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

function required<T>(client: T | undefined, name: string): T {
  if (client === undefined) throw new ConfigError(`clients.${name}`, 'no client for this service');
  return client;
}

/**
 * The on-failure destination of a stream when it runs locally: S3 on the emulator (or the real bucket);
 * SQS and SNS have no emulator here, so their records go to a local directory with the S3 layout.
 */
function localDestination(
  spec: ReturnType<typeof resolveEsmSettings>['onFailure'],
  stateDir: string,
  stream: string,
  s3: S3Client | undefined,
  logger: Logger,
  standIns: LocalStandIn[],
): OnFailureDestination | undefined {
  if (spec === undefined) return undefined;
  if (spec.type === 's3' && s3 !== undefined)
    return createOnFailureDestination({ type: 's3', bucket: spec.bucket }, { s3 });
  const path = join(stateDir, 'on-failure', stream);
  const configured =
    spec.type === 'sqs'
      ? `sqs queue ${spec.queue}`
      : spec.type === 'sns'
        ? `sns topic ${spec.topic}`
        : `s3 bucket ${spec.bucket}`;
  standIns.push({ stream, role: 'onFailure', configured, path });
  logger.info(
    { stream, destination: spec, path },
    'no emulator for this destination: writing on-failure records locally',
  );
  return createOnFailureDestination({ type: 'directory', path });
}

/**
 * The quarantine sink a stream gets locally instead of its configured one, if any: SQS has no emulator
 * here, so an SQS quarantine becomes a file (same fate: quarantined); with the opt-in `localQuarantine`,
 * a stream without a quarantine gets one. `undefined`: the handler builds the configured sink (or none).
 */
function localQuarantineSink(
  spec: StreamConfigQuarantine,
  localQuarantine: boolean,
  stateDir: string,
  stream: string,
): { readonly sink: QuarantineSink; readonly configured: string; readonly path: string } | undefined {
  const path = join(stateDir, 'quarantine', `${stream}.ndjson`);
  if (spec?.type === 'sqs')
    return { sink: new FileQuarantineSink({ path }), configured: `sqs queue ${spec.queueUrl}`, path };
  if (spec === undefined && localQuarantine) {
    return { sink: new FileQuarantineSink({ path }), configured: 'none (--local-quarantine)', path };
  }
  return undefined;
}

type StreamConfigQuarantine = ShardflowConfig['streams'][string]['quarantine'];
