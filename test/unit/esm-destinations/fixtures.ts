import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { dynamodbLambdaRecord, kinesisLambdaRecord } from '../../../src/local/esm/lambda-event.js';

/** Stream and function of AWS's documented Kinesis on-failure sample. */
export const KINESIS_STREAM_ARN = 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream';
/** Stream of AWS's documented DynamoDB on-failure sample. */
export const DYNAMODB_STREAM_ARN =
  'arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388';
export const FUNCTION_ARN = 'arn:aws:lambda:us-east-2:123456789012:function:myfunction';
export const REQUEST_ID = 'c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5';
export const KINESIS_SHARD = 'shardId-000000000001';
export const DYNAMODB_SHARD = 'shardId-00000001573689847184-864758bb';
export const ESM_UUID = '14e0db71-5d35-4eb5-b481-8945cf9d10c2';

/** A Kinesis record as the local ESM delivers it (base64 data, float-second arrival). */
export function kinesisRecord(sequenceNumber: string, arrivalMs: number, data = '{"clicks":1}'): KinesisStreamRecord {
  return kinesisLambdaRecord({
    streamArn: KINESIS_STREAM_ARN,
    region: 'us-east-2',
    shardId: KINESIS_SHARD,
    sequenceNumber,
    partitionKey: 'user-1',
    data: Buffer.from(data),
    approximateArrivalMs: arrivalMs,
  });
}

/** A DynamoDB Streams INSERT record as the local ESM delivers it (epoch-second creation time). */
export function dynamodbRecord(sequenceNumber: string, creationMs: number): DynamoDBRecord {
  return dynamodbLambdaRecord({
    streamArn: DYNAMODB_STREAM_ARN,
    region: 'us-east-2',
    eventID: `event-${sequenceNumber}`,
    eventName: 'INSERT',
    sequenceNumber,
    keys: { orderId: { S: `o-${sequenceNumber}` } },
    newImage: { orderId: { S: `o-${sequenceNumber}` }, status: { S: 'NEW' } },
    sizeBytes: 42,
    streamViewType: 'NEW_AND_OLD_IMAGES',
    approximateCreationMs: creationMs,
  });
}
