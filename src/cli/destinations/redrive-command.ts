import type { StoredOnFailureRecord } from '../../local/esm/destinations/index.js';
import { invokeFunction } from '../../local/esm/invoke-function.js';
import type { LambdaStreamRecord } from '../../local/esm/ports.js';
import { resolveEsmSettings } from '../../local/esm/settings.js';
import { compileSourceFilter } from '../../local/esm/source-filter.js';
import type { ShardflowConfig } from '../../runtime/config/types.js';
import { createHandler } from '../../runtime/handler.js';
import type { Logger } from '../../runtime/observability/logger.js';
import { emptyFateCounts, type FateCounts, RETRY_FATES } from '../../runtime/processing/fates.js';
import type { KinesisStreamRecord } from '../../runtime/records/lambda-events.js';
import { createCliLogger } from '../cli-logger.js';
import { CliUsageError, ExitCode, OnFailureRecordNotFoundError, RedriveNotSupportedError } from '../errors.js';
import { formatFateCounts } from '../format-outcomes.js';
import { reportInvocation } from '../invocation-report.js';
import { loadConfig, streamOf } from '../load-config.js';
import { observedFunction } from '../local-function.js';
import type { DestinationsIo, DestinationsOptions } from './list-command.js';
import { type LocalStream, openLocalStream } from './local-stream.js';
import { putKinesisRecords } from './put-kinesis-records.js';
import { readSequenceRange } from './read-sequence-range.js';
import { byStreamPosition } from './stream-order.js';

/** How `redrive` hands the records back: re-run the handler on them, or put them onto the stream again. */
export type RedriveMode = 'invoke' | 'put';

/** Options of `shardflow destinations redrive`. */
export interface RedriveOptions extends DestinationsOptions {
  /** Keys of the on-failure records to redrive (see `destinations list`). */
  readonly keys?: readonly string[] | undefined;
  /** Redrive every stored on-failure record of the stream. */
  readonly all?: boolean | undefined;
  readonly mode: RedriveMode;
}

/**
 * `shardflow destinations redrive <stream>`: fetches the records that on-failure records describe — from
 * their `payload` when stored with one (S3, local directory), else from the stream by sequence range —
 * and either re-invokes the stream's handler with them (`invoke`: batches of the stream's `batchSize`,
 * printing each batch's outcomes) or puts them back onto the Kinesis stream (`put`: original partition
 * keys and data; the next `shardflow dev` run consumes them).
 *
 * Records are redriven per shard in sequence order. Once a batch of a shard fails (the handler throws,
 * times out or reports records for retry), later records of that shard are skipped, so that no record
 * overtakes an earlier one of its key.
 *
 * @returns 0 when every redriven record ended handled (processed, duplicate, ignored or quarantined) or
 *   was put back, 1 otherwise
 * @throws {CliUsageError} without exactly one of `keys`/`all`
 * @throws {RedriveNotSupportedError} for `put` on a DynamoDB stream (exit code 2)
 * @throws {OnFailureRecordNotFoundError} when a key is not stored
 *
 * @example
 * ```ts
 * await runDestinationsRedrive({ config: 'shardflow.config.ts', stream: 'clicks', dataDir: '.shardflow/data',
 *   all: true, mode: 'invoke' });
 * ```
 */
export async function runDestinationsRedrive(
  options: RedriveOptions,
  io: DestinationsIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const byKey = (options.keys?.length ?? 0) > 0;
  if (byKey === (options.all === true)) throw new CliUsageError('pass --key <key> (one or more) or --all');
  const config = await loadConfig(options.config);
  const stream = streamOf(config, options.stream);
  if (options.mode === 'put' && stream.source.type === 'dynamodb') {
    throw new RedriveNotSupportedError(
      options.stream,
      'a DynamoDB stream is written only by changes to its table, so records cannot be put back; use --mode invoke',
    );
  }
  const log = await createCliLogger({
    level: options.logLevel ?? 'error',
    redact: config.logging?.redact,
    console: { output: io.stderr, pretty: io.stderr.isTTY === true },
  });
  let local: LocalStream | undefined;
  try {
    local = await openLocalStream(config, options.stream, options.dataDir, log.logger);
    const chosen = choose(await local.onFailure.listStored(), options);
    if (chosen.length === 0) {
      io.stderr.write(`no on-failure records for stream '${options.stream}': nothing to redrive\n`);
      return ExitCode.ok;
    }
    const settings = resolveEsmSettings(stream);
    const filter = compileSourceFilter(settings.filterPatterns, `streams.${options.stream}.filterPatterns`);
    const source = local.run.sources.get(options.stream)!;
    const redriver =
      options.mode === 'invoke'
        ? invoker(config, options.stream, local, log.logger, io)
        : putter(options.stream, stream, local, io);
    const failedShards = new Set<string>();
    let redriven = 0;
    for (const { key, record } of chosen) {
      const info = (record.KinesisBatchInfo ?? record.DDBStreamBatchInfo)!;
      if (failedShards.has(info.shardId)) {
        io.stdout.write(`skipped ${key}: an earlier redrive on ${info.shardId} failed (keeps order per key)\n`);
        continue;
      }
      const payload = record.payload?.Records;
      const records = payload ?? (await readSequenceRange(source, info, { filter }));
      const origin = payload ? 'the payload' : `the stream (${info.startSequenceNumber}–${info.endSequenceNumber})`;
      io.stdout.write(`redrive ${key}: ${records.length} record(s) from ${origin}\n`);
      if (records.length < info.batchSize) {
        io.stderr.write(`warning: ${info.batchSize} record(s) described, ${records.length} still in the stream\n`);
      }
      if (records.length === 0) continue;
      if (await redriver.deliver(records, settings.batchSize)) redriven++;
      else failedShards.add(info.shardId);
    }
    io.stdout.write(`${redriver.summary(redriven, chosen.length)}\n`);
    return redriven === chosen.length ? ExitCode.ok : ExitCode.failure;
  } finally {
    await local?.close();
    await log.close();
  }
}

