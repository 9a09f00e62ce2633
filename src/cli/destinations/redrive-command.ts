import {
  countOutcomes,
  type RecordRedriveOutcome,
  type RedriveAttempt,
  type RedrivenRecord,
  redriveStatusOf,
  type StoredOnFailureRecord,
} from '../../local/esm/destinations/index.js';
import { invokeFunction } from '../../local/esm/invoke-function.js';
import type { LambdaStreamRecord, StreamBatchInfo } from '../../local/esm/ports.js';
import { resolveEsmSettings } from '../../local/esm/settings.js';
import { compileSourceFilter } from '../../local/esm/source-filter.js';
import type { ShardflowConfig, StreamConfig } from '../../runtime/config/types.js';
import { createHandler } from '../../runtime/handler.js';
import type { Logger } from '../../runtime/observability/logger.js';
import { emptyFateCounts, type FateCounts, RETRY_FATES } from '../../runtime/processing/fates.js';
import { DynamoDBIdempotencyStore } from '../../runtime/processing/idempotency/dynamodb-store.js';
import type { IdempotencyStore } from '../../runtime/processing/idempotency/idempotency-store.js';
import { compareSequenceNumbers } from '../../runtime/processing/sequence-number.js';
import type { KinesisStreamRecord } from '../../runtime/records/lambda-events.js';
import { createCliLogger } from '../cli-logger.js';
import {
  CliUsageError,
  ExitCode,
  OnFailureRecordNotFoundError,
  RedriveNotSupportedError,
  RedrivePutError,
} from '../errors.js';
import { formatFateCounts } from '../format-outcomes.js';
import { reportInvocation } from '../invocation-report.js';
import { loadConfig, streamOf } from '../load-config.js';
import { observedFunction } from '../local-function.js';
import { findApplied } from './applied-records.js';
import { RedriveDuplicatesError } from './errors.js';
import { type DestinationsIo, type DestinationsOptions, describeRedriveState } from './list-command.js';
import { type LocalStream, openLocalStream } from './local-stream.js';
import { putKinesisRecords } from './put-kinesis-records.js';
import { readSequenceRange } from './read-sequence-range.js';
import { commandLine, redriveActor } from './redrive-actor.js';
import { type RedriveTarget, redriveTargets, unsafeProcessors } from './redrive-targets.js';
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
  /** Redrive on-failure records an earlier redrive already handled (default: they are left alone). */
  readonly again?: boolean | undefined;
  /**
   * Redrive even through processors that cannot recognise records they already applied (not idempotent;
   * with `put`, also idempotent by record identity instead of a business key). Default: refuse.
   */
  readonly allowDuplicates?: boolean | undefined;
  /** The command line recorded in the redrive state. Default: rebuilt from these options. */
  readonly command?: string | undefined;
}

/** One on-failure record to redrive, with its records fetched and their targets resolved. */
interface RedrivePlan {
  readonly stored: StoredOnFailureRecord;
  readonly info: StreamBatchInfo;
  readonly origin: string;
  readonly targets: readonly RedriveTarget[];
}

