import { describe, expect, it } from 'vitest';
import { type AppResourceConfig, resolveAppResources } from '../../../src/deploy/app-resources.js';
import { ConfigError, MissingSettingError } from '../../../src/runtime/config/errors.js';
import { clicksStream, deployConfig, ordersStream } from './fixtures.js';

const configWith = (resources: Record<string, unknown>) =>
  deployConfig(
    { orders: ordersStream(), clicks: clicksStream() },
    { resources: resources as Record<string, AppResourceConfig> },
  );

describe('resolveAppResources', () => {
  it('resolves created and existing resources and who uses them', () => {
    // Arrange
    const config = configWith({
      lake: { type: 's3', bucket: 'shop-lake', access: 'write', streams: ['orders'] },
      customers: { type: 'dynamodb', table: 'arn:aws:dynamodb:us-east-1:123456789012:table/customers', access: 'read' },
    });

    // Act
    const [lake, customers] = resolveAppResources(config, 'prod');

    // Assert
    expect(lake).toMatchObject({ key: 'lake', streams: ['orders'], ref: { owned: true, name: 'shop-lake-prod' } });
    expect(customers).toMatchObject({
      key: 'customers',
      streams: ['orders', 'clicks'],
      ref: { owned: false, name: 'customers' },
    });
  });

  it.each<[string, Record<string, unknown>, new (...args: never[]) => ConfigError, string]>([
    ['no access', { lake: { type: 's3', bucket: 'lake' } }, MissingSettingError, 'resources.lake.access'],
    [
      'a reserved variable',
      { lake: { type: 's3', bucket: 'lake', access: 'read', env: 'AWS_REGION' } },
      ConfigError,
      'resources.lake.env',
    ],
    [
      'an unknown stream',
      { lake: { type: 's3', bucket: 'lake', access: 'read', streams: ['refunds'] } },
      ConfigError,
      'resources.lake.streams[0]',
    ],
    [
      'a created table without key',
      { t: { type: 'dynamodb', table: 'sessions', access: 'write' } },
      MissingSettingError,
      'resources.t.partitionKey',
    ],
    [
      'a wildcard prefix',
      { lake: { type: 's3', bucket: 'lake', access: 'read', prefix: 'a/*' } },
      ConfigError,
      'resources.lake.prefix',
    ],
    ['an unknown type', { q: { type: 'sqs', queue: 'q', access: 'write' } }, ConfigError, 'resources.q.type'],
  ])('rejects %s at %s', (_case, resources, errorClass, path) => {
    // Act
    const act = () => resolveAppResources(configWith(resources), 'dev');

    // Assert
    expect(act).toThrow(errorClass);
    expect(act).toThrow(expect.objectContaining({ path }));
  });
});
