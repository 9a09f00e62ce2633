import { join, resolve } from 'node:path';
import { invokeFunction } from '../../local/esm/invoke-function.js';
import type { StreamConfig } from '../../runtime/config/types.js';
import { createHandler } from '../../runtime/handler.js';
import { FileQuarantineSink } from '../../runtime/processing/quarantine/index.js';
import { detectSource, streamNameFromArn, tableNameFromArn } from '../../runtime/records/index.js';
import { createCliLogger, type TextOutput } from '../cli-logger.js';
import { CliDefaults } from '../constants.js';
import { shownPath } from '../dev/shown-path.js';
import { ExitCode } from '../errors.js';
import { reportInvocation } from '../invocation-report.js';
import { loadConfig, streamOf } from '../load-config.js';
import { observedFunction } from '../local-function.js';
import { readEventFile } from '../read-event-file.js';
import { openInvokeEnvironment } from './invoke-environment.js';

/** Options of `shardflow invoke`. */
export interface InvokeOptions {
  readonly config: string;
  readonly stream: string;
  /** A Lambda event JSON file. */
  readonly event: string;
  /** Handler log level (logs go to stderr, one line each). Default `warn`. */
  readonly logLevel?: string | undefined;
  /** Full error stacks in the log lines. */
  readonly verbose?: boolean | undefined;
  /** The local environment's data dir (a running `shardflow dev`'s, or emulators started there). */
  readonly dataDir?: string | undefined;
  /** Run against real AWS (the only way to reach it). */
  readonly aws?: boolean | undefined;
  /** Exit 0 even when records failed or were quarantined (the output is then only a report). */
  readonly allowFailures?: boolean | undefined;
  /** Opt-in: without a configured quarantine, quarantine into `<data dir>/quarantine/<stream>.ndjson`. */
  readonly localQuarantine?: boolean | undefined;
}

/** Where `shardflow invoke` writes: the response JSON to stdout, outcomes and logs to stderr. */
export interface InvokeIo {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
}

/**
 * `shardflow invoke <stream> --event file.json`: runs the stream's handler once on a Lambda event, as
 * Lambda would (JSON boundary, a context with the stream's timeout and memory size), with the stream's
 * configured quarantine and idempotency — in the local environment, never AWS (unless `--aws`): the
 * emulators of a running `shardflow dev` on the data dir, else the emulators the stream needs, started
 * on the data dir for this one invocation. Prints the response JSON to stdout and the per-record
 * outcomes to stderr, with a warning when the event's source is not the stream's.
 *
 * @returns 0 when every record was handled; 1 when any failed (reported for retry) or was quarantined,
 *   or the handler threw or timed out — `allowFailures` makes failed and quarantined records exit 0
 *
 * @example
 * ```ts
 * const code = await runInvoke({ config: 'shardflow.config.ts', stream: 'clicks', event: 'event.json' });
 * ```
 */
export async function runInvoke(
  options: InvokeOptions,
  io: InvokeIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const config = await loadConfig(options.config);
  const stream = streamOf(config, options.stream);
  const event = await readEventFile(options.event);
  const dataDir = resolve(options.dataDir ?? CliDefaults.dataDir);
  const log = await createCliLogger({
    level: options.logLevel ?? 'warn',
    redact: config.logging?.redact,
    console: { output: io.stderr, pretty: true, verbose: options.verbose === true, color: io.stderr.isTTY === true },
  });
  for (const warning of sourceWarnings(event, options.stream, stream)) io.stderr.write(`${warning}\n`);
  const environment = await openInvokeEnvironment(config, options.stream, {
    dataDir,
    aws: options.aws === true,
    logger: log.logger,
  });
  try {
    io.stderr.write(`${environment.description}\n`);
    const quarantinePath = join(dataDir, 'quarantine', `${options.stream}.ndjson`);
    const localQuarantine =
      stream.quarantine?.type === 'sqs' || (stream.quarantine === undefined && options.localQuarantine === true);
    if (localQuarantine) {
      const configured = stream.quarantine === undefined ? 'none (--local-quarantine)' : 'sqs (no emulator here)';
      io.stderr.write(`quarantine: ${configured} → ${shownPath(quarantinePath)}\n`);
    }
    const handler = createHandler(config, options.stream, {
      logger: log.logger,
      metrics: false,
      clients: environment.clients,
      ...(localQuarantine ? { quarantine: new FileQuarantineSink({ path: quarantinePath }) } : {}),
    });
    const { fn, lastResult } = observedFunction(config, options.stream, handler, regionOf(event, environment.region));
    const invocation = await invokeFunction(fn, event);
    const result = lastResult();
    const report = reportInvocation(invocation, result);
    io.stdout.write(`${JSON.stringify(report.response, null, 2)}\n`);
    io.stderr.write(`${fn.name} · request ${invocation.requestId} · ${invocation.durationMs.toFixed(1)} ms\n`);
    io.stderr.write(`${report.details}\n`);
    if (!report.returned) return ExitCode.failure;
    const failed = (result?.counts.failed ?? 0) + (result?.counts.quarantined ?? 0);
    if (failed > 0 && options.allowFailures !== true) {
      io.stderr.write(`exit 1: ${failed} record(s) failed or were quarantined (--allow-failures to exit 0)\n`);
      return ExitCode.failure;
    }
    return ExitCode.ok;
  } finally {
    await environment.close();
    await log.close();
  }
}

/**
 * Warnings about an event that does not come from the stream: another source type (a DynamoDB Streams
 * event sent to a Kinesis stream), or records of another stream or table.
 *
 * @example
 * ```ts
 * sourceWarnings(dynamodbEvent, 'clicks', config.streams.clicks);
 * // ["warning: the event is a DynamoDB Streams event, but stream 'clicks' reads Kinesis stream clicks"]
 * ```
 */
export function sourceWarnings(event: unknown, streamName: string, stream: StreamConfig): string[] {
  let source: 'kinesis' | 'dynamodb';
  try {
    source = detectSource(event);
  } catch {
    return []; // Not a stream event at all: the handler says so.
  }
  const expected = stream.source;
  const reads = expected.type === 'kinesis' ? `Kinesis stream ${expected.stream}` : `DynamoDB table ${expected.table}`;
  if (source !== expected.type) {
    const kind = source === 'kinesis' ? 'a Kinesis' : 'a DynamoDB Streams';
    return [`warning: the event is ${kind} event, but stream '${streamName}' reads ${reads}`];
  }
  const arn = ((event as { Records: { eventSourceARN?: unknown }[] }).Records[0]?.eventSourceARN ?? '') as string;
  const name =
    typeof arn === 'string'
      ? expected.type === 'kinesis'
        ? streamNameFromArn(arn)
        : tableNameFromArn(arn)
      : undefined;
  const configured = expected.type === 'kinesis' ? expected.stream : expected.table;
  return name !== undefined && name !== configured
    ? [
        `note: the event's records come from ${expected.type === 'kinesis' ? 'stream' : 'table'} ${name}; stream '${streamName}' reads ${reads}`,
      ]
    : [];
}

/** The event's `awsRegion` (first record), else the environment's region: the function ARN's region. */
function regionOf(event: unknown, fallback: string): string {
  const records = (event as { Records?: unknown } | null)?.Records;
  const first = Array.isArray(records) ? (records[0] as { awsRegion?: unknown } | undefined) : undefined;
  if (typeof first?.awsRegion === 'string' && first.awsRegion !== '') return first.awsRegion;
  return fallback;
}
