import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor, type ProcessorContext } from '../../../src/runtime/config/processor.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { Fate } from '../../../src/runtime/processing/fates.js';
import { InvalidImageError } from '../../../src/runtime/records/index.js';
import { type AttributeMap, DynamoDBEventFactory } from '../../factories/index.js';
import { MemorySink, silentLogger } from './engine-fixtures.js';

const Order = z.object({ orderId: z.string(), status: z.string() });
type Order = z.infer<typeof Order>;

/** An old image DynamoDB cannot emit: `BOOL` holding a string. */
const INVALID_OLD_IMAGE = { orderId: { S: 'o-1' }, status: { BOOL: 'NEW' } } as unknown as AttributeMap;

function modifyEvent(oldImage: AttributeMap | undefined) {
  const orders = new DynamoDBEventFactory({ tableName: 'orders' });
  return orders.event([
    orders.record({
      eventName: 'MODIFY',
      keys: { orderId: 'o-1' },
      newImage: { orderId: 'o-1', status: 'PAID' },
      ...(oldImage === undefined ? { oldImage: { orderId: 'o-1', status: 'NEW' } } : { rawOldImage: oldImage }),
    }),
    orders.record({
      eventName: 'MODIFY',
      keys: { orderId: 'o-2' },
      newImage: { orderId: 'o-2', status: 'PAID' },
      oldImage: { orderId: 'o-2', status: 'NEW' },
    }),
  ]);
}

function handlerWith(
  process: (order: Order, ctx: ProcessorContext<Order>) => Promise<void>,
  predicate?: (record: import('../../../src/runtime/records/index.js').StreamRecord) => boolean,
) {
  const sink = new MemorySink();
  const processor = defineProcessor({ name: 'orders', schema: Order, process });
  const config = defineConfig({
    service: 'test-service',
    streams: {
      orders: {
        source: { type: 'dynamodb', table: 'orders' },
        startingPosition: 'TRIM_HORIZON',
        routes: [{ ...(predicate ? { match: { predicate } } : {}), processor }],
      },
    },
  });
  return { sink, handler: createHandler(config, 'orders', { logger: silentLogger, quarantine: sink, metrics: false }) };
}

describe('DynamoDB old images are unmarshalled on first read', () => {
  it('processes a MODIFY with an invalid OldImage when the processor never reads the old image', async () => {
    // Arrange
    const seen: string[] = [];
    const { handler, sink } = handlerWith(async (order) => {
      seen.push(order.orderId);
    });

    // Act
    const result = await handler.run(modifyEvent(INVALID_OLD_IMAGE));

    // Assert
    expect(result.outcomes.map((o) => o.fate)).toEqual([Fate.processed, Fate.processed]);
    expect(seen).toEqual(['o-1', 'o-2']);
    expect(sink.entries).toHaveLength(0);
  });

  it.each([
    ['ctx.previous', (ctx: ProcessorContext<Order>) => ctx.previous],
    ['ctx.oldImage', (ctx: ProcessorContext<Order>) => ctx.oldImage],
    ['ctx.record.oldImage', (ctx: ProcessorContext<Order>) => ctx.record.source === 'dynamodb' && ctx.record.oldImage],
  ])('quarantines the record with InvalidImageError when the processor reads %s, and goes on', async (_, read) => {
    // Arrange
    const { handler, sink } = handlerWith(async (_order, ctx) => {
      read(ctx);
    });

    // Act
    const result = await handler.run(modifyEvent(INVALID_OLD_IMAGE));

    // Assert
    const [first, second] = result.outcomes;
    expect(first).toMatchObject({ fate: Fate.quarantined, processor: 'orders' });
    expect(first?.error).toBeInstanceOf(InvalidImageError);
    expect(first?.error).toMatchObject({ image: 'OldImage', path: 'OldImage.status' });
    expect(second?.fate).toBe(Fate.processed);
    expect(result.response.batchItemFailures).toEqual([]);
    expect(sink.entries.map((e) => [e.error.name, e.sequenceNumber])).toEqual([
      ['InvalidImageError', first?.sequenceNumber],
    ]);
  });

  it('quarantines rather than retries when a route predicate reads the invalid old image', async () => {
    // Arrange
    const { handler } = handlerWith(
      async () => {},
      (record) => record.source === 'dynamodb' && record.oldImage?.status !== 'CANCELLED',
    );

    // Act
    const result = await handler.run(modifyEvent(INVALID_OLD_IMAGE));

    // Assert
    expect(result.outcomes.map((o) => o.fate)).toEqual([Fate.quarantined, Fate.processed]);
    expect(result.outcomes[0]?.error).toBeInstanceOf(InvalidImageError);
    expect(result.response.batchItemFailures).toEqual([]);
  });

  it('gives a valid old image to ctx.previous, validated once however often it is read', async () => {
    // Arrange
    let parses = 0;
    const Counted = Order.transform((order) => {
      parses++;
      return order;
    });
    const previous: (Order | undefined)[] = [];
    const processor = defineProcessor({
      name: 'orders',
      schema: Counted,
      async process(_order, ctx) {
        previous.push(ctx.previous, ctx.previous);
      },
    });
    const config = defineConfig({
      service: 'test-service',
      streams: {
        orders: {
          source: { type: 'dynamodb', table: 'orders' },
          startingPosition: 'TRIM_HORIZON',
          routes: [{ processor }],
        },
      },
    });
    const handler = createHandler(config, 'orders', {
      logger: silentLogger,
      quarantine: new MemorySink(),
      metrics: false,
    });

    // Act
    await handler.run(modifyEvent(undefined));

    // Assert: two payloads and two old images validated, for four reads of ctx.previous
    expect(previous).toEqual([
      { orderId: 'o-1', status: 'NEW' },
      { orderId: 'o-1', status: 'NEW' },
      { orderId: 'o-2', status: 'NEW' },
      { orderId: 'o-2', status: 'NEW' },
    ]);
    expect(parses).toBe(4);
  });

  it('still quarantines a REMOVE whose OldImage (its payload) is invalid before routing', async () => {
    // Arrange
    const orders = new DynamoDBEventFactory({ tableName: 'orders' });
    const event = orders.event([
      orders.record({ eventName: 'REMOVE', keys: { orderId: 'o-1' }, rawOldImage: INVALID_OLD_IMAGE }),
    ]);
    let calls = 0;
    const { handler } = handlerWith(async () => {
      calls++;
    });

    // Act
    const result = await handler.run(event);

    // Assert
    expect(result.outcomes[0]).toMatchObject({ fate: Fate.quarantined, processor: undefined });
    expect(result.outcomes[0]?.error).toBeInstanceOf(InvalidImageError);
    expect(calls).toBe(0);
  });
});
