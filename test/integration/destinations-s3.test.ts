import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3ClientConfig, type S3Local, startS3Local } from '../../src/local/emulators/s3-local.js';
import { OnFailureDeliveryError, OnFailureReadError } from '../../src/local/esm/destinations/errors.js';
import { buildOnFailureRecord, type OnFailureRecordInput } from '../../src/local/esm/destinations/on-failure-record.js';
import { S3OnFailureDestination } from '../../src/local/esm/destinations/s3-destination.js';
import type { OnFailureDelivery } from '../../src/local/esm/ports.js';
import {
  DYNAMODB_SHARD,
  DYNAMODB_STREAM_ARN,
  dynamodbRecord,
  ESM_UUID,
  FUNCTION_ARN,
  KINESIS_SHARD,
  KINESIS_STREAM_ARN,
  kinesisRecord,
  REQUEST_ID,
} from '../unit/esm-destinations/fixtures.js';

const BUCKET = 'orders-failures';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function kinesisDelivery(now: string, overrides: Partial<OnFailureRecordInput> = {}): OnFailureDelivery {
  const records = [kinesisRecord('100', 1_704_067_200_123), kinesisRecord('101', 1_704_067_200_456)];
  const record = buildOnFailureRecord({
    source: 'kinesis',
    condition: 'RetryAttemptsExhausted',
    functionError: 'Unhandled',
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 4,
    shardId: KINESIS_SHARD,
    streamArn: KINESIS_STREAM_ARN,
    records,
    now: new Date(now),
    ...overrides,
  });
  return { record, records, shardId: KINESIS_SHARD, esmUuid: ESM_UUID };
}

function dynamodbDelivery(now: string): OnFailureDelivery {
  const records = [dynamodbRecord('111100000000000000000007', 1_704_067_200_000)];
  const record = buildOnFailureRecord({
    source: 'dynamodb',
    condition: 'RecordAgeExceeded',
    functionError: null,
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 0,
    shardId: DYNAMODB_SHARD,
    streamArn: DYNAMODB_STREAM_ARN,
    records,
    now: new Date(now),
  });
  return { record, records, shardId: DYNAMODB_SHARD, esmUuid: ESM_UUID };
}

async function keysIn(client: S3Client, bucket: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '').sort();
}

