import type { KinesisStreamRecord, DynamoDBRecord as LambdaDynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  InvalidIdempotencyKeyError,
  namespacedKey,
  recordIdentityKey,
} from '../../../src/runtime/processing/idempotency/index.js';
import type { DynamoDBRecord, KinesisRecord } from '../../../src/runtime/records/stream-record.js';
import { AWS_SAMPLE_DYNAMODB_EVENT, AWS_SAMPLE_KINESIS_EVENT } from '../../factories/index.js';

/** The decoded form of AWS's sample Kinesis record (what the records module produces), built by hand. */
function kinesisRecord(raw: KinesisStreamRecord, subSequenceNumber?: number): KinesisRecord {
  const data = Buffer.from(raw.kinesis.data, 'base64');
  return {
    source: 'kinesis',
    eventName: 'aws:kinesis:record',
    index: 0,
    eventID: raw.eventID,
    eventSourceARN: raw.eventSourceARN,
    awsRegion: raw.awsRegion,
    shardId: raw.eventID.split(':')[0],
    sequenceNumber: raw.kinesis.sequenceNumber,
    partitionKey: raw.kinesis.partitionKey,
    approximateArrivalMs: raw.kinesis.approximateArrivalTimestamp * 1000,
    sizeBytes: data.length,
    streamName: raw.eventSourceARN.split('/')[1]!,
    subSequenceNumber,
    explicitHashKey: undefined,
    data,
    raw,
    text: () => data.toString('utf8'),
    json: () => JSON.parse(data.toString('utf8')),
  };
}

/** The decoded form of AWS's sample DynamoDB Streams record, built by hand. */
function dynamodbRecord(raw: LambdaDynamoDBRecord): DynamoDBRecord {
  return {
    source: 'dynamodb',
    eventName: 'INSERT',
    index: 0,
    eventID: raw.eventID!,
    eventSourceARN: raw.eventSourceARN!,
    awsRegion: raw.awsRegion!,
    shardId: undefined,
    sequenceNumber: raw.dynamodb!.SequenceNumber!,
    partitionKey: '{"Id":101}',
    approximateArrivalMs: raw.dynamodb!.ApproximateCreationDateTime! * 1000,
    sizeBytes: raw.dynamodb!.SizeBytes!,
    tableName: raw.eventSourceARN!.split('/')[1]!,
    keys: { Id: 101 },
    newImage: { Message: 'New item!', Id: 101 },
    oldImage: undefined,
    rawKeys: raw.dynamodb!.Keys!,
    streamViewType: raw.dynamodb!.StreamViewType,
    isTtlDelete: false,
    raw,
  };
}

describe('recordIdentityKey', () => {
  it('names a Kinesis record by stream, shard and sequence number', () => {
    // Arrange
    const record = kinesisRecord(AWS_SAMPLE_KINESIS_EVENT.Records[0]!);

    // Act
    const key = recordIdentityKey(record);

    // Assert
    expect(key).toBe(
      'kinesis:lambda-stream:shardId-000000000006:49590338271490256608559692538361571095921575989136588898',
    );
  });

  it('tells the user records of one KPL aggregate apart by sub-sequence number', () => {
    // Arrange
    const raw = AWS_SAMPLE_KINESIS_EVENT.Records[0]!;

    // Act
    const keys = [0, 1, 2].map((sub) => recordIdentityKey(kinesisRecord(raw, sub)));

    // Assert
    expect(new Set(keys).size).toBe(3);
    expect(keys[2]).toBe(
      'kinesis:lambda-stream:shardId-000000000006:49590338271490256608559692538361571095921575989136588898:2',
    );
  });

  it('names a DynamoDB Streams record by table and eventID', () => {
    // Arrange
    const record = dynamodbRecord(AWS_SAMPLE_DYNAMODB_EVENT.Records[0]!);

    // Act
    const key = recordIdentityKey(record);

    // Assert
    expect(key).toBe('dynamodb:ExampleTableWithStream:c4ca4238a0b923820dcc509a6f75849b');
  });
});

describe('namespacedKey', () => {
  it('scopes a key to its processor', () => {
    // Arrange
    const key = 'dynamodb:orders:c4ca4238a0b923820dcc509a6f75849b';

    // Act
    const scoped = namespacedKey('order-facts', key);

    // Assert
    expect(scoped).toBe('order-facts#dynamodb:orders:c4ca4238a0b923820dcc509a6f75849b');
  });

  it('cannot be made ambiguous by a processor name containing the separator', () => {
    // Arrange
    const pairs: Array<[string, string]> = [
      ['a#b', 'c'],
      ['a', 'b#c'],
    ];

    // Act
    const [first, second] = pairs.map(([processor, key]) => namespacedKey(processor, key));

    // Assert
    expect(first).not.toBe(second);
  });

  it('rejects an empty key (a custom key function bug) as a permanent error', () => {
    // Arrange
    const emptyKey = () => namespacedKey('order-facts', '');
    const emptyProcessor = () => namespacedKey('', 'k');

    // Act / Assert
    expect(emptyKey).toThrow(InvalidIdempotencyKeyError);
    expect(emptyProcessor).toThrow(InvalidIdempotencyKeyError);
  });
});
