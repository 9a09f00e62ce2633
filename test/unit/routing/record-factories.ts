/**
 * Small local factories for decoded stream records, honouring the `StreamRecord` contract in
 * src/runtime/records/stream-record.ts. The routing tests build records here instead of importing the decoder
 * (in src/runtime/records). Shapes follow AWS's documented Lambda events.
 */
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, KinesisStreamRecord, DynamoDBRecord as LambdaDynamoDBRecord } from 'aws-lambda';
import type { DynamoDBEventName, DynamoDBRecord, KinesisRecord } from '../../../src/runtime/records/stream-record.js';

export const KINESIS_SHARD_ID = 'shardId-000000000000';
export const KINESIS_SEQUENCE_NUMBER = '49590338271490256608559692538361571095921575989136588898';
export const CLICKS_STREAM_ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/clicks';
export const ORDERS_STREAM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000';

/** Stands in for the decoder's `InvalidJsonError` (a PermanentError subclass in src/runtime/records). */
class FactoryInvalidJsonError extends Error {}

export interface KinesisRecordOptions {
  /** The record's payload: a value is JSON-encoded; a string or Buffer is used as the raw bytes. */
  readonly data?: unknown;
  readonly partitionKey?: string;
  readonly streamArn?: string;
  readonly sequenceNumber?: string;
  readonly approximateArrivalTimestamp?: number;
}

/**
 * A Kinesis record as the decoder produces it, with `raw` shaped like a Lambda Kinesis event record.
 *
 * @example
 * ```ts
 * const record = kinesisRecord({ data: { type: 'click' }, partitionKey: 'user-1' });
 * ```
 */
export function kinesisRecord(options: KinesisRecordOptions = {}): KinesisRecord {
  const payload = options.data === undefined ? { type: 'click' } : options.data;
  const bytes = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const partitionKey = options.partitionKey ?? 'user-1';
  const sequenceNumber = options.sequenceNumber ?? KINESIS_SEQUENCE_NUMBER;
  const streamArn = options.streamArn ?? CLICKS_STREAM_ARN;
  const arrival = options.approximateArrivalTimestamp ?? 1704067200.123;
  const raw: KinesisStreamRecord = {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: bytes.toString('base64'),
      approximateArrivalTimestamp: arrival,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${KINESIS_SHARD_ID}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
    awsRegion: 'us-east-1',
    eventSourceARN: streamArn,
  };
  let parsed: { value: unknown } | undefined;
  const text = (): string => new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  return {
    source: 'kinesis',
    eventName: 'aws:kinesis:record',
    index: 0,
    eventID: raw.eventID,
    eventSourceARN: streamArn,
    awsRegion: raw.awsRegion,
    shardId: KINESIS_SHARD_ID,
    sequenceNumber,
    partitionKey,
    approximateArrivalMs: Math.round(arrival * 1000),
    sizeBytes: bytes.length,
    streamName: streamArn.slice(streamArn.indexOf('/') + 1),
    subSequenceNumber: undefined,
    explicitHashKey: undefined,
    data: bytes,
    raw,
    text,
    json() {
      if (parsed === undefined) {
        try {
          parsed = { value: JSON.parse(text()) };
        } catch (error) {
          throw new FactoryInvalidJsonError('record data is not JSON', { cause: error });
        }
      }
      return parsed.value;
    },
  };
}

export interface DynamoDBRecordOptions {
  readonly eventName?: DynamoDBEventName;
  readonly keys?: Record<string, AttributeValue>;
  readonly newImage?: Record<string, AttributeValue> | undefined;
  readonly oldImage?: Record<string, AttributeValue> | undefined;
  readonly tableStreamArn?: string;
  readonly sequenceNumber?: string;
  readonly ttlDelete?: boolean;
}

const DEFAULT_KEYS: Record<string, AttributeValue> = { orderId: { S: 'o-1001' } };
const DEFAULT_IMAGE: Record<string, AttributeValue> = {
  orderId: { S: 'o-1001' },
  status: { S: 'PAID' },
  totalCents: { N: '4599' },
};

function toNative(image: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined {
  return image === undefined ? undefined : unmarshall(image as Record<string, SdkAttributeValue>);
}

/**
 * A DynamoDB Streams record as the decoder produces it, with `raw` shaped like a Lambda DynamoDB event
 * record (`NEW_AND_OLD_IMAGES` view). `newImage: undefined` is kept when the option is explicitly given.
 *
 * @example
 * ```ts
 * const record = dynamodbRecord({ eventName: 'MODIFY', newImage: { orderId: { S: 'o-1' }, status: { S: 'SHIPPED' } } });
 * ```
 */
export function dynamodbRecord(options: DynamoDBRecordOptions = {}): DynamoDBRecord {
  const eventName = options.eventName ?? 'INSERT';
  const keys = options.keys ?? DEFAULT_KEYS;
  const newImage = 'newImage' in options ? options.newImage : eventName === 'REMOVE' ? undefined : DEFAULT_IMAGE;
  const oldImage = 'oldImage' in options ? options.oldImage : eventName === 'INSERT' ? undefined : DEFAULT_IMAGE;
  const arn = options.tableStreamArn ?? ORDERS_STREAM_ARN;
  const sequenceNumber = options.sequenceNumber ?? '4421584500000000017450439091';
  const raw: LambdaDynamoDBRecord = {
    eventID: 'c81e728d9d4c2f636f067f89cc14862c',
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      ApproximateCreationDateTime: 1704067200,
      Keys: keys,
      ...(newImage === undefined ? {} : { NewImage: newImage }),
      ...(oldImage === undefined ? {} : { OldImage: oldImage }),
      SequenceNumber: sequenceNumber,
      SizeBytes: 59,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: arn,
    ...(options.ttlDelete ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
  };
  const nativeKeys = toNative(keys) ?? {};
  const tablePart = arn.slice(arn.indexOf(':table/') + ':table/'.length);
  return {
    source: 'dynamodb',
    eventName,
    index: 0,
    eventID: raw.eventID as string,
    eventSourceARN: arn,
    awsRegion: 'us-east-1',
    shardId: undefined,
    sequenceNumber,
    partitionKey: JSON.stringify(
      Object.keys(nativeKeys)
        .sort()
        .map((name) => [name, nativeKeys[name]]),
    ),
    approximateArrivalMs: 1704067200000,
    sizeBytes: 59,
    tableName: tablePart.slice(0, tablePart.indexOf('/')),
    keys: nativeKeys,
    newImage: toNative(newImage),
    oldImage: toNative(oldImage),
    rawKeys: keys,
    streamViewType: 'NEW_AND_OLD_IMAGES',
    isTtlDelete: options.ttlDelete === true,
    raw,
  };
}
