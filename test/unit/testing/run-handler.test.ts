import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DynamoDBEventFactory,
  InMemoryIdempotencyStore,
  kinesisEvent,
  runHandler,
} from '../../../src/local/testing/index.js';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import { ConfigError } from '../../../src/runtime/errors.js';
import { UnmatchedRecordError } from '../../../src/runtime/processing/errors.js';

const PageView = z.object({ type: z.literal('page-view'), userId: z.string(), page: z.string() });
const Purchase = z.object({ type: z.literal('purchase'), userId: z.string(), cents: z.number().int() });

/** A two-route Kinesis config plus a DynamoDB stream whose settings would reach AWS if they were used. */
function shopConfig() {
  const seen: string[] = [];
  const pageViews = defineProcessor({
    name: 'page-views',
    schema: PageView,
    process(view) {
      seen.push(`view:${view.page}`);
    },
  });
  const purchases = defineProcessor({
    name: 'purchases',
    schema: Purchase,
    process(purchase) {
      seen.push(`purchase:${purchase.cents}`);
    },
  });
  const orderFacts = defineProcessor({
    name: 'order-facts',
    schema: z.object({ orderId: z.string() }),
    idempotency: true,
    process(order) {
      seen.push(`order:${order.orderId}`);
    },
  });
  const config = defineConfig({
    service: 'shop',
    processors: [pageViews, purchases, orderFacts],
    streams: {
      clicks: {
        source: { type: 'kinesis', stream: 'clicks' },
        startingPosition: 'LATEST',
        routes: [
          { match: { payload: { type: ['page-view'] } }, processor: 'page-views' },
          { match: { payload: { type: ['purchase'] } }, processor: 'purchases' },
        ],
      },
      orders: {
        source: { type: 'dynamodb', table: 'orders' },
        startingPosition: 'TRIM_HORIZON',
        quarantine: { type: 'sqs', queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-quarantine' },
        idempotency: { table: 'orders-idempotency' },
        routes: [{ processor: 'order-facts' }],
      },
    },
  });
  return { config, seen };
}

describe('runHandler', () => {
  it('routes each record of a two-route stream and quarantines what no route matches', async () => {
    // Arrange
    const { config, seen } = shopConfig();
    const event = kinesisEvent(
      [
        { json: { type: 'page-view', userId: 'u1', page: '/' }, partitionKey: 'u1' },
        { json: { type: 'purchase', userId: 'u1', cents: 1250 }, partitionKey: 'u1' },
        { json: { type: 'refund', userId: 'u1' }, partitionKey: 'u1' },
        { json: { type: 'purchase', userId: 'u2', cents: 'lots' }, partitionKey: 'u2' },
      ],
      { stream: 'clicks' },
    );

    // Act
    const run = await runHandler(config, 'clicks', event);

    // Assert
    expect(run.outcomes.map((o) => [o.processor, o.fate])).toEqual([
      ['page-views', 'processed'],
      ['purchases', 'processed'],
      [undefined, 'quarantined'],
      ['purchases', 'quarantined'],
    ]);
    expect(run.outcomes[2]?.error).toBeInstanceOf(UnmatchedRecordError);
    expect(run.quarantined.map((e) => [e.stream, e.service, e.error.name])).toEqual([
      ['clicks', 'shop', 'UnmatchedRecordError'],
      ['clicks', 'shop', 'SchemaValidationError'],
    ]);
    expect(run.response).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['view:/', 'purchase:1250']);
  });

  it('replaces the configured SQS quarantine and DynamoDB idempotency table with in-memory ones', async () => {
    // Arrange
    const { config, seen } = shopConfig();
    const orders = new DynamoDBEventFactory({ tableName: 'orders' });
    const event = orders.event([
      orders.insert({ orderId: 'o-1' }, { orderId: 'o-1' }),
      orders.insert({ orderId: 'o-2' }, { id: 'no order id' }),
    ]);
    const idempotency = new InMemoryIdempotencyStore();

    // Act
    const first = await runHandler(config, 'orders', event, { idempotency });
    const redelivery = await runHandler(config, 'orders', event, { idempotency });

    // Assert
    expect(first.outcomes.map((o) => o.fate)).toEqual(['processed', 'quarantined']);
    expect(first.quarantined).toHaveLength(1);
    expect(redelivery.outcomes.map((o) => o.fate)).toEqual(['duplicate', 'duplicate']);
    expect(redelivery.quarantined).toEqual([]);
    expect(seen).toEqual(['order:o-1']);
  });

  it('throws the handler’s ConfigError for a stream the config does not have', async () => {
    // Arrange
    const { config } = shopConfig();

    // Act
    const run = runHandler(config, 'nope', kinesisEvent([{ json: {} }]));

    // Assert
    await expect(run).rejects.toBeInstanceOf(ConfigError);
  });
});