/**
 * `shardflow destinations redrive <stream>`: fetches the records that on-failure records describe — from
 * their `payload` when stored with one (S3, local directory), else from the stream by sequence range —
 * and either re-invokes the stream's handler with them (`invoke`: batches of the stream's `batchSize`,
 * printing each batch's outcomes) or puts them back onto the Kinesis stream (`put`: original partition
 * keys and data, in their order per key; the next `shardflow dev` run consumes them).
 *
 * Safe by default. An on-failure record describes its batch from the first failed record to the end, so
 * some of its records may have been applied already:
 * - it refuses ({@link RedriveDuplicatesError}) when a processor the records reach cannot recognise a
 *   record it applied — not idempotent, or (`put`) keyed by record identity, which changes with the new
 *   sequence number — unless `allowDuplicates`;
 * - it looks the records' idempotency keys up in the store the handler uses (read-only) and skips the
 *   records proven applied, printing how many it re-invoked (or put) and skipped.
 *
 * Each redriven on-failure record gets a redrive attempt recorded beside it (when, by whom, which command,
 * the outcome of every record; SQS: the message is deleted once redriven). A record whose last redrive
 * succeeded is left alone (a no-op, with a message) unless `again`. Records are redriven per shard in
 * sequence order; once an on-failure record of a shard fails, later ones of that shard are skipped, so that
 * no record overtakes an earlier one of its key.
 *
 * @returns 0 when every redriven on-failure record ended handled (or there was nothing to do), 1 otherwise
 * @throws {CliUsageError} without exactly one of `keys`/`all` (exit code 2)
 * @throws {RedriveNotSupportedError} for `put` on a DynamoDB stream (exit code 2)
 * @throws {RedriveDuplicatesError} when records could be applied twice and `allowDuplicates` is not set (exit code 2)
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
    const pending = chosen.filter((stored) => {
      if (stored.redrive?.status !== 'redriven' || options.again) return true;
      io.stdout.write(
        `already redriven ${stored.key}: ${describeRedriveState(stored.redrive)}; nothing to do (--again redrives it again)\n`,
      );
      return false;
    });
    if (pending.length === 0) {
      io.stdout.write(
        `nothing to redrive: ${chosen.length} on-failure record(s) already redriven (pass --again to redrive them again)\n`,
      );
      return ExitCode.ok;
    }
    const plans = await planRedrives(config, options.stream, stream, local, pending);
    const unsafe = unsafeProcessors(
      plans.flatMap((plan) => plan.targets),
      options.mode,
      stream,
    );
    if (unsafe.length > 0 && !options.allowDuplicates) {
      throw new RedriveDuplicatesError(options.stream, options.mode, unsafe);
    }
    for (const processor of unsafe) {
      io.stderr.write(
        `warning: --allow-duplicates: processor '${processor.name}' (${processor.reason}) re-runs ${processor.records} record(s) without a duplicate check\n`,
      );
    }
    const store = idempotencyStore(stream, local);
    const redriver =
      options.mode === 'invoke'
        ? invoker(config, options.stream, local, store, log.logger, io)
        : putter(options.stream, stream, local, io);
    const by = redriveActor();
    const command = options.command ?? rebuiltCommand(options);
    const batchSize = resolveEsmSettings(stream).batchSize;
    const failedShards = new Set<string>();
    const totals = { described: 0, delivered: 0, applied: 0, missing: 0 };
    let redriven = 0;
    for (const plan of plans) {
      const { stored, info, targets } = plan;
      if (failedShards.has(info.shardId)) {
        io.stdout.write(`skipped ${stored.key}: an earlier redrive on ${info.shardId} failed (keeps order per key)\n`);
        continue;
      }
      io.stdout.write(`redrive ${stored.key}: ${targets.length} record(s) from ${plan.origin}\n`);
      const missing = Math.max(0, info.batchSize - targets.length);
      if (missing > 0) {
        io.stderr.write(`warning: ${info.batchSize} record(s) described, ${targets.length} still in the stream\n`);
      }
      const { applied, locked, looked } = await findApplied(store, targets);
      const toDeliver = targets.filter((_, index) => !applied[index]);
      const skipped = targets.length - toDeliver.length;
      if (looked > 0) {
        io.stdout.write(
          `  idempotency store (table ${stream.idempotency?.table}): ${skipped} of ${targets.length} record(s) already applied: skipped\n`,
        );
      }
      if (locked > 0) {
        io.stdout.write(`  ${locked} record(s) locked by a running invocation: the handler reports them for retry\n`);
      }
      const delivered = toDeliver.length === 0 ? [] : await redriver.deliver(toDeliver, batchSize);
      const records = [...alreadyApplied(targets.filter((_, index) => applied[index])), ...delivered].sort(bySequence);
      const attempt: RedriveAttempt = {
        at: new Date().toISOString(),
        by,
        command,
        mode: options.mode,
        status: redriveStatusOf(records),
        described: info.batchSize,
        missing,
        counts: countOutcomes(records),
        records,
      };
      const recorded = await local.onFailure.recordRedrive(stored, attempt);
      io.stdout.write(
        `  ${attempt.status}: ${toDeliver.length} ${redriver.verb}, ${skipped} skipped as already applied` +
          `${missing > 0 ? `, ${missing} no longer in the stream` : ''} · recorded: ${recorded.where}\n`,
      );
      totals.described += info.batchSize;
      totals.delivered += toDeliver.length;
      totals.applied += skipped;
      totals.missing += missing;
      if (attempt.status === 'redriven') redriven++;
      else failedShards.add(info.shardId);
    }
    const noOps = chosen.length - pending.length;
    io.stdout.write(
      `${redriver.summary(redriven, plans.length)}${noOps > 0 ? ` (${noOps} already redriven: left alone)` : ''}\n`,
    );
    io.stdout.write(
      `records: ${totals.described} described · ${totals.delivered} ${redriver.verb} · ${totals.applied} skipped as already applied · ${totals.missing} no longer in the stream\n`,
    );
    return redriven === plans.length ? ExitCode.ok : ExitCode.failure;
  } finally {
    await local?.onFailure.release?.();
    await local?.close();
    await log.close();
  }
}

/** Fetches the records of each on-failure record (payload, else the stream) and resolves their targets. */
async function planRedrives(
  config: ShardflowConfig,
  streamName: string,
  stream: StreamConfig,
  local: LocalStream,
  pending: readonly StoredOnFailureRecord[],
): Promise<RedrivePlan[]> {
  const settings = resolveEsmSettings(stream);
  const filter = compileSourceFilter(settings.filterPatterns, `streams.${streamName}.filterPatterns`);
  const source = local.run.sources.get(streamName)!;
  const plans: RedrivePlan[] = [];
  for (const stored of pending) {
    const info = (stored.record.KinesisBatchInfo ?? stored.record.DDBStreamBatchInfo)!;
    const payload = stored.record.payload?.Records;
    const records = payload ?? (await readSequenceRange(source, info, { filter }));
    const origin = payload ? 'the payload' : `the stream (${info.startSequenceNumber}–${info.endSequenceNumber})`;
    const targets = redriveTargets(streamName, stream, config.processorsByName, records);
    plans.push({ stored, info, origin, targets });
  }
  return plans;
}

