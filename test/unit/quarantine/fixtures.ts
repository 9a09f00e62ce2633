import type { KinesisStreamRecord, DynamoDBRecord as LambdaDynamoDBRecord } from 'aws-lambda';
import type { QuarantineEntry } from '../../../src/runtime/processing/quarantine/quarantine-entry.js';

/** A Kinesis record in the shape Lambda delivers (AWS docs, "Using Lambda with Kinesis": sample event). */
export function kinesisLambdaRecord(
  sequenceNumber: string,
  partitionKey = '1',
  payload: unknown = { orderId: 'o-1' },
): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(JSON.stringify(payload)).toString('base64'),
      approximateArrivalTimestamp: 1545084650.987,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000006:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
    awsRegion: 'us-east-2',
    eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
  };
}

/** A DynamoDB Streams record in the shape Lambda delivers (AWS docs, "Using Lambda with DynamoDB": sample event). */
export function dynamodbLambdaRecord(sequenceNumber: string): LambdaDynamoDBRecord {
  return {
    eventID: 'c4ca4238a0b923820dcc509a6f75849b',
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1428537600,
      Keys: { Id: { N: '101' } },
      NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
      SequenceNumber: sequenceNumber,
      SizeBytes: 26,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN:
      'arn:aws:dynamodb:us-east-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
  };
}

/** Sequence number `n` of shard 6, zero-padded like Kinesis' 56-digit numbers so they sort as strings. */
export const seq = (n: number): string =>
  `4959033827149025660855969253836157109592157598913658${String(n).padStart(4, '0')}`;

/** A quarantine entry for a Kinesis record with a schema violation. */
export function kinesisEntry(n: number, overrides: Partial<QuarantineEntry> = {}): QuarantineEntry {
  const record = kinesisLambdaRecord(seq(n), `customer-${n % 3}`);
  return {
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
    sequenceNumber: record.kinesis.sequenceNumber,
    subSequenceNumber: undefined,
    partitionKey: record.kinesis.partitionKey,
    processor: 'order-facts',
    error: {
      name: 'SchemaValidationError',
      message: 'payload does not match the schema',
      issues: [{ code: 'invalid_type', expected: 'number', path: ['totalCents'], message: 'Invalid input' }],
    },
    record,
    ...overrides,
  };
}

/** `count` entries with consecutive sequence numbers. */
export const kinesisEntries = (count: number): QuarantineEntry[] =>
  Array.from({ length: count }, (_, i) => kinesisEntry(i));
