import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { createOnFailureDestination } from '../../../src/local/esm/destinations/create-destination.js';
import { DirectoryOnFailureDestination } from '../../../src/local/esm/destinations/directory-destination.js';
import { S3OnFailureDestination } from '../../../src/local/esm/destinations/s3-destination.js';
import { SnsOnFailureDestination } from '../../../src/local/esm/destinations/sns-destination.js';
import { SqsOnFailureDestination } from '../../../src/local/esm/destinations/sqs-destination.js';
import type { OnFailureDestinationSpec } from '../../../src/local/esm/destinations/types.js';
import { ConfigError } from '../../../src/runtime/errors.js';

const config = { region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
const clients = { s3: new S3Client(config), sqs: new SQSClient(config), sns: new SNSClient(config) };

describe('createOnFailureDestination', () => {
  it.each([
    [{ type: 's3', bucket: 'orders-failures' }, S3OnFailureDestination, 's3'],
    [{ type: 'sqs', queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq' }, SqsOnFailureDestination, 'sqs'],
    [{ type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:failures' }, SnsOnFailureDestination, 'sns'],
    [{ type: 'directory', path: '/tmp/shardflow-on-failure' }, DirectoryOnFailureDestination, 'directory'],
  ] as const)('builds the %j destination', (spec, type, kind) => {
    // Arrange: the spec above

    // Act
    const destination = createOnFailureDestination(spec, clients);

    // Assert
    expect(destination).toBeInstanceOf(type);
    expect(destination.kind).toBe(kind);
  });

  it('lists only from destinations that can be read back', () => {
    // Arrange
    const s3 = createOnFailureDestination({ type: 's3', bucket: 'b' }, clients);
    const sqs = createOnFailureDestination(
      { type: 'sqs', queueUrl: 'https://sqs.us-east-1.amazonaws.com/1/q' },
      clients,
    );

    // Act
    const listable = [typeof s3.list, typeof sqs.list];

    // Assert
    expect(listable).toEqual(['function', 'undefined']);
  });

  it.each([
    [{ type: 's3', bucket: ' ' }, 'onFailure.bucket'],
    [{ type: 'directory', path: '' }, 'onFailure.path'],
    [{ type: 'sqs', queueUrl: '' }, 'onFailure.queueUrl'],
    [{ type: 'kafka', topic: 'x' }, 'onFailure.type'],
  ])('rejects %j with a ConfigError at %s', (spec, path) => {
    // Arrange: the spec above

    // Act
    const create = () => createOnFailureDestination(spec as unknown as OnFailureDestinationSpec, clients);

    // Assert
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(expect.objectContaining({ path }));
  });
});
