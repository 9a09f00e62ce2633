import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PermanentError } from '../../../src/runtime/errors.js';
import { describeError, toQuarantineEntry } from '../../../src/runtime/processing/quarantine/to-quarantine-entry.js';
import { dynamodbStreamRecord, kinesisStreamRecord, undecodableKinesisRecord } from './stream-records.js';

const context = {
  service: 'shop-analytics',
  stream: 'clicks',
  functionName: 'shop-analytics-dev-clicks',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
};
const now = new Date('2024-05-01T12:34:56.789Z');

describe('toQuarantineEntry', () => {
  it('describes a Kinesis record: identity, reason, processor and the raw record as delivered', () => {
    // Arrange
    const record = kinesisStreamRecord(1);

    // Act
    const entry = toQuarantineEntry({
      record,
      error: new PermanentError('no customer'),
      processor: 'order-facts',
      context,
      now,
    });

    // Assert
    expect(entry).toEqual({
      version: '1',
      service: 'shop-analytics',
      stream: 'clicks',
      functionName: 'shop-analytics-dev-clicks',
      awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      quarantinedAt: '2024-05-01T12:34:56.789Z',
      source: 'kinesis',
      eventID: record.eventID,
      eventSourceARN: record.eventSourceARN,
      shardId: 'shardId-000000000006',
      sequenceNumber: record.sequenceNumber,
      subSequenceNumber: undefined,
      partitionKey: 'customer-1',
      processor: 'order-facts',
      error: { name: 'PermanentError', message: 'no customer' },
      record: record.raw,
    });
    expect(entry).not.toHaveProperty('userRecord');
  });

  it('adds the KPL user record (data base64, explicit hash key) for a de-aggregated record', () => {
    // Arrange
    const userData = Buffer.from('{"click":3}');
    const record = kinesisStreamRecord(2, {
      subSequenceNumber: 3,
      partitionKey: 'user-key',
      explicitHashKey: '340282366920938463463374607431768211455',
      data: userData,
    });

    // Act
    const entry = toQuarantineEntry({ record, error: new PermanentError('bad click'), context, now });

    // Assert
    expect(entry.subSequenceNumber).toBe(3);
    expect(entry.userRecord).toEqual({
      partitionKey: 'user-key',
      explicitHashKey: '340282366920938463463374607431768211455',
      data: userData.toString('base64'),
    });
    expect(entry.record).toBe(record.raw);
  });

  it('describes a DynamoDB record without a shard id or sub-sequence number', () => {
    // Arrange
    const record = dynamodbStreamRecord();

    // Act
    const entry = toQuarantineEntry({
      record,
      error: new PermanentError('bad order'),
      context: { ...context, stream: 'orders' },
      now,
    });

    // Assert
    expect(entry).toMatchObject({ source: 'dynamodb', stream: 'orders', sequenceNumber: '111', shardId: undefined });
    expect(entry.subSequenceNumber).toBeUndefined();
    expect(entry.record).toEqual(record.raw);
  });

  it('uses an undecodable record’s own decode error when no error is given', () => {
    // Arrange
    const record = undecodableKinesisRecord();

    // Act
    const entry = toQuarantineEntry({ record, context, now });

    // Assert
    expect(entry.error).toEqual({ name: 'InvalidBase64Fixture', message: 'record data is not valid base64' });
    expect((entry.record as { kinesis: { data: string } }).kinesis.data).toBe('!!not base64!!');
    expect(entry.processor).toBeUndefined();
  });

  it('keeps zod issues of a schema violation, also when the ZodError is the cause', () => {
    // Arrange
    const result = z.object({ totalCents: z.number().int() }).safeParse({ totalCents: 'ten' });
    if (result.success) throw new Error('expected a schema violation');
    const wrapped = new PermanentError('payload does not match the schema', { cause: result.error });

    // Act
    const direct = describeError(result.error);
    const viaCause = describeError(wrapped);

    // Assert
    expect(direct.name).toBe('ZodError');
    expect(direct.issues).toEqual(result.error.issues);
    expect(viaCause).toEqual({
      name: 'PermanentError',
      message: 'payload does not match the schema',
      issues: result.error.issues,
    });
  });

  it('describes non-Error throwables', () => {
    // Arrange
    const thrown = ['a string', 42];

    // Act
    const described = thrown.map(describeError);

    // Assert
    expect(described).toEqual([
      { name: 'Error', message: 'a string' },
      { name: 'Error', message: '42' },
    ]);
  });
});
