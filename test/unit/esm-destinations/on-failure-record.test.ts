import { describe, expect, it } from 'vitest';
import { InvalidOnFailureInputError } from '../../../src/local/esm/destinations/errors.js';
import {
  buildOnFailureRecord,
  dynamodbArrivalIso,
  kinesisArrivalIso,
  type OnFailureRecordInput,
} from '../../../src/local/esm/destinations/on-failure-record.js';
import {
  DYNAMODB_SHARD,
  DYNAMODB_STREAM_ARN,
  dynamodbRecord,
  FUNCTION_ARN,
  KINESIS_SHARD,
  KINESIS_STREAM_ARN,
  kinesisRecord,
  REQUEST_ID,
} from './fixtures.js';

/** AWS's documented Kinesis invocation record ("Retain discarded batch records … Kinesis"), verbatim. */
const AWS_KINESIS_SAMPLE = `{
    "requestContext": {
        "requestId": "c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5",
        "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:myfunction",
        "condition": "RetryAttemptsExhausted",
        "approximateInvokeCount": 1
    },
    "responseContext": {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled"
    },
    "version": "1.0",
    "timestamp": "2019-11-14T00:38:06.021Z",
    "KinesisBatchInfo": {
        "shardId": "shardId-000000000001",
        "startSequenceNumber": "49601189658422359378836298521827638475320189012309704722",
        "endSequenceNumber": "49601189658422359378836298522902373528957594348623495186",
        "approximateArrivalOfFirstRecord": "2019-11-14T00:38:04.835Z",
        "approximateArrivalOfLastRecord": "2019-11-14T00:38:05.580Z",
        "batchSize": 500,
        "streamArn": "arn:aws:kinesis:us-east-2:123456789012:stream/mystream"
    }
}`;

/** AWS's documented DynamoDB invocation record ("Retain discarded batch records … DynamoDB"), verbatim. */
const AWS_DYNAMODB_SAMPLE = `{
    "requestContext": {
        "requestId": "c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5",
        "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:myfunction",
        "condition": "RetryAttemptsExhausted",
        "approximateInvokeCount": 1
    },
    "responseContext": {
        "statusCode": 200,
        "executedVersion": "$LATEST",
        "functionError": "Unhandled"
    },
    "version": "1.0",
    "timestamp": "2019-11-14T00:13:49.717Z",
    "DDBStreamBatchInfo": {
        "shardId": "shardId-00000001573689847184-864758bb",
        "startSequenceNumber": "800000000003126276362",
        "endSequenceNumber": "800000000003126276362",
        "approximateArrivalOfFirstRecord": "2019-11-14T00:13:19Z",
        "approximateArrivalOfLastRecord": "2019-11-14T00:13:19Z",
        "batchSize": 1,
        "streamArn": "arn:aws:dynamodb:us-east-2:123456789012:table/mytable/stream/2019-11-14T00:04:06.388"
    }
}`;

const FIRST_KINESIS_SEQUENCE = '49601189658422359378836298521827638475320189012309704722';
const LAST_KINESIS_SEQUENCE = '49601189658422359378836298522902373528957594348623495186';

/** 500 Kinesis records spanning AWS's sample: first and last sequence numbers and arrivals as documented. */
function awsSampleKinesisBatch() {
  const records = [kinesisRecord(FIRST_KINESIS_SEQUENCE, Date.parse('2019-11-14T00:38:04.835Z'))];
  for (let i = 1; i < 499; i++) {
    records.push(
      kinesisRecord((BigInt(FIRST_KINESIS_SEQUENCE) + BigInt(i)).toString(), Date.parse('2019-11-14T00:38:05Z')),
    );
  }
  records.push(kinesisRecord(LAST_KINESIS_SEQUENCE, Date.parse('2019-11-14T00:38:05.580Z')));
  return records;
}

function kinesisInput(overrides: Partial<OnFailureRecordInput> = {}): OnFailureRecordInput {
  return {
    source: 'kinesis',
    condition: 'RetryAttemptsExhausted',
    functionError: 'Unhandled',
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 4,
    shardId: KINESIS_SHARD,
    streamArn: KINESIS_STREAM_ARN,
    records: [kinesisRecord('100', 1_704_067_200_123), kinesisRecord('101', 1_704_067_201_450)],
    now: new Date('2024-01-01T00:05:00.007Z'),
    ...overrides,
  };
}

