import type {
  DynamoDBRecord,
  KinesisRecord,
  StreamRecord,
  UndecodableRecord,
} from '../../../src/runtime/records/stream-record.js';
import { dynamodbLambdaRecord, kinesisLambdaRecord, seq } from './fixtures.js';
import { InvalidBase64Fixture } from './undecodable-error.js';

/**
 * Decoded records built by hand against the contract in src/runtime/records/stream-record.ts, so these tests
 * depend only on that contract, not on the decoder's implementation.
 */
export function kinesisStreamRecord(n: number, extra: Partial<KinesisRecord> = {}): KinesisRecord {
  const raw = kinesisLambdaRecord(seq(n), `customer-${n}`);
  const data = Buffer.from(raw.kinesis.data, 'base64');
  return {
    source: 'kinesis',
    eventName: 'aws:kinesis:record',
    index: n,
    eventID: raw.eventID,
    eventSourceARN: raw.eventSourceARN,
    awsRegion: raw.awsRegion,
    shardId: 'shardId-000000000006',
    sequenceNumber: raw.kinesis.sequenceNumber,
    partitionKey: raw.kinesis.partitionKey,
    approximateArrivalMs: raw.kinesis.approximateArrivalTimestamp * 1000,
    sizeBytes: data.byteLength,
    streamName: 'lambda-stream',
    subSequenceNumber: undefined,
    explicitHashKey: undefined,
    data,
    raw,
    text: () => data.toString('utf8'),
    json: () => JSON.parse(data.toString('utf8')),
    ...extra,
  };
}

export function dynamodbStreamRecord(): DynamoDBRecord {
  const raw = dynamodbLambdaRecord('111');
  return {
    source: 'dynamodb',
    eventName: 'INSERT',
    index: 0,
    eventID: raw.eventID!,
    eventSourceARN: raw.eventSourceARN!,
    awsRegion: raw.awsRegion!,
    shardId: undefined,
    sequenceNumber: '111',
    partitionKey: '{"Id":101}',
    approximateArrivalMs: 1428537600000,
    sizeBytes: 26,
    tableName: 'ExampleTableWithStream',
    keys: { Id: 101 },
    newImage: { Id: 101, Message: 'New item!' },
    oldImage: undefined,
    rawKeys: raw.dynamodb!.Keys!,
    streamViewType: 'NEW_AND_OLD_IMAGES',
    isTtlDelete: false,
    raw,
  };
}

export function undecodableKinesisRecord(): UndecodableRecord {
  const raw = kinesisLambdaRecord(seq(9), 'customer-9');
  return {
    source: 'kinesis',
    index: 9,
    eventID: raw.eventID,
    eventSourceARN: raw.eventSourceARN,
    shardId: 'shardId-000000000006',
    sequenceNumber: raw.kinesis.sequenceNumber,
    partitionKey: raw.kinesis.partitionKey,
    raw: { ...raw, kinesis: { ...raw.kinesis, data: '!!not base64!!' } },
    error: new InvalidBase64Fixture('record data is not valid base64'),
  };
}

export type { StreamRecord };
