import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  KinesisQuarantineSink,
  quarantinePartitionKey,
} from '../../../src/runtime/processing/quarantine/kinesis-quarantine-sink.js';
import { QuarantineWriteError } from '../../../src/runtime/processing/quarantine/quarantine-write-error.js';
import { kinesisEntries, kinesisEntry } from './fixtures.js';

const NO_WAIT = { baseDelayMs: 0 } as const;

/** A PutRecords response accepting every record of the request. */
function allPut(input: PutRecordsCommandInput) {
  return {
    FailedRecordCount: 0,
    Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })),
  };
}

const decode = (data: Uint8Array | undefined) => JSON.parse(Buffer.from(data ?? new Uint8Array()).toString('utf8'));

// Mocked in unit tests; a kinesalite-backed integration test comes with the local ESM.
describe('KinesisQuarantineSink (mocked client; kinesalite integration comes later)', () => {
  const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const kinesis = mockClient(client);

  afterEach(() => {
    kinesis.reset();
  });

  it('puts at most 500 records per PutRecords call, data = entry JSON, keyed by the record’s partition key', async () => {
    // Arrange
    kinesis.on(PutRecordsCommand).callsFake(allPut);
    const sink = new KinesisQuarantineSink({ client, streamName: 'clicks-quarantine', retry: NO_WAIT });
    const entries = kinesisEntries(501);

    // Act
    await sink.write(entries);

    // Assert
    const calls = kinesis.commandCalls(PutRecordsCommand);
    expect(calls.map((call) => call.args[0].input.Records?.length)).toEqual([500, 1]);
    expect(calls[0]?.args[0].input.StreamName).toBe('clicks-quarantine');
    const first = calls[0]?.args[0].input.Records?.[0];
    expect(first?.PartitionKey).toBe(entries[0]?.partitionKey);
    expect(decode(first?.Data)).toEqual(JSON.parse(JSON.stringify(entries[0])));
  });

  it('falls back to the sequence number as partition key and hashes keys over 256 characters', () => {
    // Arrange
    const noKey = kinesisEntry(1, { partitionKey: undefined });
    const longKey = kinesisEntry(2, { partitionKey: 'k'.repeat(300) });

    // Act
    const keys = [quarantinePartitionKey(noKey), quarantinePartitionKey(longKey)];

    // Assert
    expect(keys[0]).toBe(noKey.sequenceNumber);
    expect(keys[1]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('retries the records PutRecords reports with an ErrorCode, then succeeds', async () => {
    // Arrange: record 1 is throttled on the first call
    kinesis
      .on(PutRecordsCommand)
      .callsFakeOnce((input: PutRecordsCommandInput) => ({
        FailedRecordCount: 1,
        Records: (input.Records ?? []).map((_, i) =>
          i === 1
            ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' }
            : { SequenceNumber: String(i), ShardId: 'shardId-000000000000' },
        ),
      }))
      .callsFake(allPut);
    const sink = new KinesisQuarantineSink({ client, streamName: 'clicks-quarantine', retry: NO_WAIT });
    const entries = kinesisEntries(3);

    // Act
    await sink.write(entries);

    // Assert
    const calls = kinesis.commandCalls(PutRecordsCommand);
    expect(calls).toHaveLength(2);
    expect((calls[1]?.args[0].input.Records ?? []).map((record) => decode(record.Data).sequenceNumber)).toEqual([
      entries[1]?.sequenceNumber,
    ]);
  });

  it('rejects with a QuarantineWriteError once a record keeps failing', async () => {
    // Arrange
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: input.Records?.length ?? 0,
      Records: (input.Records ?? []).map(() => ({ ErrorCode: 'InternalFailure', ErrorMessage: 'internal' })),
    }));
    const sink = new KinesisQuarantineSink({
      client,
      streamName: 'clicks-quarantine',
      retry: { maxAttempts: 2, baseDelayMs: 0 },
    });
    const entries = kinesisEntries(2);

    // Act
    const error = await sink.write(entries).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect((error as QuarantineWriteError).entries).toEqual(entries);
    expect((error as QuarantineWriteError).failures[0]?.reason).toContain('InternalFailure');
    expect(kinesis.commandCalls(PutRecordsCommand)).toHaveLength(2);
  });

  it('rejects an entry over the 1 MiB record limit without sending it, and sends the rest', async () => {
    // Arrange
    kinesis.on(PutRecordsCommand).callsFake(allPut);
    const huge = kinesisEntry(1, { record: { blob: 'z'.repeat(1_100_000) } });
    const sink = new KinesisQuarantineSink({ client, streamName: 'clicks-quarantine', retry: NO_WAIT });

    // Act
    const error = await sink.write([kinesisEntry(0), huge]).catch((caught: unknown) => caught);

    // Assert
    expect((error as QuarantineWriteError).entries).toEqual([huge]);
    expect(kinesis.commandCalls(PutRecordsCommand).flatMap((call) => call.args[0].input.Records ?? [])).toHaveLength(1);
  });

  it('keeps each PutRecords request under 5 MiB', async () => {
    // Arrange: six ~900 KB records
    kinesis.on(PutRecordsCommand).callsFake(allPut);
    const entries = Array.from({ length: 6 }, (_, i) => kinesisEntry(i, { record: { blob: 'w'.repeat(900_000) } }));
    const sink = new KinesisQuarantineSink({ client, streamName: 'clicks-quarantine', retry: NO_WAIT });

    // Act
    await sink.write(entries);

    // Assert
    expect(kinesis.commandCalls(PutRecordsCommand).map((call) => call.args[0].input.Records?.length)).toEqual([5, 1]);
  });
});
