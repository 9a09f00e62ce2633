import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  applyEnvironment,
  guardAwsConnections,
  isAwsHost,
  type LocalAws,
  localAwsVariables,
  startLocalAws,
} from '../../../src/local/esm/local-aws/index.js';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

describe('localAwsVariables', () => {
  it('aims every service variable locally, unsets profiles and session tokens, and disables instance metadata', () => {
    // Act
    const variables = localAwsVariables({
      endpoints: { s3: 'http://127.0.0.1:1001', dynamodb: 'http://127.0.0.1:1002' },
      fallbackEndpoint: 'http://127.0.0.1:1999',
      region: 'us-east-1',
      credentials,
    });

    // Assert
    expect(variables).toMatchObject({
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1001',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:1002',
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: 'http://127.0.0.1:1002',
      AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:1999',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1999',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']) {
      expect(Object.hasOwn(variables, name) && variables[name] === undefined).toBe(true);
    }
  });

  it('restores the environment it changed', () => {
    // Arrange
    const env: NodeJS.ProcessEnv = { AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1' };

    // Act
    const restore = applyEnvironment({ AWS_PROFILE: undefined, AWS_REGION: 'us-east-1', AWS_NEW: 'x' }, env);
    const during = { ...env };
    restore();

    // Assert
    expect(during).toEqual({ AWS_REGION: 'us-east-1', AWS_NEW: 'x' });
    expect(env).toEqual({ AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-1' });
  });
});

describe('isAwsHost', () => {
  it.each([
    ['sqs.us-east-1.amazonaws.com', true],
    ['s3.cn-north-1.amazonaws.com.cn', true],
    ['lambda.eu-west-1.api.aws', true],
    ['169.254.169.254', true],
    ['127.0.0.1', false],
    ['localhost', false],
    ['example.com', false],
  ])('%s → %s', (host, aws) => {
    // Act + Assert
    expect(isAwsHost(host)).toBe(aws);
  });
});

describe('startLocalAws', () => {
  let local: LocalAws | undefined;
  afterEach(async () => {
    await local?.stop();
    local = undefined;
  });

  it('refuses services without an emulator with one clear, non-retried NoLocalEmulator error, whatever their protocol', async () => {
    // Arrange — no emulator at all: every service is refused.
    local = await startLocalAws({ region: 'us-east-1', credentials });

    // Act
    const errors = await Promise.all(
      [
        () => new DynamoDBClient({}).send(new ListTablesCommand({})), // AWS JSON
        () => new SNSClient({}).send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:1:t', Message: 'x' })), // query XML
        () => new S3Client({}).send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })), // REST XML
      ].map((send) =>
        send().then(
          () => undefined,
          (error: { name: string; message: string; $metadata?: { attempts?: number } }) => error,
        ),
      ),
    );

    // Assert
    for (const error of errors) {
      expect(error).toMatchObject({ name: 'NoLocalEmulator', $metadata: { attempts: 1 } });
      expect(error!.message).toMatch(/^no local emulator for AWS service '(dynamodb|sns|s3)'/);
    }
  });

  it('blocks a connection to AWS that ignores the endpoint variables (an SQS queue URL on amazonaws.com)', async () => {
    // Arrange
    local = await startLocalAws({ region: 'us-east-1', credentials });
    const sqs = new SQSClient({ maxAttempts: 1 });

    // Act
    const error = await sqs
      .send(
        new SendMessageCommand({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: 'x' }),
      )
      .then(
        () => undefined,
        (thrown: Error) => thrown,
      );

    // Assert
    expect(error).toMatchObject({ name: 'AwsConnectionBlockedError', host: 'sqs.us-east-1.amazonaws.com' });
  });

  it('restores process.env and removes the guard when stopped', async () => {
    // Arrange
    const before = { ...process.env };
    local = await startLocalAws({ region: 'us-east-1', credentials, variables: { LAKE_BUCKET: 'lake' } });
    const during = process.env.LAKE_BUCKET;

    // Act
    await local.stop();
    local = undefined;
    const unguard = guardAwsConnections();
    unguard();

    // Assert
    expect(during).toBe('lake');
    expect(process.env).toEqual(before);
  });
});
