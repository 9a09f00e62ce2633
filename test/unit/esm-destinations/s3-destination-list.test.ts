import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { OnFailureReadError } from '../../../src/local/esm/destinations/errors.js';
import { buildOnFailureRecord } from '../../../src/local/esm/destinations/on-failure-record.js';
import { withPayload } from '../../../src/local/esm/destinations/record-json.js';
import { S3OnFailureDestination } from '../../../src/local/esm/destinations/s3-destination.js';
import { FUNCTION_ARN, KINESIS_SHARD, KINESIS_STREAM_ARN, kinesisRecord, REQUEST_ID } from './fixtures.js';

/** A stored S3 body for the record discarded at `now`. */
function storedBody(now: string): string {
  const records = [kinesisRecord('1', 1_704_067_200_000)];
  const record = buildOnFailureRecord({
    source: 'kinesis',
    condition: 'RetryAttemptsExhausted',
    functionError: null,
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 1,
    shardId: KINESIS_SHARD,
    streamArn: KINESIS_STREAM_ARN,
    records,
    now: new Date(now),
  });
  return JSON.stringify(withPayload(record, records));
}

// Mocked: s3rver cannot paginate ListObjectsV2 on Node 20 (its continuation tokens need the DES cipher
// that OpenSSL 3 dropped), so following NextContinuationToken is checked against a mocked S3 client.
describe('S3OnFailureDestination.list pagination (mocked: s3rver cannot paginate ListObjectsV2 here)', () => {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const s3 = mockClient(client);

  afterEach(() => {
    s3.reset();
  });

  it('follows NextContinuationToken across pages and reads every object once', async () => {
    // Arrange: three pages under aws/lambda/
    const bodies: Record<string, string> = {
      'aws/lambda/u/s/2024/01/01/a': storedBody('2024-01-01T00:00:00.000Z'),
      'aws/lambda/u/s/2024/01/02/b': storedBody('2024-01-02T00:00:00.000Z'),
      'aws/lambda/u/s/2024/01/03/c': storedBody('2024-01-03T00:00:00.000Z'),
    };
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined })
      .resolves({ Contents: [{ Key: 'aws/lambda/u/s/2024/01/01/a' }], NextContinuationToken: 't1', IsTruncated: true })
      .on(ListObjectsV2Command, { ContinuationToken: 't1' })
      .resolves({ Contents: [{ Key: 'aws/lambda/u/s/2024/01/02/b' }], NextContinuationToken: 't2', IsTruncated: true })
      .on(ListObjectsV2Command, { ContinuationToken: 't2' })
      .resolves({ Contents: [{ Key: 'aws/lambda/u/s/2024/01/03/c' }], IsTruncated: false });
    // Only the part of the SDK's streaming body that the destination uses.
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) => ({
      Body: { transformToString: async () => bodies[input.Key] ?? '' },
    }));
    const destination = new S3OnFailureDestination({ client, bucket: 'failures' });

    // Act
    const stored = await destination.listStored();

    // Assert
    const listCalls = s3.commandCalls(ListObjectsV2Command).map((call) => call.args[0].input);
    expect(listCalls.map((input) => [input.Prefix, input.ContinuationToken])).toEqual([
      ['aws/lambda/', undefined],
      ['aws/lambda/', 't1'],
      ['aws/lambda/', 't2'],
    ]);
    expect(stored.map((entry) => entry.key)).toEqual(Object.keys(bodies));
    expect(stored.map((entry) => entry.record.timestamp)).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-01-02T00:00:00.000Z',
      '2024-01-03T00:00:00.000Z',
    ]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(3);
  });

  it('turns a failed listing into OnFailureReadError', async () => {
    // Arrange
    s3.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const destination = new S3OnFailureDestination({ client, bucket: 'failures' });

    // Act
    const listed = destination.list();

    // Assert
    await expect(listed).rejects.toThrow(OnFailureReadError);
    await expect(listed).rejects.toThrow(/s3:\/\/failures\/aws\/lambda\/: AccessDenied: Access Denied/);
  });
});
