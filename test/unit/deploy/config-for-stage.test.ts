import { describe, expect, it } from 'vitest';
import { resolveEsmSettings } from '../../../src/local/esm/settings.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { createLogger } from '../../../src/runtime/observability/logger.js';
import { configForStage } from '../../../src/runtime/stages/config-for-stage.js';
import type { StagesConfig } from '../../../src/runtime/stages/stage-overrides.js';
import { clicksStream, deployConfig, ordersStream } from './fixtures.js';

describe('configForStage', () => {
  it('renames what the stack creates to its stage name and keeps what exists', () => {
    // Arrange
    const config = deployConfig({
      orders: ordersStream(),
      clicks: clicksStream({
        idempotency: { table: 'arn:aws:dynamodb:us-east-1:123456789012:table/shared-idempotency' },
        quarantine: { type: 'kinesis', stream: 'clicks-quarantine' },
      }),
    });

    // Act
    const prod = configForStage(config, 'prod');

    // Assert
    expect(prod.streams.orders).toMatchObject({
      source: { type: 'dynamodb', table: 'orders-prod' },
      onFailure: { type: 'sqs', queue: 'shop-orders-failures-prod' },
      quarantine: { type: 's3', bucket: 'shop-quarantine-prod' },
      idempotency: { table: 'shop-idempotency-prod' },
    });
    expect(prod.streams.clicks).toMatchObject({
      source: { type: 'kinesis', stream: 'clicks' },
      onFailure: { type: 's3', bucket: 'shop-clicks-failures-prod' },
      quarantine: { type: 'kinesis', stream: 'clicks-quarantine-prod' },
      idempotency: { table: 'shared-idempotency' },
    });
  });

  it('keeps routes that match a renamed source by name matching it', () => {
    // Arrange
    const config = deployConfig({
      clicks: clicksStream({
        source: { type: 'kinesis', stream: 'clicks', create: true },
        routes: [{ match: { stream: ['clicks', 'other'] }, processor: 'click-counts' }],
      }),
    });

    // Act
    const dev = configForStage(config, 'dev');

    // Assert
    expect(dev.streams.clicks?.source).toMatchObject({ stream: 'clicks-dev' });
    expect(dev.streams.clicks?.routes[0]?.match?.stream).toEqual(['clicks-dev', 'other']);
  });

  it('applies the stage overrides, so the ESM settings of a stage come from one function', () => {
    // Arrange
    const config = deployConfig(
      { orders: ordersStream({ batchSize: 200 }) },
      { stages: { dev: { batchSize: 10, memorySize: 256, logLevel: 'debug' } } as StagesConfig },
    );

    // Act
    const settings = resolveEsmSettings(configForStage(config, 'dev').streams.orders!);

    // Assert
    expect(settings).toMatchObject({ batchSize: 10, memorySize: 256 });
    expect(configForStage(config, 'dev').logging?.level).toBe('debug');
    expect(resolveEsmSettings(configForStage(config, 'prod').streams.orders!).batchSize).toBe(200);
  });

  it('gives a config createHandler accepts (what the generated function entry does)', async () => {
    // Arrange
    const config = deployConfig({ orders: ordersStream() });

    // Act
    const handler = createHandler(configForStage(config, 'prod'), 'orders', {
      metrics: false,
      logger: createLogger({ level: 'silent' }),
    });
    const response = await handler({ Records: [] });

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
  });
});
