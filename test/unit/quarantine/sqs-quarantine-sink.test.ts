import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { QuarantineWriteError } from '../../../src/runtime/processing/quarantine/quarantine-write-error.js';
import { SqsQuarantineSink } from '../../../src/runtime/processing/quarantine/sqs-quarantine-sink.js';
import { kinesisEntries, kinesisEntry } from './fixtures.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/clicks-quarantine';
const NO_WAIT = { baseDelayMs: 0 } as const;

/** A SendMessageBatch response reporting every entry of the request as sent. */
function allSent(input: SendMessageBatchCommandInput) {
  return {
    Successful: (input.Entries ?? []).map((entry) => ({
      Id: entry.Id!,
      MessageId: `m-${entry.Id}`,
      MD5OfMessageBody: 'x',
    })),
    Failed: [],
  };
}

describe('SqsQuarantineSink (mocked: no SQS emulator here)', () => {
  const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const sqs = mockClient(client);

  afterEach(() => {
    sqs.reset();
  });

  it('sends 23 entries in 3 SendMessageBatch calls of at most 10, one message per entry', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).callsFake(allSent);
    const sink = new SqsQuarantineSink({ client, queueUrl: QUEUE_URL, retry: NO_WAIT });
    const entries = kinesisEntries(23);

    // Act
    await sink.write(entries);

    // Assert
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls.every((call) => call.args[0].input.QueueUrl === QUEUE_URL)).toBe(true);
    const bodies = calls
      .flatMap((call) => call.args[0].input.Entries ?? [])
      .map((entry) => JSON.parse(entry.MessageBody!));
    expect(bodies).toEqual(JSON.parse(JSON.stringify(entries)));
    expect(calls[0]?.args[0].input.Entries?.[0]).not.toHaveProperty('MessageGroupId');
  });

  it('retries only the entries SQS reports as Failed, then succeeds', async () => {
    // Arrange: the first call fails entries 1 and 3 with a server-side error
    sqs
      .on(SendMessageBatchCommand)
      .callsFakeOnce((input: SendMessageBatchCommandInput) => ({
        Successful: (input.Entries ?? [])
          .filter((entry) => entry.Id !== '1' && entry.Id !== '3')
          .map((entry) => ({ Id: entry.Id!, MessageId: 'm', MD5OfMessageBody: 'x' })),
        Failed: [
          { Id: '1', SenderFault: false, Code: 'InternalError', Message: 'try again' },
          { Id: '3', SenderFault: false, Code: 'InternalError', Message: 'try again' },
        ],
      }))
      .callsFake(allSent);
    const sink = new SqsQuarantineSink({ client, queueUrl: QUEUE_URL, retry: NO_WAIT });
    const entries = kinesisEntries(5);

    // Act
    await sink.write(entries);

    // Assert
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(2);
    const retried = (calls[1]?.args[0].input.Entries ?? []).map(
      (entry) => JSON.parse(entry.MessageBody!).sequenceNumber,
    );
    expect(retried).toEqual([entries[1]?.sequenceNumber, entries[3]?.sequenceNumber]);
  });

  it('gives up after maxAttempts and rejects with a QuarantineWriteError naming the unsent entries', async () => {
    // Arrange: entry 0 always fails, entry 1 always succeeds
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: (input.Entries ?? [])
        .filter((entry) => JSON.parse(entry.MessageBody!).sequenceNumber !== kinesisEntry(0).sequenceNumber)
        .map((entry) => ({ Id: entry.Id!, MessageId: 'm', MD5OfMessageBody: 'x' })),
      Failed: (input.Entries ?? [])
        .filter((entry) => JSON.parse(entry.MessageBody!).sequenceNumber === kinesisEntry(0).sequenceNumber)
        .map((entry) => ({ Id: entry.Id!, SenderFault: false, Code: 'ServiceUnavailable', Message: 'down' })),
    }));
    const sink = new SqsQuarantineSink({ client, queueUrl: QUEUE_URL, retry: { maxAttempts: 3, baseDelayMs: 0 } });

    // Act
    const error = await sink.write(kinesisEntries(2)).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    const writeError = error as QuarantineWriteError;
    expect(writeError.entries).toEqual([kinesisEntry(0)]);
    expect(writeError.failures[0]?.reason).toContain('ServiceUnavailable');
    expect(writeError.cause).toBeInstanceOf(Error);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });

  it('does not retry entries SQS rejects as the sender’s fault', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad characters' }],
    });
    const sink = new SqsQuarantineSink({ client, queueUrl: QUEUE_URL, retry: NO_WAIT });

    // Act
    const error = await sink.write([kinesisEntry(0)]).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect((error as QuarantineWriteError).failures[0]?.reason).toContain('InvalidMessageContents');
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('does not silently drop an entry over 256 KiB: the others are sent and the write rejects naming it', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).callsFake(allSent);
    const huge = kinesisEntry(1, { record: { blob: 'x'.repeat(300_000) } });
    const sink = new SqsQuarantineSink({ client, queueUrl: QUEUE_URL, retry: NO_WAIT });

    // Act
    const error = await sink.write([kinesisEntry(0), huge, kinesisEntry(2)]).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect((error as QuarantineWriteError).entries).toEqual([huge]);
    expect((error as QuarantineWriteError).failures[0]?.reason).toMatch(/over the 262144-byte SQS limit/);
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(sent.map((entry) => JSON.parse(entry.MessageBody!).sequenceNumber)).toEqual([
      kinesisEntry(0).sequenceNumber,
      kinesisEntry(2).sequenceNumber,
    ]);
  });

  it('keeps each SendMessageBatch under the total payload limit', async () => {
    // Arrange: ten ~100 KB messages cannot share one 256 KiB batch
    sqs.on(SendMessageBatchCommand).callsFake(allSent);
    const entries = Array.from({ length: 10 }, (_, i) => kinesisEntry(i, { record: { blob: 'y'.repeat(100_000) } }));
    const sink = new SqsQuarantineSink({ client, queueUrl: QUEUE_URL, retry: NO_WAIT });

    // Act
    await sink.write(entries);

    // Assert
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it('rejects with the SDK error as cause, listing every entry not yet sent, when a call throws', async () => {
    // Arrange: first batch goes through, second call throws
    const denied = Object.assign(new Error('not authorized to sqs:SendMessage'), { name: 'AccessDenied' });
    sqs.on(SendMessageBatchCommand).callsFakeOnce(allSent).rejects(denied);
    const sink = new SqsQuarantineSink({ client, queueUrl: QUEUE_URL, retry: NO_WAIT });
    const entries = kinesisEntries(25);

    // Act
    const error = await sink.write(entries).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect((error as QuarantineWriteError).cause).toBe(denied);
    expect((error as QuarantineWriteError).entries).toEqual(entries.slice(10));
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });

  it('sets MessageGroupId and a stable MessageDeduplicationId on FIFO queues', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).callsFake(allSent);
    const sink = new SqsQuarantineSink({ client, queueUrl: `${QUEUE_URL}.fifo`, retry: NO_WAIT });

    // Act
    await sink.write([kinesisEntry(0), kinesisEntry(1)]);
    await sink.write([kinesisEntry(0)]);

    // Assert
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((call) => call.args[0].input.Entries ?? []);
    expect(sent.map((entry) => entry.MessageGroupId)).toEqual([
      'clicks#shardId-000000000006',
      'clicks#shardId-000000000006',
      'clicks#shardId-000000000006',
    ]);
    expect(sent[0]?.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(sent[0]?.MessageDeduplicationId).not.toBe(sent[1]?.MessageDeduplicationId);
    expect(sent[2]?.MessageDeduplicationId).toBe(sent[0]?.MessageDeduplicationId);
  });

  it('escapes U+FFFE/U+FFFF, which SQS refuses in a body, so the JSON still round-trips', async () => {
    // Arrange
    sqs.on(SendMessageBatchCommand).callsFake(allSent);
    const entry = kinesisEntry(0, { error: { name: 'PermanentError', message: 'bad \uFFFF char \uFFFE' } });
    const sink = new SqsQuarantineSink({ client, queueUrl: QUEUE_URL, retry: NO_WAIT });

    // Act
    await sink.write([entry]);

    // Assert
    const body = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[0]?.MessageBody ?? '';
    expect(body).not.toMatch(/[\uFFFE\uFFFF]/);
    expect(JSON.parse(body).error.message).toBe('bad \uFFFF char \uFFFE');
  });
});