/** The idempotency store the stream's handler uses (DynamoDB on the local emulator), if it has one. */
function idempotencyStore(stream: StreamConfig, local: LocalStream): IdempotencyStore | undefined {
  const client = local.run.clients.dynamodb;
  if (stream.idempotency === undefined || client === undefined) return undefined;
  return new DynamoDBIdempotencyStore({
    client,
    tableName: stream.idempotency.table,
    ttlSeconds: stream.idempotency.ttlSeconds,
  });
}

/** Hands one on-failure record's records back. */
interface Redriver {
  /** What it does with a record, for the counts: `re-invoked`, `put back`. */
  readonly verb: string;
  /** The outcome of every record handed in (per KPL user record when invoked). */
  deliver(targets: readonly RedriveTarget[], batchSize: number): Promise<RedrivenRecord[]>;
  summary(redriven: number, total: number): string;
}

function invoker(
  config: ShardflowConfig,
  streamName: string,
  local: LocalStream,
  store: IdempotencyStore | undefined,
  logger: Logger,
  io: DestinationsIo,
): Redriver {
  const clients = local.run.clients;
  const handler = createHandler(config, streamName, {
    logger,
    metrics: false,
    clients: { s3: clients.s3, kinesis: clients.kinesis, dynamodb: clients.dynamodb },
    ...(store === undefined ? {} : { idempotency: store }),
  });
  const { fn, lastResult } = observedFunction(config, streamName, handler, local.run.region);
  const totals: FateCounts = emptyFateCounts();
  const deliver = async (targets: readonly RedriveTarget[], batchSize: number) => {
    const outcomes: RedrivenRecord[] = [];
    const batches = chunk(targets, batchSize);
    for (const [index, batch] of batches.entries()) {
      const invocation = await invokeFunction(fn, { Records: batch.map((target) => target.record) });
      const report = reportInvocation(invocation, lastResult());
      const result = report.returned ? lastResult() : undefined;
      io.stdout.write(
        `  batch ${index + 1}/${batches.length} (${batch.length} record(s)): response ${JSON.stringify(report.response)}\n`,
      );
      io.stdout.write(`${indent(report.details)}\n`);
      if (result === undefined) {
        outcomes.push(...withOutcome(batch, 'failed', report.details));
      } else {
        for (const [fate, n] of Object.entries(result.counts)) totals[fate as keyof FateCounts] += n;
        for (const outcome of result.outcomes) {
          outcomes.push({
            sequenceNumber: outcome.sequenceNumber ?? '',
            ...(outcome.subSequenceNumber === undefined ? {} : { subSequenceNumber: outcome.subSequenceNumber }),
            ...(outcome.partitionKey === undefined ? {} : { partitionKey: outcome.partitionKey }),
            outcome: outcome.fate,
            ...(outcome.error === undefined ? {} : { error: `${outcome.error.name}: ${outcome.error.message}` }),
          });
        }
      }
      const retried = result === undefined || result.outcomes.some((outcome) => RETRY_FATES.has(outcome.fate));
      if (retried) {
        const rest = batches.slice(index + 1).flat();
        if (rest.length > 0) io.stdout.write(`  stopped: ${rest.length} later record(s) of this shard not redriven\n`);
        outcomes.push(...withOutcome(rest, 'not-redriven'));
        break;
      }
    }
    return outcomes;
  };
  const summary = (redriven: number, total: number) =>
    `redrive done: ${redriven}/${total} on-failure record(s) fully handled · ${formatFateCounts(totals)}`;
  return { verb: 're-invoked', deliver, summary };
}

