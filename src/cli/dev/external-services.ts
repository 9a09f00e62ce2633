import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { EMULATOR_CREDENTIALS } from '../../local/emulators/index.js';
import type { LocalRunOptions } from '../../local/esm/local-runner.js';
import type { ShardflowConfig } from '../../runtime/config/types.js';
import { CliUsageError, ExternalStreamError } from '../errors.js';

/** Endpoints of running services (`--endpoint-*`); a service without one uses the SDK's default endpoint. */
export interface ExternalEndpoints {
  readonly kinesis?: string | undefined;
  readonly dynamodb?: string | undefined;
  /** DynamoDB Streams; defaults to the DynamoDB endpoint (DynamoDB Local serves both). */
  readonly dynamodbStreams?: string | undefined;
  readonly s3?: string | undefined;
}

/** The `external` option of `startLocal`, and a way to release the clients. */
export interface ExternalServices {
  readonly external: NonNullable<LocalRunOptions['external']>;
  /** Destroys the SDK clients created here. */
  destroy(): void;
}

/**
 * Whether any endpoint is given: `shardflow dev` then uses running services instead of starting emulators.
 *
 * @example
 * ```ts
 * hasEndpoints({ kinesis: 'http://127.0.0.1:4567' }); // true
 * hasEndpoints({}); // false
 * ```
 */
export function hasEndpoints(endpoints: ExternalEndpoints): boolean {
  return Object.values(endpoints).some((value) => value !== undefined);
}

/**
 * Connects to running services (emulators started elsewhere, or AWS itself): builds SDK clients for the
 * given endpoints and resolves each stream's ARN — the config's `source.arn`/`source.streamArn`, else
 * Kinesis `DescribeStreamSummary` (`StreamARN`) or DynamoDB `DescribeTable` (`LatestStreamArn`).
 * Credentials come from the SDK's default chain; for a loopback endpoint with no `AWS_ACCESS_KEY_ID` in
 * the environment, the emulators' dummy pair is used. Kinesis runs over HTTP/1.1 (kinesalite has no HTTP/2).
 *
 * @throws {CliUsageError} when no region is given (`--region`, `AWS_REGION` or `AWS_DEFAULT_REGION`)
 * @throws {ExternalStreamError} when a stream or table does not exist, or the table has no stream
 *
 * @example
 * ```ts
 * const { external, destroy } = await connectExternal(config, ['clicks'], { kinesis: 'http://127.0.0.1:4567' }, 'us-east-1');
 * const run = await startLocal({ config, external });
 * ```
 */
export async function connectExternal(
  config: ShardflowConfig,
  streams: readonly string[],
  endpoints: ExternalEndpoints,
  region: string | undefined,
): Promise<ExternalServices> {
  const resolvedRegion = region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (resolvedRegion === undefined || resolvedRegion === '') {
    throw new CliUsageError('--region is required with --endpoint-* (or set AWS_REGION)');
  }
  const base = (endpoint: string | undefined) => ({
    region: resolvedRegion,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(endpoint !== undefined && isLoopback(endpoint) && process.env.AWS_ACCESS_KEY_ID === undefined
      ? { credentials: { ...EMULATOR_CREDENTIALS } }
      : {}),
  });
  const kinesis = new KinesisClient({ ...base(endpoints.kinesis), requestHandler: new NodeHttpHandler() });
  const dynamodb = new DynamoDBClient(base(endpoints.dynamodb));
  const dynamodbStreams = new DynamoDBStreamsClient(base(endpoints.dynamodbStreams ?? endpoints.dynamodb));
  const s3 = new S3Client({ ...base(endpoints.s3), forcePathStyle: endpoints.s3 !== undefined });
  const destroy = () => {
    for (const client of [kinesis, dynamodb, dynamodbStreams, s3]) client.destroy();
  };
  try {
    const streamArns: Record<string, string> = {};
    for (const name of streams) {
      const source = config.streams[name]!.source;
      streamArns[name] =
        source.type === 'kinesis'
          ? (source.arn ?? (await kinesisStreamArn(kinesis, source.stream)))
          : (source.streamArn ?? (await tableStreamArn(dynamodb, source.table)));
    }
    return { external: { region: resolvedRegion, kinesis, dynamodb, dynamodbStreams, s3, streamArns }, destroy };
  } catch (error) {
    destroy();
    throw error;
  }
}

async function kinesisStreamArn(client: KinesisClient, streamName: string): Promise<string> {
  try {
    const output = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    const arn = output.StreamDescriptionSummary?.StreamARN;
    if (arn === undefined) throw new Error('DescribeStreamSummary returned no StreamARN');
    return arn;
  } catch (error) {
    throw new ExternalStreamError(`Kinesis stream '${streamName}'`, describe(error), { cause: error });
  }
}

async function tableStreamArn(client: DynamoDBClient, tableName: string): Promise<string> {
  let arn: string | undefined;
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: tableName }));
    arn = output.Table?.LatestStreamArn;
  } catch (error) {
    throw new ExternalStreamError(`DynamoDB table '${tableName}'`, describe(error), { cause: error });
  }
  if (arn === undefined)
    throw new ExternalStreamError(`DynamoDB table '${tableName}'`, 'the table has no stream enabled');
  return arn;
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
