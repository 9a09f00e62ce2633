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

/** How {@link connectExternal} may reach services. */
export interface ConnectOptions {
  /** Default: `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
  readonly region?: string | undefined;
  /**
   * `--aws`: real AWS is allowed — services without an endpoint use the SDK's default one and the
   * credentials of the environment. Without it every endpoint must be on this machine (loopback), and
   * a stream whose service has no endpoint is refused.
   */
  readonly aws?: boolean;
}

/**
 * Connects to running services (emulators started elsewhere, or AWS itself with `--aws`): builds SDK
 * clients for the given endpoints and resolves each stream's ARN — the config's `source.arn`/
 * `source.streamArn`, else Kinesis `DescribeStreamSummary` (`StreamARN`) or DynamoDB `DescribeTable`
 * (`LatestStreamArn`). Loopback endpoints get the emulators' throwaway keys (never your credentials);
 * with `aws`, other services use the SDK's default chain. Kinesis runs over HTTP/1.1 (kinesalite has no HTTP/2).
 *
 * @throws {CliUsageError} when no region is given, an endpoint is not on this machine without `aws`,
 *   or (without `aws`) a stream's service has no endpoint
 * @throws {ExternalStreamError} when a stream or table does not exist, or the table has no stream
 *
 * @example
 * ```ts
 * const { external, destroy } = await connectExternal(config, ['clicks'], { kinesis: 'http://127.0.0.1:4567' },
 *   { region: 'us-east-1' });
 * const run = await startLocal({ config, external });
 * ```
 */
export async function connectExternal(
  config: ShardflowConfig,
  streams: readonly string[],
  endpoints: ExternalEndpoints,
  options: ConnectOptions = {},
): Promise<ExternalServices> {
  const resolvedRegion = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (resolvedRegion === undefined || resolvedRegion === '') {
    throw new CliUsageError(`--region is required with ${options.aws ? '--aws' : '--endpoint-*'} (or set AWS_REGION)`);
  }
  if (options.aws !== true) {
    for (const [service, endpoint] of Object.entries(endpoints)) {
      if (endpoint !== undefined && !isLoopback(endpoint)) {
        throw new CliUsageError(
          `--endpoint-${kebab(service)} ${endpoint} is not on this machine: local runs never leave it (pass --aws to allow)`,
        );
      }
    }
    for (const name of streams) {
      const type = config.streams[name]!.source.type;
      const given = type === 'kinesis' ? endpoints.kinesis : (endpoints.dynamodbStreams ?? endpoints.dynamodb);
      if (given === undefined) {
        throw new CliUsageError(
          `stream '${name}' reads ${type === 'kinesis' ? 'Kinesis' : 'DynamoDB Streams'}: give --endpoint-${type === 'kinesis' ? 'kinesis' : 'dynamodb'} too (or --aws)`,
        );
      }
    }
  }
  const base = (endpoint: string | undefined) => ({
    region: resolvedRegion,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(endpoint !== undefined && isLoopback(endpoint) ? { credentials: { ...EMULATOR_CREDENTIALS } } : {}),
  });
  const local = options.aws !== true;
  // Without --aws, a service without an endpoint gets no client (nothing can reach AWS through it).
  const kinesis =
    local && endpoints.kinesis === undefined
      ? undefined
      : new KinesisClient({ ...base(endpoints.kinesis), requestHandler: new NodeHttpHandler() });
  const dynamodb = local && endpoints.dynamodb === undefined ? undefined : new DynamoDBClient(base(endpoints.dynamodb));
  const streamsEndpoint = endpoints.dynamodbStreams ?? endpoints.dynamodb;
  const dynamodbStreams =
    local && streamsEndpoint === undefined ? undefined : new DynamoDBStreamsClient(base(streamsEndpoint));
  const s3 =
    local && endpoints.s3 === undefined
      ? undefined
      : new S3Client({ ...base(endpoints.s3), forcePathStyle: endpoints.s3 !== undefined });
  const destroy = () => {
    for (const client of [kinesis, dynamodb, dynamodbStreams, s3]) client?.destroy();
  };
  try {
    const streamArns: Record<string, string> = {};
    for (const name of streams) {
      const source = config.streams[name]!.source;
      streamArns[name] =
        source.type === 'kinesis'
          ? (source.arn ?? (await kinesisStreamArn(kinesis!, source.stream)))
          : (source.streamArn ?? (await tableStreamArn(dynamodb ?? new DynamoDBClient(base(undefined)), source.table)));
    }
    return {
      external: {
        region: resolvedRegion,
        ...(kinesis ? { kinesis } : {}),
        ...(dynamodb ? { dynamodb } : {}),
        ...(dynamodbStreams ? { dynamodbStreams } : {}),
        ...(s3 ? { s3 } : {}),
        streamArns,
      },
      destroy,
    };
  } catch (error) {
    destroy();
    throw error;
  }
}

/**
 * Whether an endpoint is on this machine (`localhost`, `127.x.x.x`, `[::1]`).
 *
 * @example
 * ```ts
 * isLoopback('http://127.0.0.1:4567'); // true
 * ```
 */
export function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

function kebab(name: string): string {
  return name.replaceAll(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
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

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
