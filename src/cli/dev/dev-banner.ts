import type { LocalAppResource } from '../../local/esm/local-aws/index.js';
import type { LocalStandIn } from '../../local/esm/local-runner.js';
import type { StreamConfig } from '../../runtime/config/types.js';

/** What `shardflow dev` prints once everything runs. */
export interface DevBannerInput {
  readonly service: string;
  readonly streams: readonly { readonly name: string; readonly config: StreamConfig; readonly arn: string }[];
  /** Own emulators, running services given with `--endpoint-*`, or real AWS (`--aws`). */
  readonly mode: 'emulators' | 'endpoints' | 'aws';
  /** Where the services listen (not shown with `--aws`). */
  readonly endpoints: {
    readonly kinesis?: string | undefined;
    readonly dynamodb?: string | undefined;
    readonly s3?: string | undefined;
  };
  readonly region: string;
  /** The AWS account of the streams (`--aws`), when their ARNs name one. */
  readonly account?: string | undefined;
  readonly dynamodbLocalPid?: number | undefined;
  /** The data dir as shown (relative to the working directory when inside it). */
  readonly dataDir: string;
  /** `--in-memory`: emulator data and checkpoints are not kept. */
  readonly inMemory: boolean;
  readonly logFile: string;
  /** The state file `put`, `invoke` and `destinations` read (none with `--aws`). */
  readonly stateFile?: string | undefined;
  /** `--data-dir <dir>` for the printed `put` commands when the data dir is not the default one. */
  readonly dataDirOption?: string | undefined;
  readonly appResources: readonly LocalAppResource[];
  /** Destinations and sinks kept locally (no emulator for them), and the opt-in local quarantine. */
  readonly standIns: readonly LocalStandIn[];
}

/**
 * The text `shardflow dev` prints when ready: where each service listens (or which AWS account and
 * region it runs against), the streams, the app resources processors reach, what is kept locally
 * instead of a service without an emulator, where data, log and state live, and ready-to-paste
 * `shardflow put` commands for another terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDevBanner({ service: 'shop', streams, mode: 'emulators', endpoints,
 *   region: 'us-east-1', dataDir: '.shardflow/data', inMemory: false, logFile: '.shardflow/data/dev.log',
 *   appResources: [], standIns: [] }));
 * ```
 */
export function formatDevBanner(input: DevBannerInput): string {
  const count = input.streams.length;
  const lines = [`shardflow dev · ${input.service} · ${count} stream${count === 1 ? '' : 's'}`];
  if (input.mode === 'aws') {
    lines.push(
      `AWS (--aws): account ${input.account ?? 'of your credentials'}, region ${input.region}`,
      '  records are read from and written to this account; processors use your credentials',
    );
  } else {
    lines.push(
      input.mode === 'emulators'
        ? `emulators (region ${input.region}, throwaway keys):`
        : `services (region ${input.region}, --endpoint-*):`,
    );
    for (const service of ['kinesis', 'dynamodb', 's3'] as const) {
      const endpoint = input.endpoints[service];
      if (endpoint === undefined) continue;
      const pid =
        service === 'dynamodb' && input.dynamodbLocalPid !== undefined
          ? `  (DynamoDB Local pid ${input.dynamodbLocalPid})`
          : '';
      lines.push(`  ${service.padEnd(10)} ${endpoint}${pid}`);
    }
    lines.push(`  ${'other AWS'.padEnd(10)} refused: local runs never reach AWS (--aws to allow)`);
  }
  lines.push('streams:');
  const width = Math.max(...input.streams.map((s) => s.name.length));
  for (const stream of input.streams) {
    lines.push(`  ${stream.name.padEnd(width)}  ${describeSource(stream.config)}`);
    if (input.mode !== 'emulators') lines.push(`  ${' '.repeat(width)}  ${stream.arn}`);
  }
  if (input.appResources.length > 0) {
    lines.push(
      input.mode === 'aws' ? 'app resources:' : "app resources (your processors' AWS SDK clients reach them):",
    );
    const keyWidth = Math.max(...input.appResources.map((r) => r.key.length));
    for (const resource of input.appResources) {
      const what = `${resource.type === 's3' ? 's3 bucket' : 'dynamodb table'} ${resource.name}`;
      lines.push(
        `  ${resource.key.padEnd(keyWidth)}  ${what}${resource.env === undefined ? '' : `  $${resource.env}`}`,
      );
    }
  }
  if (input.standIns.length > 0) {
    lines.push('kept locally (no emulator for them here):');
    for (const standIn of input.standIns) {
      const role = standIn.role === 'onFailure' ? 'on-failure' : 'quarantine';
      lines.push(`  ${standIn.stream} ${role}: ${standIn.configured} → ${standIn.path}`);
    }
  }
  lines.push(
    `data:      ${input.dataDir}${input.inMemory ? ' (log and state only: --in-memory)' : ''}`,
    `log:       ${input.logFile}`,
  );
  if (input.stateFile !== undefined) lines.push(`state:     ${input.stateFile} (read by put, invoke, destinations)`);
  if (input.mode !== 'aws') {
    lines.push('', 'Put records from another terminal:');
    // One sample per stream or table (several streams may read the same table).
    const seen = new Set<string>();
    for (const stream of input.streams) {
      const source = describeSource(stream.config);
      if (seen.has(source)) continue;
      seen.add(source);
      for (const command of putCommands(stream.name, stream.config)) {
        lines.push(`  ${command}${input.dataDirOption === undefined ? '' : ` ${input.dataDirOption}`}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

function describeSource(stream: StreamConfig): string {
  return stream.source.type === 'kinesis'
    ? `kinesis stream ${stream.source.stream}`
    : `dynamodb table ${stream.source.table}`;
}

function putCommands(name: string, stream: StreamConfig): string[] {
  const source = stream.source;
  if (source.type === 'kinesis') return [`npx shardflow put ${name} '{"hello":"world"}' --partition-key k1`];
  const keys = source.keySchema ?? { partitionKey: 'id' };
  const item = JSON.stringify({ [keys.partitionKey]: '1', ...(keys.sortKey ? { [keys.sortKey]: '1' } : {}) });
  return [`npx shardflow put ${name} '${item}'`, `npx shardflow put ${name} --delete '${item}'`];
}
