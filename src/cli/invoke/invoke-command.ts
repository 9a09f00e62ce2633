import { resolve } from 'node:path';
import { invokeFunction } from '../../local/esm/invoke-function.js';
import { createHandler } from '../../runtime/handler.js';
import { InMemoryIdempotencyStore } from '../../runtime/processing/idempotency/index.js';
import { FileQuarantineSink } from '../../runtime/processing/quarantine/index.js';
import { createCliLogger, type TextOutput } from '../cli-logger.js';
import { CliDefaults } from '../constants.js';
import { ExitCode } from '../errors.js';
import { reportInvocation } from '../invocation-report.js';
import { loadConfig, streamOf } from '../load-config.js';
import { observedFunction } from '../local-function.js';
import { readEventFile } from '../read-event-file.js';

/** Options of `shardflow invoke`. */
export interface InvokeOptions {
  readonly config: string;
  readonly stream: string;
  /** A Lambda event JSON file. */
  readonly event: string;
  /** Handler log level (logs go to stderr). Default `error` (the command prints the outcomes itself). */
  readonly logLevel?: string | undefined;
}

/** Where `shardflow invoke` writes: the response JSON to stdout, outcomes and logs to stderr. */
export interface InvokeIo {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
}

/**
 * `shardflow invoke <stream> --event file.json`: runs the stream's handler once on a Lambda event, as
 * Lambda would (JSON boundary, a context with the stream's timeout and memory size), without any
 * emulator: idempotency uses an in-memory store, and quarantined records are appended to
 * `.shardflow/quarantine/<stream>.ndjson`. Prints the response JSON to stdout and the per-record
 * outcomes to stderr.
 *
 * @returns 0 when the handler returned (partial failures included: the output is a report), 1 when it
 *   threw or timed out
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
  streamOf(config, options.stream);
  const event = await readEventFile(options.event);
  const log = await createCliLogger({
    level: options.logLevel ?? 'error',
    redact: config.logging?.redact,
    console: { output: io.stderr, pretty: io.stderr.isTTY === true },
  });
  try {
    const quarantinePath = resolve(CliDefaults.invokeQuarantineDir, `${options.stream}.ndjson`);
    const handler = createHandler(config, options.stream, {
      logger: log.logger,
      metrics: false,
      idempotency: new InMemoryIdempotencyStore(),
      quarantine: new FileQuarantineSink({ path: quarantinePath }),
    });
    const { fn, lastResult } = observedFunction(config, options.stream, handler, regionOf(event));
    const invocation = await invokeFunction(fn, event);
    const report = reportInvocation(invocation, lastResult());
    io.stdout.write(`${JSON.stringify(report.response, null, 2)}\n`);
    io.stderr.write(`${fn.name} · request ${invocation.requestId} · ${invocation.durationMs.toFixed(1)} ms\n`);
    io.stderr.write(`${report.details}\n`);
    if ((lastResult()?.counts.quarantined ?? 0) > 0) io.stderr.write(`quarantined records: ${quarantinePath}\n`);
    return report.returned ? ExitCode.ok : ExitCode.failure;
  } finally {
    await log.close();
  }
}

/** The event's `awsRegion` (first record), else `AWS_REGION`, else us-east-1: the function ARN's region. */
function regionOf(event: unknown): string {
  const records = (event as { Records?: unknown } | null)?.Records;
  const first = Array.isArray(records) ? (records[0] as { awsRegion?: unknown } | undefined) : undefined;
  if (typeof first?.awsRegion === 'string' && first.awsRegion !== '') return first.awsRegion;
  return process.env.AWS_REGION ?? 'us-east-1';
}
