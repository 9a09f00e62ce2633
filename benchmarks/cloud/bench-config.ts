import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { defineConfig } from '../../src/runtime/config/define-config.js';
import { type AnyProcessor, defineProcessor } from '../../src/runtime/config/processor.js';
import type { ShardflowConfig, ShardflowConfigInput, StreamConfig } from '../../src/runtime/config/types.js';
import { TimedBenchEvent } from '../e2e/completion-sink.js';
import { StampWriter } from './results-table.js';

/** What the cloud benchmark deploys: one function (and stream) per memory size. */
export interface BenchCloudSpec {
  readonly service: string;
  readonly stage: string;
  readonly runId: string;
  readonly memorySizes: readonly number[];
  /** Stream name and ARN per memory size (the driver creates the streams; the stack does not own them). */
  readonly streams: Readonly<Record<number, { readonly name: string; readonly arn: string }>>;
  readonly resultsTable: string;
  readonly batchSize: number;
  readonly batchWindowSeconds: number;
  readonly timeoutSeconds: number;
}

/**
 * The config stream name of one memory size's function.
 *
 * @example
 * ```ts
 * benchStreamKey(1769); // 'm1769'
 * ```
 */
export function benchStreamKey(memoryMB: number): string {
  return `m${memoryMB}`;
}

/**
 * The processor of one memory size's function: stamps each record (put time from the payload, Kinesis
 * arrival, invocation start, completion, request id) into the results table, so duration, iterator age
 * and end-to-end latency are computed from the same rows in AWS and on the emulators. The invocation
 * start is the Lambda deadline minus the function timeout.
 *
 * @example
 * ```ts
 * const processor = stampProcessor(spec, 128, new DynamoDBClient({}));
 * ```
 */
export function stampProcessor(spec: BenchCloudSpec, memoryMB: number, dynamodb: DynamoDBClient): AnyProcessor {
  const writer = new StampWriter(dynamodb, spec.resultsTable);
  return defineProcessor({
    name: `stamp-${memoryMB}`,
    schema: TimedBenchEvent,
    async process(event, ctx) {
      const now = Date.now();
      const record = ctx.record;
      await writer.add({
        runId: spec.runId,
        sk: `${memoryMB}#${event.eventId}`,
        memoryMB,
        eventId: event.eventId,
        requestId: ctx.awsRequestId ?? '',
        shardId: record.shardId ?? '',
        sequenceNumber: record.sequenceNumber ?? '',
        putAtMs: event.putAtMs,
        arrivalMs: record.approximateArrivalMs ?? 0,
        invokeStartMs: Math.round(now + ctx.remainingTimeMs() - spec.timeoutSeconds * 1000),
        completedMs: now,
      });
    },
  });
}

/** The environment variable that carries a stage's {@link BenchCloudSpec} (JSON) into its functions. */
export const BENCH_SPEC_ENV = 'BENCH_SPEC';

/**
 * The ARN of the results table, in the account and region of the benchmark's streams.
 *
 * @example
 * ```ts
 * resultsTableArn(spec); // 'arn:aws:dynamodb:eu-west-1:123456789012:table/shardflow-bench-bench-results'
 * ```
 */
export function resultsTableArn(spec: BenchCloudSpec): string {
  const first = Object.values(spec.streams)[0];
  const [, partition, , region, account] = (first?.arn ?? 'arn:aws:kinesis:us-east-1:000000000000:stream/x').split(':');
  return `arn:${partition}:dynamodb:${region}:${account}:table/${spec.resultsTable}`;
}

/**
 * The shardflow config of a cloud benchmark stage: per memory size a stream function `m<size>` on its own
 * Kinesis stream (by ARN), with that `memorySize`, the batch settings under test and a stamping processor.
 * The same config is deployed by the serverless packaging (AWS) or run by the local ESM (emulators). Each
 * deployed function gets the spec in its environment (`BENCH_SPEC`, from which `bench.config.ts` rebuilds
 * this config inside Lambda) and write access to the results table (an application resource, by ARN).
 *
 * @example
 * ```ts
 * const config = benchCloudConfig(spec, dynamodb);
 * Object.keys(config.streams); // ['m128', 'm1769']
 * ```
 */
export function benchCloudConfig(spec: BenchCloudSpec, dynamodb: DynamoDBClient): ShardflowConfig {
  const processors = spec.memorySizes.map((memoryMB) => stampProcessor(spec, memoryMB, dynamodb));
  const streams: Record<string, StreamConfig> = {};
  for (const [i, memoryMB] of spec.memorySizes.entries()) {
    const stream = spec.streams[memoryMB];
    if (stream === undefined) throw new Error(`no stream for ${memoryMB} MB`);
    streams[benchStreamKey(memoryMB)] = {
      source: { type: 'kinesis', stream: stream.name, arn: stream.arn },
      startingPosition: 'TRIM_HORIZON',
      batchSize: spec.batchSize,
      batchWindowSeconds: spec.batchWindowSeconds,
      memorySize: memoryMB,
      timeoutSeconds: spec.timeoutSeconds,
      maxRetries: 2,
      // A benchmark measures what gets stamped; a batch given up on simply shows as missing stamps.
      discardOnFailure: true,
      environment: { [BENCH_SPEC_ENV]: JSON.stringify(spec) },
      routes: [{ processor: processors[i]! }],
    };
  }
  return defineConfig({
    service: spec.service,
    processors,
    streams,
    resources: { results: { type: 'dynamodb', table: resultsTableArn(spec), access: 'write' } },
  } as ShardflowConfigInput);
}
