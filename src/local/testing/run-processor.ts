import { defineConfig } from '../../runtime/config/define-config.js';
import type { AnyProcessor } from '../../runtime/config/processor.js';
import type { DynamoDBSourceConfig, KinesisSourceConfig, OrderingMode } from '../../runtime/config/types.js';
import { streamNameFromArn, tableNameFromArn } from '../../runtime/records/arn.js';
import { detectSource } from '../../runtime/records/decode-event.js';
import type { StreamEvent } from '../../runtime/records/lambda-events.js';
import { type RunHandlerOptions, runHandler } from './run-handler.js';
import type { TestRun } from './test-run.js';

/**
 * {@link RunHandlerOptions} plus the stream's ordering mode.
 *
 * @example
 * ```ts
 * const run = await runProcessor(clicks, event, { ordering: 'shard' }); // the first failure blocks every later record
 * ```
 */
export interface RunProcessorOptions extends RunHandlerOptions {
  /** `partitionKey` (default): a failed key stops, other keys go on. `shard`: the first failure stops the batch. `none`. */
  readonly ordering?: OrderingMode;
}

/** The config stream {@link runProcessor} wraps the processor in. */
const STREAM = 'test';

/** Tumbling window of the wrapping stream when the processor aggregates one (its length is not used by the handler). */
const WINDOW_SECONDS = 60;

/**
 * Runs one processor over a Lambda event through the real handler and returns what became of each record.
 * The processor is wrapped in a config with one stream (named `test`, its source type and name taken
 * from the event) whose single route matches every record, so validation, order per key, quarantine,
 * idempotency and `batchItemFailures` behave exactly as in Lambda. Defaults as for {@link runHandler}: a
 * fresh {@link MemoryQuarantineSink}, an `InMemoryIdempotencyStore` when the processor is idempotent, a
 * silent logger, a 60 s time budget.
 *
 * @throws whatever the handler throws when the whole batch fails (e.g. `UnattributableFailureError`).
 *
 * @example
 * ```ts
 * // src/processors/order-facts.ts: the processor takes its dependencies, so a test can hand it fakes
 * import { defineProcessor, PermanentError } from 'shardflow';
 * import { z } from 'zod';
 *
 * export const Order = z.object({ orderId: z.string(), totalCents: z.number().int() });
 * export type Order = z.infer<typeof Order>;
 *
 * export const createOrderFacts = (facts: { put(order: Order): Promise<void> }) =>
 *   defineProcessor({
 *     name: 'order-facts',
 *     schema: Order,
 *     async process(order) {
 *       if (order.totalCents < 0) throw new PermanentError('negative total');
 *       await facts.put(order); // any other error is retried
 *     },
 *   });
 *
 * // src/processors/order-facts.test.ts
 * import { TransientError } from 'shardflow';
 * import { kinesisEvent, runProcessor } from 'shardflow/testing';
 * import { describe, expect, it } from 'vitest';
 * import { createOrderFacts, type Order } from './order-facts.js';
 *
 * describe('order-facts', () => {
 *   it('stores valid orders and quarantines invalid ones', async () => {
 *     // Arrange
 *     const stored: Order[] = [];
 *     const processor = createOrderFacts({ put: async (order) => void stored.push(order) });
 *     const event = kinesisEvent([
 *       { json: { orderId: 'o-1', totalCents: 1250 }, partitionKey: 'o-1' },
 *       { json: { orderId: 'o-2' }, partitionKey: 'o-2' }, // no totalCents: schema violation
 *       { json: { orderId: 'o-3', totalCents: -1 }, partitionKey: 'o-3' }, // PermanentError
 *     ]);
 *
 *     // Act
 *     const run = await runProcessor(processor, event);
 *
 *     // Assert
 *     expect(stored).toEqual([{ orderId: 'o-1', totalCents: 1250 }]);
 *     expect(run.outcomes.map((o) => o.fate)).toEqual(['processed', 'quarantined', 'quarantined']);
 *     expect(run.quarantined.map((e) => e.error.name)).toEqual(['SchemaValidationError', 'PermanentError']);
 *     expect(run.response.batchItemFailures).toEqual([]);
 *   });
 *
 *   it('reports a transient failure for retry and blocks the later records of that key', async () => {
 *     // Arrange
 *     const processor = createOrderFacts({ put: async () => { throw new TransientError('table unavailable'); } });
 *     const event = kinesisEvent([
 *       { json: { orderId: 'o-1', totalCents: 1 }, partitionKey: 'o-1' },
 *       { json: { orderId: 'o-1', totalCents: 2 }, partitionKey: 'o-1' },
 *     ]);
 *
 *     // Act
 *     const run = await runProcessor(processor, event);
 *
 *     // Assert
 *     expect(run.outcomes.map((o) => o.fate)).toEqual(['failed', 'blocked']);
 *     expect(run.response.batchItemFailures).toEqual([{ itemIdentifier: run.outcomes[0]?.id }]);
 *   });
 * });
 * ```
 */
export async function runProcessor(
  processor: AnyProcessor,
  event: StreamEvent,
  options: RunProcessorOptions = {},
): Promise<TestRun> {
  const { ordering, ...handlerOptions } = options;
  const config = defineConfig({
    service: 'shardflow-test',
    streams: {
      [STREAM]: {
        source: sourceOf(event),
        startingPosition: 'TRIM_HORIZON',
        routes: [{ processor }],
        ...(ordering !== undefined ? { ordering } : {}),
        ...(processor.idempotency ? { idempotency: { table: 'shardflow-test-idempotency' } } : {}),
        ...(processor.window !== undefined ? { tumblingWindowSeconds: WINDOW_SECONDS } : {}),
      },
    },
  });
  return runHandler(config, STREAM, event, handlerOptions);
}

/** The source config matching the event's records (an empty event: any source; there is nothing to run). */
function sourceOf(event: StreamEvent): KinesisSourceConfig | DynamoDBSourceConfig {
  const first = event.Records[0];
  if (first === undefined) return { type: 'kinesis', stream: 'test-stream' };
  const arn = first.eventSourceARN ?? '';
  return detectSource(event) === 'kinesis'
    ? { type: 'kinesis', stream: streamNameFromArn(arn) ?? 'test-stream' }
    : { type: 'dynamodb', table: tableNameFromArn(arn) ?? 'test-table' };
}
