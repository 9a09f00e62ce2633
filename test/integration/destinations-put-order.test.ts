import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putKinesisRecords } from '../../src/cli/destinations/put-kinesis-records.js';
import { type Kinesalite, localKinesisClientConfig, startKinesalite } from '../../src/local/emulators/kinesalite.js';
import { kinesisLambdaRecord } from '../../src/local/esm/lambda-event.js';

const STREAM = 'clicks';

let kinesalite: Kinesalite;
let client: KinesisClient;

beforeAll(async () => {
  kinesalite = await startKinesalite();
  client = new KinesisClient(localKinesisClientConfig(kinesalite.endpoint));
  await client.send(new CreateStreamCommand({ StreamName: STREAM, ShardCount: 2 }));
  for (;;) {
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
    await sleep(20);
  }
});

afterAll(async () => {
  client.destroy();
  await kinesalite.stop();
});

async function readShard(shardId: string): Promise<{ key: string; n: number }[]> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const { Records } = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }));
  return (Records ?? []).map((record) => ({
    key: record.PartitionKey!,
    n: JSON.parse(Buffer.from(record.Data!).toString('utf8')).n,
  }));
}

describe('redrive --mode put on kinesalite', () => {
  it('puts discarded records back in their original order per partition key, over every shard', async () => {
    // Arrange: records of 4 keys, interleaved, as a discarded batch holds them (sequence order).
    const records = Array.from({ length: 24 }, (_, n) =>
      kinesisLambdaRecord({
        streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${STREAM}`,
        region: 'us-east-1',
        shardId: 'shardId-000000000000',
        sequenceNumber: String(1000 + n),
        partitionKey: `u-${n % 4}`,
        data: Buffer.from(JSON.stringify({ n })),
        approximateArrivalMs: 1_704_067_200_000 + n,
      }),
    );

    // Act
    const sequenceNumbers = await putKinesisRecords(client, STREAM, records);

    // Assert
    expect(sequenceNumbers).toHaveLength(24);
    const stored = [...(await readShard('shardId-000000000000')), ...(await readShard('shardId-000000000001'))];
    expect(stored).toHaveLength(24);
    for (const key of ['u-0', 'u-1', 'u-2', 'u-3']) {
      const expected = records
        .filter((r) => r.kinesis.partitionKey === key)
        .map((r) => Number(r.kinesis.sequenceNumber) - 1000);
      expect(stored.filter((r) => r.key === key).map((r) => r.n)).toEqual(expected);
    }
  });
});