function dynamodbInput(overrides: Partial<OnFailureRecordInput> = {}): OnFailureRecordInput {
  return {
    source: 'dynamodb',
    condition: 'RetryAttemptsExhausted',
    functionError: null,
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 3,
    shardId: DYNAMODB_SHARD,
    streamArn: DYNAMODB_STREAM_ARN,
    records: [
      dynamodbRecord('111100000000000000000001', 1_704_067_200_999),
      dynamodbRecord('111100000000000000000002', 1_704_067_203_000),
      dynamodbRecord('111100000000000000000010', 1_704_067_209_500),
    ],
    now: new Date('2024-01-01T00:05:00.000Z'),
    ...overrides,
  };
}

describe('buildOnFailureRecord — reproduces AWS documented samples', () => {
  it('produces exactly the documented Kinesis record, key order included', () => {
    // Arrange
    const input = kinesisInput({
      approximateInvokeCount: 1,
      records: awsSampleKinesisBatch(),
      now: new Date('2019-11-14T00:38:06.021Z'),
    });

    // Act
    const record = buildOnFailureRecord(input);

    // Assert
    expect(JSON.stringify(record, null, 4)).toBe(AWS_KINESIS_SAMPLE);
  });

  it('produces exactly the documented DynamoDB record, key order included', () => {
    // Arrange
    const input = dynamodbInput({
      functionError: 'Unhandled',
      approximateInvokeCount: 1,
      records: [dynamodbRecord('800000000003126276362', Date.parse('2019-11-14T00:13:19Z'))],
      now: new Date('2019-11-14T00:13:49.717Z'),
    });

    // Act
    const record = buildOnFailureRecord(input);

    // Assert
    expect(JSON.stringify(record, null, 4)).toBe(AWS_DYNAMODB_SAMPLE);
  });
});

describe('buildOnFailureRecord — Kinesis', () => {
  it('fills every field of RetryAttemptsExhausted after a thrown error', () => {
    // Arrange
    const input = kinesisInput();

    // Act
    const record = buildOnFailureRecord(input);

    // Assert
    expect(Object.keys(record)).toEqual([
      'requestContext',
      'responseContext',
      'version',
      'timestamp',
      'KinesisBatchInfo',
    ]);
    expect(record.requestContext).toEqual({
      requestId: REQUEST_ID,
      functionArn: FUNCTION_ARN,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 4,
    });
    expect(record.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    expect(record.version).toBe('1.0');
    expect(record.timestamp).toBe('2024-01-01T00:05:00.007Z');
    expect(record.DDBStreamBatchInfo).toBeUndefined();
    expect(record.payload).toBeUndefined();
    expect(Object.keys(record.KinesisBatchInfo ?? {})).toEqual([
      'shardId',
      'startSequenceNumber',
      'endSequenceNumber',
      'approximateArrivalOfFirstRecord',
      'approximateArrivalOfLastRecord',
      'batchSize',
      'streamArn',
    ]);
    expect(record.KinesisBatchInfo).toEqual({
      shardId: KINESIS_SHARD,
      startSequenceNumber: '100',
      endSequenceNumber: '101',
      approximateArrivalOfFirstRecord: '2024-01-01T00:00:00.123Z',
      approximateArrivalOfLastRecord: '2024-01-01T00:00:01.450Z',
      batchSize: 2,
      streamArn: KINESIS_STREAM_ARN,
    });
  });

  it('keeps functionError null after a partial-failure response', () => {
    // Arrange
    const input = kinesisInput({ functionError: null });

    // Act
    const record = buildOnFailureRecord(input);

    // Assert
    expect(record.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: null });
    expect(JSON.stringify(record)).toContain('"functionError":null');
  });

  it('has no responseContext for RecordAgeExceeded, whatever functionError says', () => {
    // Arrange
    const input = kinesisInput({
      condition: 'RecordAgeExceeded',
      functionError: 'Unhandled',
      approximateInvokeCount: 0,
    });

    // Act
    const record = buildOnFailureRecord(input);

    // Assert
    expect(Object.keys(record)).toEqual(['requestContext', 'version', 'timestamp', 'KinesisBatchInfo']);
    expect(record).not.toHaveProperty('responseContext');
    expect(record.requestContext.condition).toBe('RecordAgeExceeded');
    expect(record.requestContext.approximateInvokeCount).toBe(0);
  });

  it('writes arrival times with exactly three fraction digits, also for whole seconds', () => {
    // Arrange
    const input = kinesisInput({ records: [kinesisRecord('7', 1_704_067_200_000)] });

    // Act
    const info = buildOnFailureRecord(input).KinesisBatchInfo;

    // Assert
    expect(info?.approximateArrivalOfFirstRecord).toBe('2024-01-01T00:00:00.000Z');
    expect(info?.startSequenceNumber).toBe('7');
    expect(info?.endSequenceNumber).toBe('7');
    expect(info?.batchSize).toBe(1);
  });

  it('rounds float seconds to the nearest millisecond', () => {
    // Arrange: 0.1 + 0.2 style float error must not leak into the string
    const seconds = [1545084650.987, 1573691885.58, 1704067200.0005, 1704067200.9999];

    // Act
    const formatted = seconds.map(kinesisArrivalIso);

    // Assert
    expect(formatted).toEqual([
      '2018-12-17T22:10:50.987Z',
      '2019-11-14T00:38:05.580Z',
      '2024-01-01T00:00:00.001Z',
      '2024-01-01T00:00:01.000Z',
    ]);
  });
});

