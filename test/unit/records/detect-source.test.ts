import { describe, expect, it } from 'vitest';
import { ConfigError, UnsupportedEventError } from '../../../src/runtime/errors.js';
import { decodeEvent, detectSource } from '../../../src/runtime/records/index.js';
import {
  AWS_SAMPLE_DYNAMODB_EVENT,
  AWS_SAMPLE_KINESIS_EVENT,
  DynamoDBEventFactory,
  KinesisEventFactory,
} from '../../factories/index.js';

/** An SQS event as AWS documents it: a Lambda event shardflow does not handle. */
const SQS_EVENT = {
  Records: [
    {
      messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
      receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a...',
      body: 'Test message.',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1545082649183',
        SenderId: 'AIDAIENQZJOLO23YVJ4VO',
        ApproximateFirstReceiveTimestamp: '1545082649185',
      },
      messageAttributes: {},
      md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:my-queue',
      awsRegion: 'us-east-2',
    },
  ],
};

describe('detectSource / decodeEvent: the event as a whole', () => {
  it('detects Kinesis and DynamoDB events', () => {
    // Arrange
    const kinesis = AWS_SAMPLE_KINESIS_EVENT;
    const dynamodb = AWS_SAMPLE_DYNAMODB_EVENT;

    // Act
    const sources = [detectSource(kinesis), detectSource(dynamodb)];

    // Assert
    expect(sources).toEqual(['kinesis', 'dynamodb']);
  });

  it.each([
    ['an SQS event', SQS_EVENT],
    ['an object without Records', { foo: 'bar' }],
    ['Records that is not an array', { Records: {} }],
    ['null', null],
    ['a string', 'Records'],
    ['records without any eventSource', { Records: [{ kinesis: {} }] }],
  ])('rejects %s with UnsupportedEventError', (_, event) => {
    // Arrange
    const detect = () => detectSource(event);
    const decode = () => decodeEvent(event);

    // Act + Assert
    expect(detect).toThrow(UnsupportedEventError);
    expect(decode).toThrow(UnsupportedEventError);
  });

  it('rejects an event that mixes Kinesis and DynamoDB records', () => {
    // Arrange
    const kinesis = new KinesisEventFactory().record({ json: { a: 1 } });
    const dynamodb = new DynamoDBEventFactory().insert({ id: '1' }, { id: '1' });
    const event = { Records: [kinesis, dynamodb] };

    // Act
    const decode = () => decodeEvent(event);

    // Assert
    expect(decode).toThrow(UnsupportedEventError);
    expect(decode).toThrow(/mixes sources/);
    expect(() => detectSource(event)).toThrow(UnsupportedEventError);
  });

  it('decodes an event with no records to an empty result, while detectSource cannot tell its source', () => {
    // Arrange
    const event = { Records: [] };

    // Act
    const decoded = decodeEvent(event);

    // Assert
    expect(decoded).toEqual({ source: undefined, entries: [], warnings: [] });
    expect(() => detectSource(event)).toThrow(UnsupportedEventError);
  });

  it.each([0, -1, Number.NaN])('rejects maxRecordBytes %s with ConfigError', (maxRecordBytes) => {
    // Arrange
    const decode = () => decodeEvent(AWS_SAMPLE_KINESIS_EVENT, { maxRecordBytes });

    // Act + Assert
    expect(decode).toThrow(ConfigError);
  });
});
