import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { OnFailureDeliveryError } from '../../../src/local/esm/destinations/errors.js';
import { buildOnFailureRecord } from '../../../src/local/esm/destinations/on-failure-record.js';
import { SnsOnFailureDestination } from '../../../src/local/esm/destinations/sns-destination.js';
import { SqsOnFailureDestination } from '../../../src/local/esm/destinations/sqs-destination.js';
import type { OnFailureDelivery } from '../../../src/local/esm/ports.js';
import { ConfigError, TransientError } from '../../../src/runtime/errors.js';
import { DYNAMODB_SHARD, DYNAMODB_STREAM_ARN, dynamodbRecord, ESM_UUID, FUNCTION_ARN, REQUEST_ID } from './fixtures.js';

const QUEUE_URL = 'https://sqs.us-east-2.amazonaws.com/123456789012/orders-dlq';
const TOPIC_ARN = 'arn:aws:sns:us-east-2:123456789012:orders-failures';
const credentials = { accessKeyId: 'x', secretAccessKey: 'x' };

function delivery(): OnFailureDelivery {
  const records = [dynamodbRecord('111100000000000000000001', 1_704_067_200_000)];
  const record = buildOnFailureRecord({
    source: 'dynamodb',
    condition: 'RetryAttemptsExhausted',
    functionError: 'Unhandled',
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 4,
    shardId: DYNAMODB_SHARD,
    streamArn: DYNAMODB_STREAM_ARN,
    records,
    now: new Date('2024-01-01T00:02:00.000Z'),
  });
  return { record, records, shardId: DYNAMODB_SHARD, esmUuid: ESM_UUID };
}

describe('SqsOnFailureDestination (mocked: no SQS/SNS emulator here)', () => {
  const client = new SQSClient({ region: 'us-east-2', credentials });
  const sqs = mockClient(client);

  afterEach(() => {
    sqs.reset();
  });

  it('sends one message whose body is the on-failure record without payload', async () => {
    // Arrange
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const destination = new SqsOnFailureDestination({ client, queueUrl: QUEUE_URL });
    const input = delivery();

    // Act
    await destination.send(input);

    // Assert
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.QueueUrl).toBe(QUEUE_URL);
    const body = calls[0]?.args[0].input.MessageBody ?? '';
    expect(body).toBe(JSON.stringify(input.record));
    expect(JSON.parse(body)).not.toHaveProperty('payload');
    expect(JSON.parse(body).DDBStreamBatchInfo.startSequenceNumber).toBe('111100000000000000000001');
  });

  it('turns a failed SendMessage into a transient OnFailureDeliveryError carrying the cause', async () => {
    // Arrange
    const cause = Object.assign(new Error('queue does not exist'), { name: 'QueueDoesNotExist' });
    sqs.on(SendMessageCommand).rejects(cause);
    const destination = new SqsOnFailureDestination({ client, queueUrl: QUEUE_URL });

    // Act
    const sent = destination.send(delivery());

    // Assert
    const error = await sent.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OnFailureDeliveryError);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({
      name: 'OnFailureDeliveryError',
      destinationKind: 'sqs',
      target: QUEUE_URL,
      shardId: DYNAMODB_SHARD,
    });
    expect((error as Error).cause).toBe(cause);
  });

  it('refuses a FIFO queue, which stream mappings cannot use', () => {
    // Arrange
    const queueUrl = `${QUEUE_URL}.fifo`;

    // Act
    const create = () => new SqsOnFailureDestination({ client, queueUrl });

    // Assert
    expect(create).toThrow(ConfigError);
  });
});

describe('SnsOnFailureDestination (mocked: no SQS/SNS emulator here)', () => {
  const client = new SNSClient({ region: 'us-east-2', credentials });
  const sns = mockClient(client);

  afterEach(() => {
    sns.reset();
  });

  it('publishes one message that is the on-failure record without payload', async () => {
    // Arrange
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const destination = new SnsOnFailureDestination({ client, topicArn: TOPIC_ARN });
    const input = delivery();

    // Act
    await destination.send(input);

    // Assert
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.TopicArn).toBe(TOPIC_ARN);
    expect(calls[0]?.args[0].input.Message).toBe(JSON.stringify(input.record));
    expect(JSON.parse(calls[0]?.args[0].input.Message ?? '{}')).not.toHaveProperty('payload');
  });

  it('turns a failed Publish into OnFailureDeliveryError', async () => {
    // Arrange
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    const destination = new SnsOnFailureDestination({ client, topicArn: TOPIC_ARN });

    // Act
    const sent = destination.send(delivery());

    // Assert
    await expect(sent).rejects.toThrow(OnFailureDeliveryError);
    await expect(sent).rejects.toThrow(/sns on-failure destination could not store .* Rate exceeded/);
  });

  it.each(['orders-failures', `${TOPIC_ARN}.fifo`])('refuses %j as topic', (topicArn) => {
    // Arrange: the topic above

    // Act
    const create = () => new SnsOnFailureDestination({ client, topicArn });

    // Assert
    expect(create).toThrow(ConfigError);
  });
});
