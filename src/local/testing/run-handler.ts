import type { ShardflowConfig } from '../../runtime/config/types.js';
import { createHandler } from '../../runtime/handler.js';
import { createLogger, type Logger } from '../../runtime/observability/logger.js';
import type { IdempotencyStore } from '../../runtime/processing/idempotency/idempotency-store.js';
import { InMemoryIdempotencyStore } from '../../runtime/processing/idempotency/in-memory-store.js';
import type { QuarantineSink } from '../../runtime/processing/quarantine/index.js';
import type { LambdaContext, StreamEvent } from '../../runtime/records/lambda-events.js';
import { lambdaContext } from './lambda-context.js';
import { MemoryQuarantineSink } from './memory-quarantine-sink.js';
import { recordingSink, type TestRun, toTestRun } from './test-run.js';

/**
 * What {@link runHandler} (and {@link runProcessor}) put in place of the parts that would reach AWS.
 *
 * @example
 * ```ts
 * const idempotency = new InMemoryIdempotencyStore();
 * const options: RunHandlerOptions = { idempotency, context: { functionName: 'orders' } };
 * ```
 */
export interface RunHandlerOptions {
  /**
   * The idempotency store. Default: a fresh `InMemoryIdempotencyStore` when the stream has an idempotency
   * table (pass the same store to two runs to see the second delivery end as `duplicate`), none otherwise.
   */
  readonly idempotency?: IdempotencyStore;
  /** Where quarantined records go, instead of the stream's configured sink. Default: a fresh {@link MemoryQuarantineSink}. */
  readonly quarantine?: QuarantineSink;
  /** Fields of the Lambda context (see {@link lambdaContext}; default budget 60 s). */
  readonly context?: Partial<LambdaContext>;
  /** Default: a silent logger. Pass `createLogger({ level: 'debug' })` to see the engine's log lines. */
  readonly logger?: Logger;
}

const silentLogger = createLogger({ level: 'silent' });

/**
 * Runs the real Lambda handler of one stream of `config` (`createHandler(config, stream).run(...)`) over
 * `event` and returns what became of each record. Semantics are exactly Lambda's (routing, schema
 * validation, order per key, quarantine, idempotency, the deadline guard, `batchItemFailures`); only the
 * parts that would reach AWS are replaced: quarantine by a {@link MemoryQuarantineSink}, the idempotency
 * table by an `InMemoryIdempotencyStore`, metrics off, logs silent. Your processors' own clients are yours
 * to point elsewhere.
 *
 * @throws whatever the handler throws when the whole batch fails (e.g. `UnattributableFailureError`).
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { kinesisEvent, runHandler } from 'shardflow/testing';
 * import config from '../shardflow.config.js';
 *
 * describe('clicks stream', () => {
 *   it('routes page views and quarantines what no route matches', async () => {
 *     const event = kinesisEvent([{ json: { type: 'page-view', userId: 'u1' } }, { json: { type: 'unknown' } }], { stream: 'clicks' });
 *
 *     const run = await runHandler(config, 'clicks', event);
 *
 *     expect(run.outcomes.map((o) => [o.processor, o.fate])).toEqual([['page-views', 'processed'], [undefined, 'quarantined']]);
 *     expect(run.response.batchItemFailures).toEqual([]);
 *   });
 * });
 * ```
 */
export async function runHandler(
  config: ShardflowConfig,
  stream: string,
  event: StreamEvent,
  options: RunHandlerOptions = {},
): Promise<TestRun> {
  const recorder = recordingSink(options.quarantine ?? new MemoryQuarantineSink());
  const hasIdempotencyTable = config.streams[stream]?.idempotency !== undefined;
  const idempotency = options.idempotency ?? (hasIdempotencyTable ? new InMemoryIdempotencyStore() : undefined);
  const handler = createHandler(config, stream, {
    logger: options.logger ?? silentLogger,
    quarantine: recorder.sink,
    ...(idempotency !== undefined ? { idempotency } : {}),
    metrics: false,
  });
  const result = await handler.run(event, lambdaContext(options.context));
  return toTestRun(event, result, recorder.stored);
}
