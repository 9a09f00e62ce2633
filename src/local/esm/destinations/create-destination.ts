import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '../../../runtime/errors.js';
import type { OnFailureDestination } from '../ports.js';
import { DirectoryOnFailureDestination } from './directory-destination.js';
import { S3OnFailureDestination } from './s3-destination.js';
import { SnsOnFailureDestination } from './sns-destination.js';
import { SqsOnFailureDestination } from './sqs-destination.js';
import type { OnFailureDestinationClients, OnFailureDestinationSpec } from './types.js';

/**
 * Creates the on-failure destination a spec describes. Pass the SDK clients to use (e.g. pointed at
 * s3rver); a client that is not passed is created with the SDK's default configuration (region and
 * credentials from the environment).
 *
 * @throws {ConfigError} when the spec's type is unknown or its target is empty or unsupported (FIFO queue/topic)
 *
 * @example
 * ```ts
 * const s3 = new S3Client(localS3ClientConfig(s3Local.endpoint));
 * const destination = createOnFailureDestination({ type: 's3', bucket: 'orders-failures' }, { s3 });
 * const local = createOnFailureDestination({ type: 'directory', path: '.shardflow/on-failure' });
 * ```
 */
export function createOnFailureDestination(
  spec: OnFailureDestinationSpec,
  clients: OnFailureDestinationClients = {},
): OnFailureDestination {
  switch (spec.type) {
    case 's3':
      if (spec.bucket.trim() === '') throw new ConfigError('onFailure.bucket', 'must not be empty');
      return new S3OnFailureDestination({ client: clients.s3 ?? new S3Client({}), bucket: spec.bucket });
    case 'sqs':
      return new SqsOnFailureDestination({ client: clients.sqs ?? new SQSClient({}), queueUrl: spec.queueUrl });
    case 'sns':
      return new SnsOnFailureDestination({ client: clients.sns ?? new SNSClient({}), topicArn: spec.topicArn });
    case 'directory':
      if (spec.path.trim() === '') throw new ConfigError('onFailure.path', 'must not be empty');
      return new DirectoryOnFailureDestination({ path: spec.path });
    default:
      throw new ConfigError(
        'onFailure.type',
        `unknown on-failure destination type ${JSON.stringify((spec as { type?: unknown }).type)} (s3, sqs, sns or directory)`,
      );
  }
}