describe('buildOnFailureRecord — DynamoDB', () => {
  it('fills every field of RetryAttemptsExhausted after a partial-failure response', () => {
    // Arrange
    const input = dynamodbInput();

    // Act
    const record = buildOnFailureRecord(input);

    // Assert
    expect(Object.keys(record)).toEqual([
      'requestContext',
      'responseContext',
      'version',
      'timestamp',
      'DDBStreamBatchInfo',
    ]);
    expect(record.requestContext).toEqual({
      requestId: REQUEST_ID,
      functionArn: FUNCTION_ARN,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
    });
    expect(record.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: null });
    expect(record.timestamp).toBe('2024-01-01T00:05:00.000Z');
    expect(record.KinesisBatchInfo).toBeUndefined();
    expect(record.DDBStreamBatchInfo).toEqual({
      shardId: DYNAMODB_SHARD,
      startSequenceNumber: '111100000000000000000001',
      endSequenceNumber: '111100000000000000000010',
      approximateArrivalOfFirstRecord: '2024-01-01T00:00:00Z',
      approximateArrivalOfLastRecord: '2024-01-01T00:00:09Z',
      batchSize: 3,
      streamArn: DYNAMODB_STREAM_ARN,
    });
  });

  it('has no responseContext for RecordAgeExceeded', () => {
    // Arrange
    const input = dynamodbInput({ condition: 'RecordAgeExceeded', approximateInvokeCount: 2 });

    // Act
    const record = buildOnFailureRecord(input);

    // Assert
    expect(Object.keys(record)).toEqual(['requestContext', 'version', 'timestamp', 'DDBStreamBatchInfo']);
    expect(record.requestContext).toEqual({
      requestId: REQUEST_ID,
      functionArn: FUNCTION_ARN,
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 2,
    });
  });

  it('writes creation times in whole seconds without a fraction', () => {
    // Arrange
    const seconds = [1573690399, 1704067200, 1704067209.9];

    // Act
    const formatted = seconds.map(dynamodbArrivalIso);

    // Assert
    expect(formatted).toEqual(['2019-11-14T00:13:19Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:09Z']);
    for (const text of formatted) expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe('buildOnFailureRecord — unusable input', () => {
  it('rejects an empty batch', () => {
    // Arrange
    const input = kinesisInput({ records: [] });

    // Act
    const build = () => buildOnFailureRecord(input);

    // Assert
    expect(build).toThrow(InvalidOnFailureInputError);
  });

  it('rejects records of the other source', () => {
    // Arrange
    const input = kinesisInput({ records: [kinesisRecord('1', 0), dynamodbRecord('2', 0)] });

    // Act
    const build = () => buildOnFailureRecord(input);

    // Assert
    expect(build).toThrow(/records\[1\] is not a Kinesis record/);
  });

  it('rejects a DynamoDB record without SequenceNumber', () => {
    // Arrange
    const broken = dynamodbRecord('5', 0);
    delete broken.dynamodb?.SequenceNumber;
    const input = dynamodbInput({ records: [broken] });

    // Act
    const build = () => buildOnFailureRecord(input);

    // Assert
    expect(build).toThrow(/records\[0\] has no dynamodb.SequenceNumber/);
  });

  it('rejects a negative invoke count', () => {
    // Arrange
    const input = kinesisInput({ approximateInvokeCount: -1 });

    // Act
    const build = () => buildOnFailureRecord(input);

    // Assert
    expect(build).toThrow(InvalidOnFailureInputError);
  });
});
