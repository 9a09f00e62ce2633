import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  type StreamViewType,
  type TableDescription,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  type StreamDescriptionSummary,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBSourceConfig, KinesisSourceConfig, StreamConfig } from '../../runtime/config/types.js';
import { ConfigError, ShardflowError } from '../../runtime/errors.js';
import { ensureIdempotencyTable } from '../../runtime/processing/idempotency/index.js';

/** The emulated AWS services. */
export type EmulatedService = 'kinesis' | 'dynamodb' | 's3';

/** The parts of a config that name resources: any `ShardflowConfig` fits. */
export interface ResourceConfig {
  readonly streams: Readonly<Record<string, Pick<StreamConfig, 'source' | 'onFailure' | 'quarantine' | 'idempotency'>>>;
}

/** SDK clients to create resources with; a resource whose client is missing is skipped (and listed). */
export interface ResourceClients {
  readonly kinesis?: KinesisClient | undefined;
  readonly dynamodb?: DynamoDBClient | undefined;
  readonly s3?: S3Client | undefined;
}

/** The stream behind one config stream. */
export type CreatedStream =
  | {
      readonly kind: 'kinesis';
      /** `StreamARN` from DescribeStreamSummary. */
      readonly streamArn: string;
      readonly streamName: string;
      /** Open shards now (an existing stream keeps its own count). */
      readonly shardCount: number;
    }
  | {
      readonly kind: 'dynamodb';
      /** The table's `LatestStreamArn`. */
      readonly streamArn: string;
      readonly tableName: string;
      readonly streamViewType: string;
    };

/** A resource {@link createResources} did not create, and why. */
export interface SkippedResource {
  readonly service: EmulatedService | 'sqs' | 'sns';
  readonly name: string;
  readonly reason: string;
}

/** What {@link createResources} made sure exists. */
export interface CreatedResources {
  /** The stream of each config stream, by config stream name. */
  readonly streams: Readonly<Record<string, CreatedStream>>;
  /** S3 buckets: on-failure destinations and quarantine sinks. */
  readonly buckets: readonly string[];
  /** DynamoDB tables besides the source tables: idempotency tables and quarantine tables. */
  readonly tables: readonly string[];
  /** Kinesis streams besides the source streams: quarantine streams. */
  readonly kinesisStreams: readonly string[];
  /** Resources without an emulator here (SQS, SNS) or without a client. */
  readonly skipped: readonly SkippedResource[];
}

/** Options for {@link createResources}. */
export interface CreateResourcesOptions {
  /** How long to wait for a stream or table to become `ACTIVE`. Default 60 000 ms. */
  readonly timeoutMs?: number;
}

/** A stream or table did not become `ACTIVE` in time. */
export class ResourceNotReadyError extends ShardflowError {}

/** An existing resource contradicts the config (e.g. a table's stream has another explicit view type). */
export class ResourceMismatchError extends ConfigError {}

const DEFAULT_TIMEOUT_MS = 60_000;
const POLL_MS = 50;
const DEFAULT_STREAM_VIEW_TYPE: StreamViewType = 'NEW_AND_OLD_IMAGES';
const DEFAULT_PARTITION_KEY = 'id';
/** Key schema of a DynamoDB quarantine table (see `DynamoDBQuarantineSink`). */
const QUARANTINE_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * The services a config needs: Kinesis for Kinesis sources and quarantine streams; DynamoDB for
 * DynamoDB sources, idempotency tables and quarantine tables; S3 for S3 on-failure destinations and
 * quarantine buckets.
 *
 * @example
 * ```ts
 * servicesNeededBy(config); // ['kinesis', 's3']
 * ```
 */
export function servicesNeededBy(config: ResourceConfig): EmulatedService[] {
  const needed = new Set<EmulatedService>();
  for (const stream of Object.values(config.streams)) {
    needed.add(stream.source.type === 'kinesis' ? 'kinesis' : 'dynamodb');
    if (stream.onFailure?.type === 's3') needed.add('s3');
    if (stream.idempotency !== undefined) needed.add('dynamodb');
    const quarantine = stream.quarantine?.type;
    if (quarantine === 's3' || quarantine === 'kinesis' || quarantine === 'dynamodb') needed.add(quarantine);
  }
  return (['kinesis', 'dynamodb', 's3'] as const).filter((service) => needed.has(service));
}

