import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import {
  ConfigError,
  ConfigRangeError,
  DuplicateNameError,
  InvalidSettingValueError,
  MissingSettingError,
  UnknownProcessorError,
  UnsupportedSettingError,
} from '../../../src/runtime/config/errors.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import type { ShardflowConfigInput, StreamConfig } from '../../../src/runtime/config/types.js';
import { InvalidPatternError } from '../../../src/runtime/routing/errors.js';

const orderFacts = defineProcessor({ name: 'order-facts', schema: z.object({ orderId: z.string() }), process() {} });

const kinesis = (overrides: Partial<StreamConfig> = {}): StreamConfig => ({
  source: { type: 'kinesis', stream: 'clicks' },
  startingPosition: 'TRIM_HORIZON',
  routes: [{ processor: orderFacts }],
  ...overrides,
});

const config = (streams: Record<string, StreamConfig>, extra: Partial<ShardflowConfigInput> = {}) =>
  ({ service: 'shop', processors: [orderFacts], streams, ...extra }) as ShardflowConfigInput;

describe('defineConfig', () => {
  it('accepts a valid config and indexes every reachable processor by name', () => {
    // Arrange
    const input = config({ clicks: kinesis({ routes: [{ processor: 'order-facts' }] }) });

    // Act
    const result = defineConfig(input);

    // Assert
    expect(result.kind).toBe('shardflow.config');
    expect(result.processorsByName.get('order-facts')).toBe(orderFacts);
  });

  it.each<[string, Partial<StreamConfig>, new (...args: never[]) => ConfigError, string]>([
    ['batchSize 0', { batchSize: 0 }, ConfigRangeError, 'streams.clicks.batchSize'],
    ['batchSize 10001', { batchSize: 10_001 }, ConfigRangeError, 'streams.clicks.batchSize'],
    ['batchSize 1.5', { batchSize: 1.5 }, ConfigRangeError, 'streams.clicks.batchSize'],
    ['window 301', { batchWindowSeconds: 301 }, ConfigRangeError, 'streams.clicks.batchWindowSeconds'],
    ['parallelization 11', { parallelizationFactor: 11 }, ConfigRangeError, 'streams.clicks.parallelizationFactor'],
    ['retries -2', { maxRetries: -2 }, ConfigRangeError, 'streams.clicks.maxRetries'],
    ['retries 10001', { maxRetries: 10_001 }, ConfigRangeError, 'streams.clicks.maxRetries'],
    ['age 59', { maxRecordAgeSeconds: 59 }, ConfigRangeError, 'streams.clicks.maxRecordAgeSeconds'],
    ['age 604801', { maxRecordAgeSeconds: 604_801 }, ConfigRangeError, 'streams.clicks.maxRecordAgeSeconds'],
    ['tumbling 901', { tumblingWindowSeconds: 901 }, ConfigRangeError, 'streams.clicks.tumblingWindowSeconds'],
    ['memory 64', { memorySize: 64 }, ConfigRangeError, 'streams.clicks.memorySize'],
    ['timeout 901', { timeoutSeconds: 901 }, ConfigRangeError, 'streams.clicks.timeoutSeconds'],
    [
      '6 filter patterns',
      { filterPatterns: Array.from({ length: 6 }, () => ({ data: { a: [1] } })) },
      ConfigRangeError,
      'streams.clicks.filterPatterns',
    ],
    [
      'no starting position',
      { startingPosition: undefined as never },
      MissingSettingError,
      'streams.clicks.startingPosition',
    ],
    [
      'AT_TIMESTAMP without a timestamp',
      { startingPosition: 'AT_TIMESTAMP' },
      MissingSettingError,
      'streams.clicks.startingPositionTimestamp',
    ],
    ['no routes', { routes: [] }, MissingSettingError, 'streams.clicks.routes'],
    ['unknown ordering', { ordering: 'random' as never }, InvalidSettingValueError, 'streams.clicks.ordering'],
    ['unknown unmatched policy', { unmatched: 'drop' as never }, InvalidSettingValueError, 'streams.clicks.unmatched'],
  ])('rejects %s with a named error and the offending path', (_label, overrides, ErrorClass, path) => {
    // Arrange
    const input = config({ clicks: kinesis(overrides) });

    // Act
    const act = () => defineConfig(input);

    // Assert
    expect(act).toThrow(ErrorClass);
    try {
      act();
    } catch (error) {
      expect((error as ConfigError).path).toBe(path);
      expect((error as Error).name).toBe(ErrorClass.name);
    }
  });

  it('accepts the documented edge values (-1 retries and age, 60 s age, 10000 batch, 300 s window)', () => {
    // Arrange
    const edges = [
      { maxRetries: -1, maxRecordAgeSeconds: -1 },
      { maxRecordAgeSeconds: 60, maxRetries: 10_000 },
      { batchSize: 10_000, batchWindowSeconds: 300, parallelizationFactor: 10, tumblingWindowSeconds: 900 },
    ];

    // Act / Assert
    for (const edge of edges) expect(() => defineConfig(config({ clicks: kinesis(edge) }))).not.toThrow();
  });

  it('rejects AT_TIMESTAMP on a DynamoDB stream (Kinesis only)', () => {
    // Arrange
    const input = config({
      orders: {
        source: { type: 'dynamodb', table: 'orders' },
        startingPosition: 'AT_TIMESTAMP',
        startingPositionTimestamp: 1_700_000_000,
        routes: [{ processor: orderFacts }],
      },
    });

    // Act / Assert
    expect(() => defineConfig(input)).toThrow(UnsupportedSettingError);
  });

  it('fails at definition time when a route names an unknown processor', () => {
    // Arrange
    const input = config({ clicks: kinesis({ routes: [{ processor: 'order-fact' }] }) });

    // Act / Assert
    expect(() => defineConfig(input)).toThrow(UnknownProcessorError);
    expect(() => defineConfig(input)).toThrow(
      /streams\.clicks\.routes\[0\]\.processor: no processor named 'order-fact'/,
    );
  });

  it('rejects two different processors with one name, and more readers of one source than AWS allows', () => {
    // Arrange
    const twin = defineProcessor({ name: 'order-facts', schema: z.object({}), process() {} });
    const twins = config({ clicks: kinesis({ routes: [{ processor: twin }] }) });
    const sixReaders = config(Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f'].map((n) => [n, kinesis()])));
    const twoReaders = config({ a: kinesis(), b: kinesis() });

    // Act / Assert
    expect(() => defineConfig(twins)).toThrow(DuplicateNameError);
    expect(() => defineConfig(sixReaders)).toThrow(DuplicateNameError);
    expect(() => defineConfig(twoReaders)).not.toThrow();
  });

  it('rejects a malformed route pattern at definition time', () => {
    // Arrange
    const input = config({
      clicks: kinesis({ routes: [{ match: { payload: { n: 5 } } as never, processor: orderFacts }] }),
    });

    // Act / Assert
    expect(() => defineConfig(input)).toThrow(InvalidPatternError);
  });

  it('requires an idempotency table when a routed processor is idempotent, and a window for an aggregator', () => {
    // Arrange
    const idempotent = defineProcessor({ name: 'i', schema: z.object({}), idempotency: true, process() {} });
    const windowed = defineProcessor({
      name: 'w',
      schema: z.object({}),
      window: { initial: () => ({ n: 0 }) },
      process() {},
    });

    // Act / Assert
    expect(() => defineConfig(config({ clicks: kinesis({ routes: [{ processor: idempotent }] }) }))).toThrow(
      MissingSettingError,
    );
    expect(() => defineConfig(config({ clicks: kinesis({ routes: [{ processor: windowed }] }) }))).toThrow(
      UnsupportedSettingError,
    );
  });

  it('rejects processor names that are not plain identifiers (at defineProcessor)', () => {
    // Act
    const act = () => defineProcessor({ name: '$quarantine', schema: z.object({}), process() {} });

    // Assert
    expect(act).toThrow(InvalidSettingValueError);
    expect(act).toThrow(/processors\.\$quarantine\.name/);
  });

  it('rejects a bad service name and an empty streams map', () => {
    // Act / Assert
    expect(() => defineConfig(config({ clicks: kinesis() }, { service: 'has spaces' }))).toThrow(ConfigError);
    expect(() => defineConfig(config({}))).toThrow(MissingSettingError);
  });
});
