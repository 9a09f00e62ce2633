import { dynamodbEvent, kinesisEvent, runProcessor } from 'shardflow/testing';
import { describe, expect, it } from 'vitest';
import orderEvents from '../src/processors/order-events.js';
import type { Order } from '../src/schemas/order.js';

const order: Order = { orderId: 'o-1', customerId: 'c-1', status: 'PAID', totalCents: 4200 };

describe('order-events', () => {
  it('processes an order from the Kinesis stream', async () => {
    // Arrange
    const event = kinesisEvent([{ json: order, partitionKey: order.orderId }]);

    // Act
    const result = await runProcessor(orderEvents, event);

    // Assert
    expect(result.response).toEqual({ batchItemFailures: [] });
    expect(result.outcomes.map((outcome) => outcome.fate)).toEqual(['processed']);
  });

  it('quarantines records that are not orders, without failing the batch', async () => {
    // Arrange
    const event = kinesisEvent([{ json: { orderId: 'o-2' } }, { text: 'not JSON' }, { json: order }]);

    // Act
    const result = await runProcessor(orderEvents, event);

    // Assert
    expect(result.response).toEqual({ batchItemFailures: [] });
    expect(result.outcomes.map((outcome) => outcome.fate)).toEqual(['quarantined', 'quarantined', 'processed']);
  });

  it('quarantines a shipped order with a total of 0 (a PermanentError)', async () => {
    // Arrange
    const event = kinesisEvent([{ json: { ...order, status: 'SHIPPED', totalCents: 0 } }]);

    // Act
    const result = await runProcessor(orderEvents, event);

    // Assert
    expect(result.outcomes[0]?.fate).toBe('quarantined');
    expect(result.outcomes[0]?.error).toMatchObject({ name: 'PermanentError' });
  });

  it('processes a change of the orders table', async () => {
    // Arrange
    const event = dynamodbEvent([
      {
        eventName: 'MODIFY',
        keys: { orderId: order.orderId },
        oldImage: order,
        newImage: { ...order, status: 'SHIPPED' },
      },
    ]);

    // Act
    const result = await runProcessor(orderEvents, event);

    // Assert
    expect(result.response).toEqual({ batchItemFailures: [] });
    expect(result.outcomes.map((outcome) => outcome.fate)).toEqual(['processed']);
  });
});
