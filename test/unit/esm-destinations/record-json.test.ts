import { describe, expect, it } from 'vitest';
import { buildOnFailureRecord } from '../../../src/local/esm/destinations/on-failure-record.js';
import { parseOnFailureRecord, withoutPayload, withPayload } from '../../../src/local/esm/destinations/record-json.js';
import { FUNCTION_ARN, KINESIS_SHARD, KINESIS_STREAM_ARN, kinesisRecord, REQUEST_ID } from './fixtures.js';

const records = [kinesisRecord('1', 1_704_067_200_000), kinesisRecord('2', 1_704_067_200_500)];
const record = buildOnFailureRecord({
  source: 'kinesis',
  condition: 'RetryAttemptsExhausted',
  functionError: 'Unhandled',
  requestId: REQUEST_ID,
  functionArn: FUNCTION_ARN,
  approximateInvokeCount: 2,
  shardId: KINESIS_SHARD,
  streamArn: KINESIS_STREAM_ARN,
  records,
  now: new Date('2024-01-01T00:01:00.000Z'),
});

describe('withPayload / withoutPayload', () => {
  it('appends payload.Records last, with the records as delivered', () => {
    // Arrange
    const delivered = JSON.parse(JSON.stringify(records));

    // Act
    const stored = withPayload(record, records);

    // Assert
    expect(Object.keys(stored).at(-1)).toBe('payload');
    expect(stored.payload).toEqual({ Records: delivered });
    expect(withoutPayload(stored)).toEqual(record);
  });

  it('drops the payload for SQS/SNS and leaves the rest untouched', () => {
    // Arrange
    const stored = withPayload(record, records);

    // Act
    const message = withoutPayload(stored);

    // Assert
    expect(message).not.toHaveProperty('payload');
    expect(JSON.stringify(message)).toBe(JSON.stringify(record));
  });
});

describe('parseOnFailureRecord', () => {
  it('reads back what was stored', () => {
    // Arrange
    const text = JSON.stringify(withPayload(record, records));

    // Act
    const parsed = parseOnFailureRecord(text);

    // Assert
    expect(parsed).toEqual(JSON.parse(text));
  });

  it.each([
    ['not JSON', '{"version":', /^is not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['another version', '{"version":"2.0","requestContext":{},"KinesisBatchInfo":{}}', /version/],
    ['no batch info', '{"version":"1.0","requestContext":{}}', /neither KinesisBatchInfo nor DDBStreamBatchInfo/],
  ])('explains why %s is not an on-failure record', (_what, text, reason) => {
    // Arrange: the text above

    // Act
    const parsed = parseOnFailureRecord(text);

    // Assert
    expect(parsed).toMatch(reason);
  });
});
