import { describe, expect, it } from 'vitest';
import { InvalidResourceNameError } from '../../../src/deploy/errors.js';
import { ConfigError, ConfigRangeError } from '../../../src/runtime/config/errors.js';
import {
  applyStageOverrides,
  resolveAlarmSettings,
  resolveRetentionDays,
  type StagesConfig,
  validateStages,
} from '../../../src/runtime/stages/stage-overrides.js';
import { clicksStream, deployConfig, ordersStream } from './fixtures.js';

const withStages = (stages: unknown) =>
  deployConfig(
    { orders: ordersStream({ batchSize: 200 }), clicks: clicksStream() },
    { stages: stages as StagesConfig },
  );

describe('applyStageOverrides', () => {
  it('applies stage-wide overrides, then per-stream ones, and the stage log level', () => {
    // Arrange
    const config = withStages({
      prod: {
        memorySize: 2048,
        batchSize: 50,
        logLevel: 'warn',
        streams: { clicks: { batchSize: 1000, parallelizationFactor: 4 } },
      },
    });

    // Act
    const prod = applyStageOverrides(config, 'prod');

    // Assert
    expect(prod.streams.orders).toMatchObject({ memorySize: 2048, batchSize: 50 });
    expect(prod.streams.clicks).toMatchObject({ memorySize: 2048, batchSize: 1000, parallelizationFactor: 4 });
    expect(prod.logging?.level).toBe('warn');
    expect(prod.processorsByName).toBe(config.processorsByName);
    expect(prod.kind).toBe('shardflow.config');
  });

  it('returns the config unchanged for a stage it does not list', () => {
    // Arrange
    const config = withStages({ prod: { memorySize: 2048 } });

    // Act
    const staging = applyStageOverrides(config, 'staging');

    // Assert
    expect(staging).toBe(config);
    expect(staging.streams.orders?.batchSize).toBe(200);
  });
});

describe('validateStages', () => {
  it.each<[string, unknown, new (...args: never[]) => ConfigError, string]>([
    ['memory out of range', { prod: { memorySize: 64 } }, ConfigRangeError, 'stages.prod.memorySize'],
    ['batch size 0', { dev: { batchSize: 0 } }, ConfigRangeError, 'stages.dev.batchSize'],
    ['window 301', { dev: { batchWindowSeconds: 301 } }, ConfigRangeError, 'stages.dev.batchWindowSeconds'],
    [
      'per-stream timeout',
      { dev: { streams: { orders: { timeoutSeconds: 901 } } } },
      ConfigRangeError,
      'stages.dev.streams.orders.timeoutSeconds',
    ],
    ['unknown stream', { dev: { streams: { refunds: { batchSize: 10 } } } }, ConfigError, 'stages.dev.streams.refunds'],
    ['unknown setting', { dev: { memory: 512 } }, ConfigError, 'stages.dev.memory'],
    [
      'per-stream log level',
      { dev: { streams: { orders: { logLevel: 'debug' } } } },
      ConfigError,
      'stages.dev.streams.orders.logLevel',
    ],
    ['unknown log level', { dev: { logLevel: 'verbose' } }, ConfigError, 'stages.dev.logLevel'],
    ['retention CloudWatch rejects', { prod: { retentionDays: 10 } }, ConfigRangeError, 'stages.prod.retentionDays'],
    [
      'alarm action not an SNS ARN',
      { prod: { alarms: { actions: ['oncall'] } } },
      ConfigError,
      'stages.prod.alarms.actions[0]',
    ],
    ['alarm threshold 0', { prod: { alarms: { errors: 0 } } }, ConfigRangeError, 'stages.prod.alarms.errors'],
    ['stage name with capitals', { Prod: {} }, InvalidResourceNameError, 'stages.Prod'],
  ])('rejects %s at %s (already at defineConfig)', (_case, stages, errorClass, path) => {
    // Act
    const act = () => validateStages(withStages(stages));

    // Assert
    expect(act).toThrow(errorClass);
    expect(act).toThrow(expect.objectContaining({ path }));
  });
});

describe('resolveAlarmSettings', () => {
  it('is off unless the stage turns alarms on; true means the defaults; per-stream settings win', () => {
    // Arrange
    const config = withStages({
      prod: {
        alarms: true,
        streams: {
          clicks: { alarms: { iteratorAgeSeconds: 300, actions: ['arn:aws:sns:us-east-1:123456789012:oncall'] } },
        },
      },
      staging: { alarms: { enabled: false } },
    });

    // Act
    const dev = resolveAlarmSettings(config, 'dev', 'orders');
    const staging = resolveAlarmSettings(config, 'staging', 'orders');
    const prodOrders = resolveAlarmSettings(config, 'prod', 'orders');
    const prodClicks = resolveAlarmSettings(config, 'prod', 'clicks');

    // Assert
    expect(dev).toBeUndefined();
    expect(staging).toBeUndefined();
    expect(prodOrders).toEqual({
      iteratorAgeSeconds: 60,
      errors: 1,
      destinationDepth: 1,
      evaluationPeriods: 5,
      actions: [],
    });
    expect(prodClicks).toMatchObject({
      iteratorAgeSeconds: 300,
      actions: ['arn:aws:sns:us-east-1:123456789012:oncall'],
    });
  });
});

describe('resolveRetentionDays', () => {
  it('is the stage’s retention, or undefined (never expire)', () => {
    // Arrange
    const config = withStages({ prod: { retentionDays: 90 } });

    // Act / Assert
    expect(resolveRetentionDays(config, 'prod')).toBe(90);
    expect(resolveRetentionDays(config, 'dev')).toBeUndefined();
  });
});
