import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planDeployment } from '../../../src/deploy/deploy-plan.js';
import { InvalidProcessorError, InvalidResourceNameError } from '../../../src/deploy/errors.js';
import { ConfigRangeError, DuplicateNameError } from '../../../src/runtime/config/errors.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import { clicksStream, deployConfig, ordersStream } from './fixtures.js';

describe('planDeployment', () => {
  it('resolves each stream: function name, logical IDs, ESM settings and resources', () => {
    // Arrange
    const config = deployConfig({ orders: ordersStream({ batchSize: 250 }), clicks: clicksStream() });

    // Act
    const plan = planDeployment(config, 'prod');

    // Assert
    expect(plan.service).toBe('shop');
    expect(plan.streams.map((stream) => stream.functionName)).toEqual(['shop-prod-orders', 'shop-prod-clicks']);
    const orders = plan.streams[0]!;
    expect(orders.ids).toMatchObject({
      function: 'OrdersLambdaFunction',
      eventSourceMapping: 'OrdersEventSourceMapping',
      role: 'OrdersExecutionRole',
    });
    expect(orders.esm.batchSize).toBe(250);
    expect(orders.source).toMatchObject({ mode: 'owned', name: 'orders-prod' });
    expect(orders.onFailure).toMatchObject({ kind: 'sqs-queue', name: 'shop-orders-failures-prod' });
    expect(orders.idempotency).toMatchObject({ name: 'shop-idempotency-prod' });
    expect(plan.warnings).toEqual([]);
  });

  it('rejects two streams whose names differ only in case', () => {
    // Arrange
    const config = deployConfig({ orders: ordersStream(), Orders: clicksStream() });

    // Act
    const act = () => planDeployment(config, 'dev');

    // Assert
    expect(act).toThrow(DuplicateNameError);
    expect(act).toThrow(expect.objectContaining({ path: 'streams.Orders' }));
  });

  it('rejects a deadline margin that leaves no time within the timeout', () => {
    // Arrange
    const config = deployConfig({ orders: ordersStream({ timeoutSeconds: 2, deadlineMarginMs: 2000 }) });

    // Act
    const act = () => planDeployment(config, 'dev');

    // Assert
    expect(act).toThrow(ConfigRangeError);
    expect(act).toThrow(expect.objectContaining({ path: 'streams.orders.deadlineMarginMs' }));
  });

  it('rejects a function name over Lambda’s 64 characters', () => {
    // Arrange
    const config = deployConfig({ [`orders${'x'.repeat(34)}`]: ordersStream() }, { service: `shop${'y'.repeat(20)}` });

    // Act
    const act = () => planDeployment(config, 'production');

    // Assert
    expect(act).toThrow(InvalidResourceNameError);
    expect(act).toThrow('is not a Lambda function name');
  });

  it('checks the processors the config names', () => {
    // Arrange
    const broken = defineProcessor({ name: 'broken', schema: { parse: () => ({}) } as never, process() {} });
    const config = deployConfig({ orders: ordersStream({ routes: [{ processor: broken }] }) });

    // Act
    const act = () => planDeployment(config, 'dev');

    // Assert
    expect(act).toThrow(InvalidProcessorError);
    expect(act).toThrow(expect.objectContaining({ path: 'processors.broken.schema' }));
  });

  it('warns about streams without quarantine or on-failure destination', () => {
    // Arrange
    const plain = defineProcessor({ name: 'plain', schema: z.object({}), process() {} });
    const config = deployConfig({
      orders: ordersStream({
        onFailure: undefined,
        quarantine: undefined,
        idempotency: undefined,
        routes: [{ processor: plain }],
      }),
    });

    // Act
    const { warnings } = planDeployment(config, 'dev');

    // Assert
    expect(warnings).toEqual([
      'streams.orders: no quarantine sink — permanent failures are reported for retry and end in the on-failure destination',
      'streams.orders: no onFailure destination — a failing batch is retried until its records expire from the source',
    ]);
  });
});