describe('S3OnFailureDestination against s3rver', () => {
  let s3: S3Local;
  let client: S3Client;
  let bucketNumber = 0;

  /** A fresh bucket per test, so listings only hold that test's objects. */
  async function freshBucket(): Promise<string> {
    bucketNumber += 1;
    const bucket = `${BUCKET}-${bucketNumber}`;
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    return bucket;
  }

  beforeAll(async () => {
    s3 = await startS3Local({ buckets: [BUCKET] });
    client = new S3Client(localS3ClientConfig(s3.endpoint));
  });

  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  it('writes one object per delivery under the documented key, in UTC from the record timestamp', async () => {
    // Arrange
    const bucket = await freshBucket();
    const destination = new S3OnFailureDestination({ client, bucket });
    const delivery = kinesisDelivery('2024-02-29T23:59:58.765Z');

    // Act
    await destination.send(delivery);

    // Assert
    const keys = await keysIn(client, bucket);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(
      new RegExp(`^aws/lambda/${ESM_UUID}/${KINESIS_SHARD}/2024/02/29/2024-02-29T23\\.59\\.58-${UUID}$`),
    );
  });

  it('stores the record with payload.Records, the records as delivered, JSON-encoded and encrypted', async () => {
    // Arrange
    const bucket = await freshBucket();
    const destination = new S3OnFailureDestination({ client, bucket });
    const delivery = kinesisDelivery('2024-01-01T00:01:00.000Z');

    // Act
    await destination.send(delivery);

    // Assert
    const [key] = await keysIn(client, bucket);
    const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = JSON.parse((await object.Body?.transformToString()) ?? '');
    expect(Object.keys(body)).toEqual([
      'requestContext',
      'responseContext',
      'version',
      'timestamp',
      'KinesisBatchInfo',
      'payload',
    ]);
    expect(body.requestContext).toEqual({
      requestId: REQUEST_ID,
      functionArn: FUNCTION_ARN,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 4,
    });
    expect(body.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    expect(body.KinesisBatchInfo).toEqual({
      shardId: KINESIS_SHARD,
      startSequenceNumber: '100',
      endSequenceNumber: '101',
      approximateArrivalOfFirstRecord: '2024-01-01T00:00:00.123Z',
      approximateArrivalOfLastRecord: '2024-01-01T00:00:00.456Z',
      batchSize: 2,
      streamArn: KINESIS_STREAM_ARN,
    });
    expect(body.payload).toEqual({ Records: JSON.parse(JSON.stringify(delivery.records)) });
    expect(object.ContentType).toBe('application/json');
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBeGreaterThan(0);
  });

  // Pagination is covered by a mocked unit test: s3rver builds V2 continuation tokens with DES, which
  // Node 20's OpenSSL 3 no longer offers, so a truncated listing fails with InternalError there.
  it('reads every record back in key order', async () => {
    // Arrange: five deliveries
    const bucket = await freshBucket();
    const destination = new S3OnFailureDestination({ client, bucket });
    const deliveries = [
      kinesisDelivery('2024-01-03T00:00:00.000Z'),
      dynamodbDelivery('2024-01-01T00:00:00.000Z'),
      kinesisDelivery('2024-01-05T00:00:00.000Z'),
      dynamodbDelivery('2024-01-02T00:00:00.000Z'),
      kinesisDelivery('2024-01-04T00:00:00.000Z'),
    ];
    for (const delivery of deliveries) await destination.send(delivery);

    // Act
    const stored = await destination.listStored();
    const records = await destination.list();

    // Assert
    expect(stored.map((entry) => entry.key)).toEqual(await keysIn(client, bucket));
    expect(records).toHaveLength(5);
    const dynamodb = records.filter((record) => record.DDBStreamBatchInfo !== undefined);
    expect(dynamodb.map((record) => record.timestamp)).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-01-02T00:00:00.000Z',
    ]);
    expect(dynamodb[0]).not.toHaveProperty('responseContext');
    expect(dynamodb[0]?.DDBStreamBatchInfo?.approximateArrivalOfFirstRecord).toBe('2024-01-01T00:00:00Z');
    expect(dynamodb[0]?.payload?.Records).toEqual(JSON.parse(JSON.stringify(deliveries[1]?.records)));
    const kinesis = records.filter((record) => record.KinesisBatchInfo !== undefined);
    expect(kinesis.map((record) => record.timestamp)).toEqual([
      '2024-01-03T00:00:00.000Z',
      '2024-01-04T00:00:00.000Z',
      '2024-01-05T00:00:00.000Z',
    ]);
  });

  it('fails a delivery to a missing bucket with OnFailureDeliveryError naming the object', async () => {
    // Arrange
    const destination = new S3OnFailureDestination({ client, bucket: 'no-such-bucket' });

    // Act
    const sent = destination.send(kinesisDelivery('2024-01-01T00:00:00.000Z'));

    // Assert
    const error = await sent.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OnFailureDeliveryError);
    expect((error as OnFailureDeliveryError).target).toMatch(
      new RegExp(`^s3://no-such-bucket/aws/lambda/${ESM_UUID}/${KINESIS_SHARD}/`),
    );
    expect((error as Error).cause).toMatchObject({ name: 'NoSuchBucket' });
  });

  it('refuses to list an object under aws/lambda/ that is not an on-failure record', async () => {
    // Arrange
    const bucket = await freshBucket();
    const destination = new S3OnFailureDestination({ client, bucket });
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'aws/lambda/x/y/garbage', Body: 'not json' }));

    // Act
    const listed = destination.list();

    // Assert
    await expect(listed).rejects.toThrow(OnFailureReadError);
    await expect(listed).rejects.toThrow(/aws\/lambda\/x\/y\/garbage: the object is not JSON/);
  });
});
