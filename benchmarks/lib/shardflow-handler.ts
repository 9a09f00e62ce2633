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

/**
 * The shardflow handler the micro suite measures: `createHandler(config, stream)` exactly as a user
 * writes it, except `metrics: false` and a silent logger (the default logs one `batch done` line per
 * batch at `info`, and metrics are off outside Lambda anyway). Everything else is the default:
 * `ordering: 'partitionKey'`, `concurrency: 16`, exhaustive routing with `unmatched: 'quarantine'`,
 * the deadline guard, no idempotency.
 *
 * @example
 * ```ts
 * const handler = shardflowBenchHandler('kinesis');
 * await handler.run(kinesisBenchEvent(100));
 * ```
 */
export function shardflowBenchHandler(source: MicroSource) {
  const sink = defineProcessor({ name: 'noop-sink', schema: BenchEvent, process: noop });
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
  return createHandler(config, source, { logger: createLogger({ level: 'silent' }), metrics: false });
}
