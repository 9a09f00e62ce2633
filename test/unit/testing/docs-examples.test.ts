// The examples of docs/testing.md, imported by package name as a user's project would.
import { defineProcessor, PermanentError, TransientError } from 'shardflow';
import {
  dynamodbEvent,
  InMemoryIdempotencyStore,
  kinesisEvent,
  MemoryQuarantineSink,
  runProcessor,
} from 'shardflow/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// src/processors/order-facts.ts
const Order = z.object({ orderId: z.string(), totalCents: z.number().int() });
type Order = z.infer<typeof Order>;

/** The processor takes its dependencies, so a test can hand it fakes. */
const createOrderFacts = (facts: { put(order: Order): Promise<void> }) =>
  defineProcessor({
    name: 'order-facts',
    schema: Order,
    async process(order) {
      if (order.totalCents < 0) throw new PermanentError('negative total');
      await facts.put(order); // anything else it throws is retried
    },
  });

describe('order-facts (docs/testing.md)', () => {
  it('stores valid orders and quarantines invalid ones', async () => {
    // Arrange
    const stored: Order[] = [];
    const orderFacts = createOrderFacts({ put: async (order) => void stored.push(order) });
    const event = kinesisEvent([
      { json: { orderId: 'o-1', totalCents: 1250 }, partitionKey: 'o-1' },
      { json: { orderId: 'o-2' }, partitionKey: 'o-2' }, // no totalCents: schema violation
      { json: { orderId: 'o-3', totalCents: -1 }, partitionKey: 'o-3' }, // PermanentError
    ]);

    // Act
    const run = await runProcessor(orderFacts, event);

    // Assert
    expect(stored).toEqual([{ orderId: 'o-1', totalCents: 1250 }]);
    expect(run.outcomes.map((o) => o.fate)).toEqual(['processed', 'quarantined', 'quarantined']);
    expect(run.quarantined.map((e) => e.error.name)).toEqual(['SchemaValidationError', 'PermanentError']);
    expect(run.response).toEqual({ batchItemFailures: [] });
  });

  it('reports a transient failure for retry and blocks the later records of that key', async () => {
    // Arrange
    const orderFacts = createOrderFacts({
      put: async () => {
        throw new TransientError('table unavailable');
      },
    });
    const event = kinesisEvent([
      { json: { orderId: 'o-1', totalCents: 1 }, partitionKey: 'o-1' },
      { json: { orderId: 'o-1', totalCents: 2 }, partitionKey: 'o-1' },
    ]);

    // Act
    const run = await runProcessor(orderFacts, event);

    // Assert
    expect(run.outcomes.map((o) => o.fate)).toEqual(['failed', 'blocked']);
    expect(run.outcomes[0]?.error).toBeInstanceOf(TransientError);
    expect(run.response.batchItemFailures).toEqual([{ itemIdentifier: run.outcomes[0]?.id }]);
  });
});

describe('order-status (docs/testing.md, DynamoDB)', () => {
  const OrderItem = z.object({ orderId: z.string(), status: z.enum(['NEW', 'PAID', 'SHIPPED']) });

  it('sees the new image, and the old one on MODIFY and REMOVE', async () => {
    // Arrange
    const seen: string[] = [];
    const orderStatus = defineProcessor({
      name: 'order-status',
      schema: OrderItem,
      process(order, ctx) {
        seen.push(`${ctx.record.eventName} ${ctx.oldImage?.status ?? '-'} → ${order.status}`);
      },
    });
    const event = dynamodbEvent(
      [
        { eventName: 'INSERT', keys: { orderId: 'o-1' }, newImage: { orderId: 'o-1', status: 'NEW' } },
        {
          eventName: 'MODIFY',
          keys: { orderId: 'o-1' },
          oldImage: { orderId: 'o-1', status: 'NEW' },
          newImage: { orderId: 'o-1', status: 'PAID' },
        },
        { eventName: 'REMOVE', keys: { orderId: 'o-1' }, oldImage: { orderId: 'o-1', status: 'PAID' }, ttl: true },
      ],
      { table: 'orders' },
    );

    // Act
    const run = await runProcessor(orderStatus, event);

    // Assert
    expect(run.counts.processed).toBe(3);
    expect(seen).toEqual(['INSERT - → NEW', 'MODIFY NEW → PAID', 'REMOVE PAID → PAID']);
    expect(run.outcomes.map((o) => o.id)).toEqual(event.Records.map((r) => r.dynamodb?.SequenceNumber));
  });
});

describe('idempotency and quarantine (docs/testing.md)', () => {
  it('applies a redelivered record once', async () => {
    // Arrange
    const stored: Order[] = [];
    const orderFacts = defineProcessor({
      name: 'order-facts',
      schema: Order,
      idempotency: true,
      async process(order) {
        stored.push(order);
      },
    });
    const event = kinesisEvent([{ json: { orderId: 'o-1', totalCents: 1250 }, partitionKey: 'o-1' }]);
    const idempotency = new InMemoryIdempotencyStore();

    // Act
    const first = await runProcessor(orderFacts, event, { idempotency });
    const redelivery = await runProcessor(orderFacts, event, { idempotency });

    // Assert
    expect(first.outcomes[0]?.fate).toBe('processed');
    expect(redelivery.outcomes[0]?.fate).toBe('duplicate');
    expect(stored).toHaveLength(1);
  });

  it('writes the full record and the reason to the quarantine', async () => {
    // Arrange
    const orderFacts = createOrderFacts({ put: async () => {} });
    const quarantine = new MemoryQuarantineSink();
    const event = kinesisEvent([{ json: { orderId: 'o-2' }, partitionKey: 'o-2' }], { stream: 'orders' });

    // Act
    await runProcessor(orderFacts, event, { quarantine });

    // Assert
    const [entry] = quarantine.entries;
    expect(entry).toMatchObject({
      source: 'kinesis',
      eventID: event.Records[0]?.eventID,
      partitionKey: 'o-2',
      processor: 'order-facts',
      error: { name: 'SchemaValidationError' },
      record: event.Records[0],
    });
    expect(entry?.error.issues).toEqual([expect.objectContaining({ path: ['totalCents'] })]);
  });
});
