import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { keyOrderedRequests, putKinesisRecords } from '../../../src/cli/destinations/put-kinesis-records.js';
import { kinesisLambdaRecord } from '../../../src/local/esm/lambda-event.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks';

function record(partitionKey: string, n: number) {
  return kinesisLambdaRecord({
    streamArn: STREAM_ARN,
    region: 'us-east-1',
    shardId: 'shardId-000000000000',
    sequenceNumber: String(100 + n),
    partitionKey,
    data: Buffer.from(JSON.stringify({ n })),
    approximateArrivalMs: 1_704_067_200_000,
  });
}

describe('redrive --mode put keeps the order per partition key', () => {
  const client = new KinesisClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const kinesis = mockClient(client);

  afterEach(() => {
    kinesis.reset();
  });

  it('puts at most one record per partition key in a request, each key in its order', () => {
    // Arrange
    const data = Buffer.from('{}');
    const keys = ['a', 'b', 'a', 'c', 'a', 'b'];

    // Act
    const requests = keyOrderedRequests(keys.map((partitionKey) => ({ partitionKey, data })));

    // Assert
    expect(requests).toEqual([[0, 1, 3], [2, 5], [4]]);
  });

  it('splits a request at the PutRecords limit of 500 entries', () => {
    // Arrange
    const data = Buffer.from('{}');
    const records = Array.from({ length: 501 }, (_, n) => ({ partitionKey: `k-${n}`, data }));

    // Act
    const requests = keyOrderedRequests(records);

    // Assert
    expect(requests.map((request) => request.length)).toEqual([500, 1]);
  });

  it('never lets a retried entry land after a later record of its key', async () => {
    // Arrange: Kinesis rejects the first entry of the first request once (throughput exceeded).
    const landed: string[] = [];
    let sequence = 0;
    let rejected = false;
    kinesis.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
      const results = input.Records!.map((entry) => {
        const n = JSON.parse(Buffer.from(entry.Data!).toString('utf8')).n as number;
        if (!rejected && n === 0) {
          rejected = true;
          return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' };
        }
        landed.push(`${entry.PartitionKey}:${n}`);
        return { ShardId: 'shardId-000000000000', SequenceNumber: String(++sequence) };
      });
      return { FailedRecordCount: results.filter((r) => 'ErrorCode' in r).length, Records: results };
    });
    const records = [record('a', 0), record('a', 1), record('b', 2), record('a', 3), record('b', 4)];

    // Act
    const sequenceNumbers = await putKinesisRecords(client, 'clicks', records, { backoffMs: 1 });

    // Assert
    const order = (key: string) => landed.filter((entry) => entry.startsWith(`${key}:`));
    expect(order('a')).toEqual(['a:0', 'a:1', 'a:3']);
    expect(order('b')).toEqual(['b:2', 'b:4']);
    expect(sequenceNumbers).toHaveLength(5);
    expect(new Set(sequenceNumbers).size).toBe(5);
  });
});