/**
 * Makes sure every resource the config names exists, creating what is missing and reusing what is
 * there (safe to run again, and to race with another caller):
 * - Kinesis source streams with `shards` shards (default 1), waited for until `ACTIVE`;
 * - DynamoDB source tables with `keySchema` (default partition key `id`; key attributes of type S),
 *   on-demand billing and a stream of `streamViewType` (default `NEW_AND_OLD_IMAGES`), waited for until
 *   `ACTIVE`; an existing table without a stream gets one;
 * - S3 buckets of `onFailure: { type: 's3' }` and `quarantine: { type: 's3' }`;
 * - idempotency tables (`ensureIdempotencyTable`), quarantine tables (`pk`/`sk` strings) and quarantine
 *   streams (1 shard).
 *
 * Meant for emulators (and test accounts); in AWS the resources belong in the deployment template.
 *
 * @throws {ResourceMismatchError} when a table's stream has another view type than the config sets explicitly
 * @throws {ResourceNotReadyError} when a stream or table is not `ACTIVE` within `timeoutMs`
 *
 * @example
 * ```ts
 * const { streams } = await createResources(config, { kinesis, dynamodb, s3 });
 * streams.orders.streamArn; // 'arn:aws:dynamodb:ddblocal:000000000000:table/orders/stream/2025-…'
 * ```
 */
export async function createResources(
  config: ResourceConfig,
  clients: ResourceClients,
  options: CreateResourcesOptions = {},
): Promise<CreatedResources> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const plan = planResources(config);
  const skipped: SkippedResource[] = [...plan.unsupported];
  const skipIfNoClient = <T>(client: T | undefined, service: EmulatedService, name: string): client is T => {
    if (client !== undefined) return true;
    skipped.push({ service, name, reason: `no ${service} client` });
    return false;
  };

  const streams: Record<string, CreatedStream> = {};
  const work: Promise<void>[] = [];
  for (const [name, source] of plan.sources) {
    if (source.type === 'kinesis') {
      const client = clients.kinesis;
      if (!skipIfNoClient(client, 'kinesis', source.stream)) continue;
      work.push(
        ensureKinesisStream(client, source.stream, source.shards ?? 1, timeoutMs).then((summary) => {
          streams[name] = {
            kind: 'kinesis',
            streamArn: summary.StreamARN ?? '',
            streamName: source.stream,
            shardCount: summary.OpenShardCount ?? 0,
          };
        }),
      );
    } else {
      const client = clients.dynamodb;
      if (!skipIfNoClient(client, 'dynamodb', source.table)) continue;
      work.push(
        ensureSourceTable(client, source, `streams.${name}.source`, timeoutMs).then((table) => {
          streams[name] = {
            kind: 'dynamodb',
            streamArn: table.LatestStreamArn ?? '',
            tableName: source.table,
            streamViewType: table.StreamSpecification?.StreamViewType ?? '',
          };
        }),
      );
    }
  }
  const { s3, dynamodb, kinesis } = clients;
  for (const bucket of plan.buckets) {
    if (skipIfNoClient(s3, 's3', bucket)) work.push(ensureBucket(s3, bucket));
  }
  for (const table of plan.idempotencyTables) {
    if (skipIfNoClient(dynamodb, 'dynamodb', table)) {
      work.push(ensureIdempotencyTable(dynamodb, table, { maxWaitSeconds: timeoutMs / 1000 }));
    }
  }
  for (const table of plan.quarantineTables) {
    if (skipIfNoClient(dynamodb, 'dynamodb', table)) {
      work.push(ensureTable(dynamodb, table, QUARANTINE_TABLE_KEYS, undefined, timeoutMs).then(() => undefined));
    }
  }
  for (const stream of plan.quarantineStreams) {
    if (skipIfNoClient(kinesis, 'kinesis', stream)) {
      work.push(ensureKinesisStream(kinesis, stream, 1, timeoutMs).then(() => undefined));
    }
  }
  await Promise.all(work);

  const created = (names: Iterable<string>, service: EmulatedService) =>
    [...names].filter((name) => !skipped.some((skip) => skip.service === service && skip.name === name));
  return {
    streams,
    buckets: created(plan.buckets, 's3'),
    tables: created([...plan.idempotencyTables, ...plan.quarantineTables], 'dynamodb'),
    kinesisStreams: created(plan.quarantineStreams, 'kinesis'),
    skipped,
  };
}

interface ResourcePlan {
  readonly sources: [string, KinesisSourceConfig | DynamoDBSourceConfig][];
  readonly buckets: Set<string>;
  readonly idempotencyTables: Set<string>;
  readonly quarantineTables: Set<string>;
  readonly quarantineStreams: Set<string>;
  readonly unsupported: SkippedResource[];
}

