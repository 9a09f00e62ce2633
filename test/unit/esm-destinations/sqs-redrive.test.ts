import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { OnFailureReadError } from '../../../src/local/esm/destinations/errors.js';
import { buildOnFailureRecord } from '../../../src/local/esm/destinations/on-failure-record.js';
import { withoutPayload } from '../../../src/local/esm/destinations/record-json.js';
import type { RedriveAttempt } from '../../../src/local/esm/destinations/redrive-state.js';
import { SqsOnFailureDestination } from '../../../src/local/esm/destinations/sqs-destination.js';
import { FUNCTION_ARN, KINESIS_SHARD, KINESIS_STREAM_ARN, kinesisRecord, REQUEST_ID } from './fixtures.js';

// There is no SQS emulator here: the client is mocked (locally, `shardflow dev` keeps SQS on-failure
// records in a directory instead).
const QUEUE_URL = 'https://sqs.us-east-2.amazonaws.com/123456789012/clicks-dlq';

function body(sequenceNumber: string): string {
  const records = [kinesisRecord(sequenceNumber, 1_704_067_200_000)];
  const record = buildOnFailureRecord({
    source: 'kinesis',
    condition: 'RetryAttemptsExhausted',
    functionError: 'Unhandled',
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 1,
    shardId: KINESIS_SHARD,
    streamArn: KINESIS_STREAM_ARN,
    records,
    now: new Date('2024-01-01T00:01:00.000Z'),
  });
  return JSON.stringify(withoutPayload(record));
}

function attempt(status: RedriveAttempt['status']): RedriveAttempt {
  return {
    at: '2024-01-02T00:00:00.000Z',
    by: 'alice@laptop',
    command: 'shardflow destinations redrive clicks --all --mode invoke',
    mode: 'invoke',
    status,
    described: 1,
    missing: 0,
    counts: {},
    records: [],
  };
}

describe('SqsOnFailureDestination as a dead-letter queue to redrive (mocked SQS)', () => {
  const client = new SQSClient({ region: 'us-east-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const sqs = mockClient(client);

  afterEach(() => {
    sqs.reset();
  });

  it('receives every message as a stored record keyed by its message id, hidden while it is redriven', async () => {
    // Arrange
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { MessageId: 'm-2', ReceiptHandle: 'r-2', Body: body('200') },
          { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: body('100') },
        ],
      })
      .resolves({ Messages: [] });
    const destination = new SqsOnFailureDestination({ client, queueUrl: QUEUE_URL, visibilityTimeoutSeconds: 60 });

    // Act
    const stored = await destination.listStored();

    // Assert
    expect(stored.map((entry) => [entry.key, entry.record.KinesisBatchInfo?.startSequenceNumber])).toEqual([
      ['m-1', '100'],
      ['m-2', '200'],
    ]);
    expect(stored.every((entry) => entry.redrive === undefined)).toBe(true);
    const receives = sqs.commandCalls(ReceiveMessageCommand);
    expect(receives).toHaveLength(2);
    expect(receives[0]?.args[0].input).toMatchObject({ QueueUrl: QUEUE_URL, VisibilityTimeout: 60 });
  });

  it('deletes the message of a successful redrive and gives back the one of a failed redrive at once', async () => {
    // Arrange
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: body('100') },
          { MessageId: 'm-2', ReceiptHandle: 'r-2', Body: body('200') },
          { MessageId: 'm-3', ReceiptHandle: 'r-3', Body: body('300') },
        ],
      })
      .resolves({ Messages: [] });
    sqs.on(DeleteMessageCommand).resolves({});
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const destination = new SqsOnFailureDestination({ client, queueUrl: QUEUE_URL });
    const [first, second] = await destination.listStored();

    // Act
    const redriven = await destination.recordRedrive(first!, attempt('redriven'));
    const failed = await destination.recordRedrive(second!, attempt('failed'));
    await destination.release();

    // Assert
    expect(redriven).toEqual({ state: undefined, where: `deleted from ${QUEUE_URL}` });
    expect(failed).toEqual({ state: undefined, where: `returned to ${QUEUE_URL}` });
    expect(sqs.commandCalls(DeleteMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-1' },
    ]);
    // The failed one, then the one never redriven (m-3) when released.
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-2', VisibilityTimeout: 0 },
      { QueueUrl: QUEUE_URL, ReceiptHandle: 'r-3', VisibilityTimeout: 0 },
    ]);
  });

  it('names a message that is not an on-failure record, and gives back what it received', async () => {
    // Arrange
    sqs.on(ReceiveMessageCommand).resolvesOnce({
      Messages: [
        { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: body('100') },
        { MessageId: 'm-x', ReceiptHandle: 'r-x', Body: 'hello' },
      ],
    });
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const destination = new SqsOnFailureDestination({ client, queueUrl: QUEUE_URL });

    // Act
    const listing = destination.listStored();

    // Assert
    await expect(listing).rejects.toThrow(OnFailureReadError);
    await expect(listing).rejects.toThrow(`${QUEUE_URL} message m-x: the body is not JSON`);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(2);
  });
});
