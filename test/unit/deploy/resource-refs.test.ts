import { describe, expect, it } from 'vitest';
import type { DeploySourceSettings } from '../../../src/deploy/deploy-config.js';
import { InvalidResourceNameError } from '../../../src/deploy/errors.js';
import { ConfigError, MissingSettingError, UnsupportedSettingError } from '../../../src/runtime/config/errors.js';
import type { DynamoDBSourceConfig, KinesisSourceConfig } from '../../../src/runtime/config/types.js';
import {
  resolveOnFailureRef,
  resolveQuarantineRef,
  resolveResourceRef,
  resolveSourceRef,
} from '../../../src/runtime/stages/resource-refs.js';

type Source = (KinesisSourceConfig | DynamoDBSourceConfig) & DeploySourceSettings;

describe('resolveResourceRef', () => {
  it('creates a resource named by a plain name, scoped to the stage', () => {
    // Act
    const ref = resolveResourceRef('sqs-queue', 'shop-orders-failures', 'prod', 'streams.orders.onFailure.queue');

    // Assert
    expect(ref).toEqual({
      kind: 'sqs-queue',
      owned: true,
      configName: 'shop-orders-failures',
      name: 'shop-orders-failures-prod',
      arn: undefined,
      logicalId: 'ShopOrdersFailuresQueue',
      path: 'streams.orders.onFailure.queue',
    });
  });

  it('references a resource named by its ARN, unchanged', () => {
    // Act
    const ref = resolveResourceRef(
      'dynamodb-table',
      'arn:aws:dynamodb:eu-west-1:123456789012:table/shared-idem',
      'prod',
      'p',
    );

    // Assert
    expect(ref).toMatchObject({ owned: false, name: 'shared-idem', logicalId: undefined });
    expect(ref.arn).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/shared-idem');
  });

  it.each([
    ['s3-bucket', 'Shop_Failures', 'is not an S3 bucket name'],
    ['sqs-queue', 'x'.repeat(80), 'is not an SQS queue name'],
    ['dynamodb-table', 'bad table', 'is not a DynamoDB table name'],
  ] as const)('rejects a %s name AWS would refuse once scoped (%s)', (kind, name, message) => {
    // Act
    const act = () => resolveResourceRef(kind, name, 'dev', 'path.to.name');

    // Assert
    expect(act).toThrow(InvalidResourceNameError);
    expect(act).toThrow(message);
  });

  it('rejects an ARN of the wrong kind', () => {
    // Act
    const act = () =>
      resolveResourceRef('sqs-queue', 'arn:aws:sns:us-east-1:123456789012:topic', 'dev', 'streams.a.onFailure.queue');

    // Assert
    expect(act).toThrow(ConfigError);
    expect(act).toThrow('is not the ARN of an SQS queue');
  });
});

describe('resolveSourceRef', () => {
  it.each<[string, Source, Record<string, unknown>]>([
    [
      'a created Kinesis stream',
      { type: 'kinesis', stream: 'clicks', create: true },
      { mode: 'owned', name: 'clicks-dev', logicalId: 'ClicksStream' },
    ],
    [
      'a created table',
      { type: 'dynamodb', table: 'orders', create: true },
      { mode: 'owned', name: 'orders-dev', logicalId: 'OrdersTable' },
    ],
    ['an existing Kinesis stream by name', { type: 'kinesis', stream: 'clicks' }, { mode: 'name', name: 'clicks' }],
    [
      'a Kinesis ARN',
      { type: 'kinesis', stream: 'clicks', arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks-live' },
      { mode: 'arn', name: 'clicks-live' },
    ],
    [
      'a DynamoDB stream ARN',
      {
        type: 'dynamodb',
        table: 'orders',
        streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-05-01T00:00:00.000',
      },
      { mode: 'arn', name: 'orders' },
    ],
    [
      'an import',
      { type: 'dynamodb', table: 'orders', import: 'core-OrdersStreamArn' },
      { mode: 'import', exportName: 'core-OrdersStreamArn' },
    ],
  ])('resolves %s', (_case, source, expected) => {
    // Act
    const ref = resolveSourceRef(source, 'dev', 'streams.x.source');

    // Assert
    expect(ref).toMatchObject(expected);
  });

  it('needs to know where a DynamoDB stream comes from', () => {
    // Act
    const act = () => resolveSourceRef({ type: 'dynamodb', table: 'orders' }, 'dev', 'streams.orders.source');

    // Assert
    expect(act).toThrow(MissingSettingError);
    expect(act).toThrow(expect.objectContaining({ path: 'streams.orders.source.streamArn' }));
  });

  it('rejects conflicting settings and malformed ARNs', () => {
    // Arrange
    const conflicting: Source = {
      type: 'kinesis',
      stream: 'c',
      create: true,
      arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/c',
    };

    // Act
    const both = () => resolveSourceRef(conflicting, 'dev', 'streams.c.source');
    const malformed = () =>
      resolveSourceRef(
        { type: 'dynamodb', table: 'o', streamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/o' },
        'dev',
        's',
      );

    // Assert
    expect(both).toThrow('set only one of create, arn and import');
    expect(malformed).toThrow('is not the ARN of a DynamoDB stream');
  });
});

describe('resolveOnFailureRef and resolveQuarantineRef', () => {
  it('resolves each destination kind', () => {
    // Act
    const bucket = resolveOnFailureRef({ type: 's3', bucket: 'failures' }, 'dev', 'streams.a.onFailure');
    const topic = resolveOnFailureRef(
      { type: 'sns', topic: 'arn:aws:sns:us-east-1:123456789012:failures' },
      'dev',
      'streams.a.onFailure',
    );

    // Assert
    expect(bucket).toMatchObject({
      kind: 's3-bucket',
      owned: true,
      name: 'failures-dev',
      path: 'streams.a.onFailure.bucket',
    });
    expect(topic).toMatchObject({ kind: 'sns-topic', owned: false, name: 'failures' });
  });

  it('turns a quarantine queue URL into its ARN, and keeps the S3 prefix', () => {
    // Act
    const queue = resolveQuarantineRef(
      { type: 'sqs', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/poison' },
      'dev',
      'q',
    );
    const s3 = resolveQuarantineRef({ type: 's3', bucket: 'quarantine', prefix: 'poison/' }, 'dev', 'q');

    // Assert
    expect(queue).toEqual({
      type: 'sqs-url',
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/poison',
      arn: 'arn:aws:sqs:eu-west-1:123456789012:poison',
      path: 'q',
    });
    expect(s3).toMatchObject({ type: 'resource', prefix: 'poison/', resource: { name: 'quarantine-dev' } });
  });

  it('rejects a file sink: a Lambda execution environment does not keep it', () => {
    // Act
    const act = () => resolveQuarantineRef({ type: 'file', path: 'q.ndjson' }, 'dev', 'streams.a.quarantine');

    // Assert
    expect(act).toThrow(UnsupportedSettingError);
    expect(act).toThrow(expect.objectContaining({ path: 'streams.a.quarantine.type' }));
  });
});