function planResources(config: ResourceConfig): ResourcePlan {
  const plan: ResourcePlan = {
    sources: [],
    buckets: new Set(),
    idempotencyTables: new Set(),
    quarantineTables: new Set(),
    quarantineStreams: new Set(),
    unsupported: [],
  };
  for (const [name, stream] of Object.entries(config.streams)) {
    plan.sources.push([name, stream.source]);
    const onFailure = stream.onFailure;
    if (onFailure?.type === 's3') plan.buckets.add(onFailure.bucket);
    else if (onFailure?.type === 'sqs') {
      plan.unsupported.push({ service: 'sqs', name: onFailure.queue, reason: 'no SQS emulator runs here' });
    } else if (onFailure?.type === 'sns') {
      plan.unsupported.push({ service: 'sns', name: onFailure.topic, reason: 'no SNS emulator runs here' });
    }
    const quarantine = stream.quarantine;
    if (quarantine?.type === 's3') plan.buckets.add(quarantine.bucket);
    else if (quarantine?.type === 'dynamodb') plan.quarantineTables.add(quarantine.table);
    else if (quarantine?.type === 'kinesis') plan.quarantineStreams.add(quarantine.stream);
    else if (quarantine?.type === 'sqs') {
      plan.unsupported.push({ service: 'sqs', name: quarantine.queueUrl, reason: 'no SQS emulator runs here' });
    }
    if (stream.idempotency !== undefined) plan.idempotencyTables.add(stream.idempotency.table);
  }
  return plan;
}

async function ensureKinesisStream(
  client: KinesisClient,
  streamName: string,
  shardCount: number,
  timeoutMs: number,
): Promise<StreamDescriptionSummary> {
  let summary = await describeStream(client, streamName);
  if (summary === undefined) {
    try {
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    } catch (error) {
      // Created in the meantime by someone else: reuse it like any existing stream.
      if (!isNamed(error, 'ResourceInUseException')) throw error;
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    summary = await describeStream(client, streamName);
    // UPDATING (a reshard in progress) still serves reads and writes.
    if (summary?.StreamStatus === 'ACTIVE' || summary?.StreamStatus === 'UPDATING') return summary;
    if (Date.now() >= deadline) {
      throw new ResourceNotReadyError(
        `Kinesis stream '${streamName}' is ${summary?.StreamStatus ?? 'missing'}, not ACTIVE, after ${timeoutMs} ms`,
      );
    }
    await sleep(POLL_MS);
  }
}

async function describeStream(
  client: KinesisClient,
  streamName: string,
): Promise<StreamDescriptionSummary | undefined> {
  try {
    return (await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

async function ensureSourceTable(
  client: DynamoDBClient,
  source: DynamoDBSourceConfig,
  path: string,
  timeoutMs: number,
): Promise<TableDescription> {
  const viewType = source.streamViewType ?? DEFAULT_STREAM_VIEW_TYPE;
  const keys = source.keySchema ?? { partitionKey: DEFAULT_PARTITION_KEY };
  let table = await ensureTable(client, source.table, keys, viewType, timeoutMs);
  const stream = table.StreamSpecification;
  if (stream?.StreamEnabled !== true || table.LatestStreamArn === undefined) {
    await client.send(
      new UpdateTableCommand({
        TableName: source.table,
        StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
      }),
    );
    table = await waitForTable(client, source.table, timeoutMs);
  } else if (source.streamViewType !== undefined && stream.StreamViewType !== source.streamViewType) {
    throw new ResourceMismatchError(
      `${path}.streamViewType`,
      `table '${source.table}' already streams ${stream.StreamViewType}, not ${source.streamViewType}; ` +
        'delete the table or change the config',
    );
  }
  return table;
}

async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  keys: { readonly partitionKey: string; readonly sortKey?: string | undefined },
  streamViewType: StreamViewType | undefined,
  timeoutMs: number,
): Promise<TableDescription> {
  if ((await describeTable(client, tableName)) === undefined) {
    const keySchema: KeySchemaElement[] = [{ AttributeName: keys.partitionKey, KeyType: 'HASH' }];
    const definitions: AttributeDefinition[] = [{ AttributeName: keys.partitionKey, AttributeType: 'S' }];
    if (keys.sortKey !== undefined) {
      keySchema.push({ AttributeName: keys.sortKey, KeyType: 'RANGE' });
      definitions.push({ AttributeName: keys.sortKey, AttributeType: 'S' });
    }
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          KeySchema: keySchema,
          AttributeDefinitions: definitions,
          BillingMode: 'PAY_PER_REQUEST',
          ...(streamViewType === undefined
            ? {}
            : { StreamSpecification: { StreamEnabled: true, StreamViewType: streamViewType } }),
        }),
      );
    } catch (error) {
      if (!isNamed(error, 'ResourceInUseException')) throw error;
    }
  }
  return waitForTable(client, tableName, timeoutMs);
}

async function waitForTable(client: DynamoDBClient, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await describeTable(client, tableName);
    if (table?.TableStatus === 'ACTIVE') return table;
    if (Date.now() >= deadline) {
      throw new ResourceNotReadyError(
        `DynamoDB table '${tableName}' is ${table?.TableStatus ?? 'missing'}, not ACTIVE, after ${timeoutMs} ms`,
      );
    }
    await sleep(POLL_MS);
  }
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    if (!isNamed(error, 'NotFound') && !isNamed(error, 'NoSuchBucket')) throw error;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!isNamed(error, 'BucketAlreadyOwnedByYou') && !isNamed(error, 'BucketAlreadyExists')) throw error;
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}
