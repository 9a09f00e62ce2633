import type {
  DynamoDBStreamRecord,
  KinesisStreamRecord,
  AttributeValue as LambdaAttributeValue,
} from '../../runtime/records/lambda-events.js';
import { jsonBytes, jsonStringBytes } from './json-bytes.js';

/** A marshalled attribute value, from `@aws-sdk/util-dynamodb` or from the Streams API. */
type AttributeValue = LambdaAttributeValue | object;

/** What is needed to build one Kinesis record of a Lambda event. */
export interface KinesisRecordInput {
  readonly streamArn: string;
  readonly region: string;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** Epoch milliseconds (the API's `ApproximateArrivalTimestamp`). */
  readonly approximateArrivalMs: number;
  readonly invokeIdentityArn?: string | undefined;
}

/**
 * One record of a Kinesis Lambda event, in exactly the shape Lambda sends: base64 `data`, float-second
 * `approximateArrivalTimestamp`, `eventID` = `shardId:sequenceNumber`.
 *
 * @example
 * ```ts
 * kinesisLambdaRecord({ streamArn, region: 'us-east-1', shardId: 'shardId-000000000000', sequenceNumber: '4959…',
 *   partitionKey: 'user-1', data: Buffer.from('{}'), approximateArrivalMs: Date.now() });
 * ```
 */
export function kinesisLambdaRecord(input: KinesisRecordInput): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: input.partitionKey,
      sequenceNumber: input.sequenceNumber,
      data: Buffer.from(input.data.buffer, input.data.byteOffset, input.data.byteLength).toString('base64'),
      approximateArrivalTimestamp: input.approximateArrivalMs / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${input.shardId}:${input.sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: input.invokeIdentityArn ?? 'arn:aws:iam::000000000000:role/shardflow-local',
    awsRegion: input.region,
    eventSourceARN: input.streamArn,
  };
}

/** The inputs of a Kinesis Lambda record that are the same for every record of a stream (and function). */
export type KinesisStreamInput = Pick<KinesisRecordInput, 'streamArn' | 'region' | 'invokeIdentityArn'>;

/**
 * Measures the Kinesis Lambda records of one stream before building them: `size(input)` is the UTF-8
 * length of `JSON.stringify(kinesisLambdaRecord({ ...fixed, ...input }))`, counted from the fields that
 * vary (shard id, partition key, sequence number, arrival time, and the data, whose base64 is written
 * verbatim) without building or writing the record.
 *
 * @example
 * ```ts
 * const size = kinesisLambdaRecordSizer({ streamArn, region: 'us-east-1' });
 * size(input) === Buffer.byteLength(JSON.stringify(kinesisLambdaRecord({ streamArn, region: 'us-east-1', ...input }))); // true
 * ```
 */
export function kinesisLambdaRecordSizer(
  fixed: KinesisStreamInput,
): (input: Omit<KinesisRecordInput, keyof KinesisStreamInput>) => number {
  // The record with every varying field at its shortest: '' strings (so eventID ':'), no data, arrival time 0.
  const base = jsonBytes(
    kinesisLambdaRecord({
      ...fixed,
      shardId: '',
      sequenceNumber: '',
      partitionKey: '',
      data: new Uint8Array(),
      approximateArrivalMs: 0,
    }),
  );
  // JSON escapes character by character, so `shardId:sequenceNumber` costs the two strings' escapes plus ':'.
  return (input) => {
    const seconds = input.approximateArrivalMs / 1000;
    return (
      base +
      (jsonStringBytes(input.partitionKey) - 2) +
      2 * (jsonStringBytes(input.sequenceNumber) - 2) +
      (jsonStringBytes(input.shardId) - 2) +
      // JSON writes a finite number as String() does, anything else as null.
      ((Number.isFinite(seconds) ? String(seconds).length : 4) - 1) +
      4 * Math.ceil(input.data.byteLength / 3)
    );
  };
}

/** What is needed to build one DynamoDB Streams record of a Lambda event. */
export interface DynamoDBRecordInput {
  readonly streamArn: string;
  readonly region: string;
  readonly eventID: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly sequenceNumber: string;
  readonly keys: Record<string, AttributeValue>;
  readonly newImage?: Record<string, AttributeValue>;
  readonly oldImage?: Record<string, AttributeValue>;
  readonly sizeBytes: number;
  readonly streamViewType: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  /** Epoch milliseconds; Lambda sends whole epoch seconds. */
  readonly approximateCreationMs: number;
  /** Set for TTL deletes: `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`. */
  readonly userIdentity?: { type: string; principalId: string };
}

/**
 * One record of a DynamoDB Streams Lambda event, in exactly the shape Lambda sends (`eventVersion`
 * "1.1", epoch-second `ApproximateCreationDateTime`, marshalled images).
 *
 * @example
 * ```ts
 * dynamodbLambdaRecord({ streamArn, region: 'us-east-1', eventID: 'c4ca4238…', eventName: 'INSERT',
 *   sequenceNumber: '111100000000000000000001', keys: { orderId: { S: 'o-1' } }, sizeBytes: 26,
 *   streamViewType: 'NEW_AND_OLD_IMAGES', approximateCreationMs: Date.now() });
 * ```
 */
export function dynamodbLambdaRecord(input: DynamoDBRecordInput): DynamoDBStreamRecord {
  // Key order as Lambda and the Streams API write it: images right after Keys.
  const dynamodb: NonNullable<DynamoDBStreamRecord['dynamodb']> = {
    ApproximateCreationDateTime: Math.floor(input.approximateCreationMs / 1000),
    Keys: input.keys as Record<string, LambdaAttributeValue>,
    ...(input.newImage !== undefined ? { NewImage: input.newImage as Record<string, LambdaAttributeValue> } : {}),
    ...(input.oldImage !== undefined ? { OldImage: input.oldImage as Record<string, LambdaAttributeValue> } : {}),
    SequenceNumber: input.sequenceNumber,
    SizeBytes: input.sizeBytes,
    StreamViewType: input.streamViewType,
  };
  const record: DynamoDBStreamRecord = {
    eventID: input.eventID,
    eventName: input.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: input.region,
    dynamodb,
    eventSourceARN: input.streamArn,
  };
  if (input.userIdentity !== undefined) record.userIdentity = input.userIdentity;
  return record;
}
