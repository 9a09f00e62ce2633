import { destination } from 'pino';
import { defineConfig } from '../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../src/runtime/config/processor.js';
import { createHandler } from '../../src/runtime/handler.js';
import { createLogger } from '../../src/runtime/observability/logger.js';
import { BenchEvent } from './fixtures.js';

/** The event sources the handler benchmarks measure. */
export type MicroSource = 'kinesis' | 'dynamodb';

/**
 * What every contender's record handler does with a valid payload: nothing, asynchronously.
 *
 * @example
 * ```ts
 * await noop({ eventId: 'evt-1' });
 * ```
 */
export async function noop(_payload: unknown): Promise<void> {}

/** A Lambda context like the Node.js runtime passes (60 s left), shared by all contenders. */
export const LAMBDA_CONTEXT = Object.freeze({
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  functionName: 'bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  memoryLimitInMB: '1024',
  logGroupName: '/aws/lambda/bench',
  logStreamName: '2026/01/01/[$LATEST]bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 60_000,
});

/** Variants of {@link shardflowBenchHandler}. */
export interface BenchHandlerOptions {
  /**
   * `silent` (default): a silent logger; `info`: the default logger (level `info`, shardflow's line format)
   * writing each line synchronously to `/dev/null`, as it writes to standard output in Lambda.
   */
  readonly logger?: 'silent' | 'info';
  /** The processor also reads `ctx.previous` (the DynamoDB old image, validated by its schema). */
  readonly readsPrevious?: boolean;
}

/**
 * The shardflow handler the micro suite measures: `createHandler(config, stream)` exactly as a user
 * writes it, except `metrics: false` and a silent logger (the default `info` logger writes a `batch done`
 * line only for a batch with a failure, and metrics are off outside Lambda anyway). Everything else is the default:
 * `ordering: 'partitionKey'`, `concurrency: 16`, exhaustive routing with `unmatched: 'quarantine'`,
 * the deadline guard, no idempotency. The processor reads its payload only, unless `readsPrevious`.
 *
 * @example
 * ```ts
 * const handler = shardflowBenchHandler('kinesis');
 * await handler.run(kinesisBenchEvent(100));
 * const withLogs = shardflowBenchHandler('dynamodb', { logger: 'info', readsPrevious: true });
 * ```
 */
export function shardflowBenchHandler(source: MicroSource, options: BenchHandlerOptions = {}) {
  const sink = defineProcessor({
    name: 'noop-sink',
    schema: BenchEvent,
    process: options.readsPrevious ? (payload, ctx) => noop([payload, ctx.previous]) : noop,
  });
  const config = defineConfig({
    service: 'bench',
    processors: [sink],
    streams: {
      kinesis: {
        source: { type: 'kinesis', stream: 'bench-clicks' },
        startingPosition: 'TRIM_HORIZON',
        routes: [{ processor: 'noop-sink' }],
      },
      dynamodb: {
        source: { type: 'dynamodb', table: 'bench-clicks' },
        startingPosition: 'TRIM_HORIZON',
        routes: [{ match: { eventName: ['INSERT', 'MODIFY'] }, processor: 'noop-sink' }],
      },
    },
  });
  const logger =
    options.logger === 'info'
      ? createLogger({ level: 'info', destination: destination({ dest: '/dev/null', sync: true }) })
      : createLogger({ level: 'silent' });
  return createHandler(config, source, { logger, metrics: false });
}
