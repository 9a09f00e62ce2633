import type { StreamConfig } from '../../runtime/config/types.js';

/** What `shardflow dev` prints once everything runs. */
export interface DevBannerInput {
  readonly service: string;
  readonly streams: readonly { readonly name: string; readonly config: StreamConfig; readonly arn: string }[];
  /** Where the services listen (emulators started by dev, or the `--endpoint-*` given). */
  readonly endpoints: {
    readonly kinesis?: string | undefined;
    readonly dynamodb?: string | undefined;
    readonly s3?: string | undefined;
  };
  /** `true` when dev uses running services instead of its own emulators. */
  readonly external: boolean;
  readonly region: string;
  /** The emulators' dummy credentials (own emulators only). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  readonly dynamodbLocalPid?: number | undefined;
  /** Absolute data dir, or `undefined` when everything lives in memory. */
  readonly dataDir?: string | undefined;
  readonly logFile: string;
}

/**
 * The text `shardflow dev` prints when ready: where each service listens, the streams and their ARNs,
 * where data and logs go, and ready-to-paste `export AWS_ENDPOINT_URL_*=…` lines plus sample AWS CLI
 * commands so records can be put from another terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDevBanner({ service: 'shop', streams, endpoints: emulators.endpoints,
 *   external: false, region: 'us-east-1', credentials: emulators.credentials, logFile: '.shardflow/dev.log' }));
 * ```
 */
export function formatDevBanner(input: DevBannerInput): string {
  const services = (['kinesis', 'dynamodb', 's3'] as const).filter((s) => input.endpoints[s] !== undefined);
  const lines = [`shardflow dev · ${input.service} · ${input.streams.length} stream(s)`];
  lines.push(`${input.external ? 'services' : 'emulators'} (region ${input.region}):`);
  for (const service of services) {
    const pid =
      service === 'dynamodb' && input.dynamodbLocalPid !== undefined
        ? `   (DynamoDB Local pid ${input.dynamodbLocalPid})`
        : '';
    lines.push(`  ${service.padEnd(9)} ${input.endpoints[service]}${pid}`);
  }
  lines.push('streams:');
  const width = Math.max(...input.streams.map((s) => s.name.length));
  for (const stream of input.streams) {
    lines.push(`  ${stream.name.padEnd(width)}  ${describeSource(stream.config)}  ${stream.arn}`);
  }
  lines.push(
    input.dataDir === undefined
      ? 'data:      in memory (pass --data-dir DIR to keep records, checkpoints and on-failure records)'
      : `data:      ${input.dataDir}`,
  );
  lines.push(`log:       ${input.logFile}`);
  lines.push('', 'Put records from another terminal:');
  const env: string[] = [`AWS_REGION=${input.region}`];
  if (input.credentials !== undefined) {
    env.push(
      `AWS_ACCESS_KEY_ID=${input.credentials.accessKeyId}`,
      `AWS_SECRET_ACCESS_KEY=${input.credentials.secretAccessKey}`,
    );
  }
  lines.push(`  export ${env.join(' ')}`);
  if (input.endpoints.kinesis) lines.push(`  export AWS_ENDPOINT_URL_KINESIS=${input.endpoints.kinesis}`);
  if (input.endpoints.dynamodb) {
    lines.push(`  export AWS_ENDPOINT_URL_DYNAMODB=${input.endpoints.dynamodb}`);
    lines.push(`  export AWS_ENDPOINT_URL_DYNAMODB_STREAMS=${input.endpoints.dynamodb}`);
  }
  if (input.endpoints.s3) lines.push(`  export AWS_ENDPOINT_URL_S3=${input.endpoints.s3}`);
  // One sample per stream or table (several streams may read the same table).
  for (const command of new Set(input.streams.map((stream) => sampleCommand(stream.config)))) {
    lines.push(`  ${command}`);
  }
  return `${lines.join('\n')}\n`;
}

function describeSource(stream: StreamConfig): string {
  return stream.source.type === 'kinesis'
    ? `kinesis stream ${stream.source.stream}`
    : `dynamodb table ${stream.source.table}`;
}

function sampleCommand(stream: StreamConfig): string {
  const source = stream.source;
  if (source.type === 'kinesis') {
    return `aws kinesis put-record --stream-name ${source.stream} --partition-key k1 --cli-binary-format raw-in-base64-out --data '{"hello":"world"}'`;
  }
  const keys = source.keySchema ?? { partitionKey: 'id' };
  const item = { [keys.partitionKey]: { S: '1' }, ...(keys.sortKey ? { [keys.sortKey]: { S: '1' } } : {}) };
  return `aws dynamodb put-item --table-name ${source.table} --item '${JSON.stringify(item)}'`;
}