/** Hands one on-failure record's records back. */
interface Redriver {
  /** Resolves `false` when the records could not all be handled. */
  deliver(records: readonly LambdaStreamRecord[], batchSize: number): Promise<boolean>;
  summary(redriven: number, total: number): string;
}

function invoker(
  config: ShardflowConfig,
  streamName: string,
  local: LocalStream,
  logger: Logger,
  io: DestinationsIo,
): Redriver {
  const clients = local.run.clients;
  const handler = createHandler(config, streamName, {
    logger,
    metrics: false,
    clients: { s3: clients.s3, kinesis: clients.kinesis, dynamodb: clients.dynamodb },
  });
  const { fn, lastResult } = observedFunction(config, streamName, handler, local.run.region);
  const totals: FateCounts = emptyFateCounts();
  const deliver = async (records: readonly LambdaStreamRecord[], batchSize: number) => {
    const batches = chunk(records, batchSize);
    for (const [index, batch] of batches.entries()) {
      const invocation = await invokeFunction(fn, { Records: batch });
      const report = reportInvocation(invocation, lastResult());
      const result = report.returned ? lastResult() : undefined;
      io.stdout.write(
        `  batch ${index + 1}/${batches.length} (${batch.length} record(s)): response ${JSON.stringify(report.response)}\n`,
      );
      io.stdout.write(`${indent(report.details)}\n`);
      if (result !== undefined)
        for (const [fate, n] of Object.entries(result.counts)) totals[fate as keyof FateCounts] += n;
      const retried = result === undefined || result.outcomes.some((outcome) => RETRY_FATES.has(outcome.fate));
      if (retried) {
        const left = batches.slice(index + 1).reduce((sum, rest) => sum + rest.length, 0);
        if (left > 0) io.stdout.write(`  stopped: ${left} later record(s) of this shard not redriven\n`);
        return false;
      }
    }
    return true;
  };
  const summary = (redriven: number, total: number) =>
    `redrive done: ${redriven}/${total} on-failure record(s) fully handled · ${formatFateCounts(totals)}`;
  return { deliver, summary };
}

function putter(
  streamName: string,
  stream: ReturnType<typeof streamOf>,
  local: LocalStream,
  io: DestinationsIo,
): Redriver {
  const source = stream.source;
  const client = local.run.clients.kinesis;
  if (source.type !== 'kinesis' || client === undefined) {
    throw new RedriveNotSupportedError(streamName, 'no Kinesis stream to put records onto');
  }
  let put = 0;
  const deliver = async (records: readonly LambdaStreamRecord[]) => {
    const sequenceNumbers = await putKinesisRecords(client, source.stream, records as readonly KinesisStreamRecord[]);
    put += sequenceNumbers.length;
    io.stdout.write(
      `  put ${sequenceNumbers.length} record(s) onto Kinesis stream ${source.stream}: sequence numbers ${sequenceNumbers[0]}…${sequenceNumbers.at(-1)}\n`,
    );
    return true;
  };
  const summary = (redriven: number, total: number) =>
    `redrive done: ${redriven}/${total} on-failure record(s) put back (${put} record(s)); the next \`shardflow dev\` run on this data dir consumes them`;
  return { deliver, summary };
}

/** The records to redrive, by key or all, in shard and sequence order. */
function choose(stored: readonly StoredOnFailureRecord[], options: RedriveOptions): StoredOnFailureRecord[] {
  const picked = options.all
    ? [...stored]
    : [...new Set(options.keys)].map((key) => {
        const found = stored.find((entry) => entry.key === key);
        if (found === undefined) throw new OnFailureRecordNotFoundError(options.stream, key);
        return found;
      });
  return picked.sort(byStreamPosition);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