function putter(streamName: string, stream: StreamConfig, local: LocalStream, io: DestinationsIo): Redriver {
  const source = stream.source;
  const client = local.run.clients.kinesis;
  if (source.type !== 'kinesis' || client === undefined) {
    throw new RedriveNotSupportedError(streamName, 'no Kinesis stream to put records onto');
  }
  let put = 0;
  const deliver = async (targets: readonly RedriveTarget[]) => {
    const records = targets.map((target) => target.record as KinesisStreamRecord);
    const newSequenceNumbers: (string | undefined)[] = records.map(() => undefined);
    let error: string | undefined;
    try {
      await putKinesisRecords(client, source.stream, records, {
        onPut: (indexes, sequenceNumbers) =>
          indexes.forEach((index, position) => {
            newSequenceNumbers[index] = sequenceNumbers[position];
          }),
      });
    } catch (caught) {
      if (!(caught instanceof RedrivePutError)) throw caught;
      error = `${caught.name}: ${caught.message}`;
    }
    const done = newSequenceNumbers.filter((sequenceNumber) => sequenceNumber !== undefined);
    put += done.length;
    io.stdout.write(
      `  put ${done.length} record(s) onto Kinesis stream ${source.stream}` +
        `${done.length > 0 ? `: sequence numbers ${done[0]}…${done.at(-1)}` : ''}\n`,
    );
    if (error !== undefined) io.stdout.write(`  ${records.length - done.length} record(s) not put: ${error}\n`);
    return records.map((record, index): RedrivenRecord => {
      const newSequenceNumber = newSequenceNumbers[index];
      const base = { sequenceNumber: record.kinesis.sequenceNumber, partitionKey: record.kinesis.partitionKey };
      if (newSequenceNumber !== undefined) return { ...base, outcome: 'put', newSequenceNumber };
      return { ...base, outcome: 'failed', ...(error === undefined ? {} : { error }) };
    });
  };
  const summary = (redriven: number, total: number) =>
    `redrive done: ${redriven}/${total} on-failure record(s) put back (${put} record(s)); the next \`shardflow dev\` run on this data dir consumes them`;
  return { verb: 'put back', deliver, summary };
}

/** Every user record of the targets with one outcome (a record that decoded to none counts as one). */
function withOutcome(
  targets: readonly RedriveTarget[],
  outcome: RecordRedriveOutcome,
  error?: string,
): RedrivenRecord[] {
  return targets.flatMap(({ record, users }) => {
    const described = users.length > 0 ? users : [undefined];
    return described.map((user) => ({
      sequenceNumber: user?.sequenceNumber ?? sequenceOf(record),
      ...(user?.subSequenceNumber === undefined ? {} : { subSequenceNumber: user.subSequenceNumber }),
      ...(user?.partitionKey === undefined ? {} : { partitionKey: user.partitionKey }),
      outcome,
      ...(error === undefined ? {} : { error }),
    }));
  });
}

function alreadyApplied(targets: readonly RedriveTarget[]): RedrivenRecord[] {
  return withOutcome(targets, 'already-applied');
}

function sequenceOf(record: LambdaStreamRecord): string {
  return 'kinesis' in record ? record.kinesis.sequenceNumber : (record.dynamodb?.SequenceNumber ?? '');
}

function bySequence(a: RedrivenRecord, b: RedrivenRecord): number {
  return (
    compareSequenceNumbers(a.sequenceNumber, b.sequenceNumber) ||
    (a.subSequenceNumber ?? 0) - (b.subSequenceNumber ?? 0)
  );
}

/** The command line these options stand for, when the caller passes none. */
function rebuiltCommand(options: RedriveOptions): string {
  return commandLine([
    'shardflow',
    'destinations',
    'redrive',
    options.stream,
    ...(options.all ? ['--all'] : ['--key', ...(options.keys ?? [])]),
    '--mode',
    options.mode,
    ...(options.again ? ['--again'] : []),
    ...(options.allowDuplicates ? ['--allow-duplicates'] : []),
  ]);
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
