import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  KinesaliteStartError,
  localKinesisClientConfig,
  startKinesalite,
} from '../../src/local/emulators/kinesalite.js';

describe('startKinesalite (real kinesalite, in-process)', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'shardflow-kinesalite-'));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('serves the Kinesis API on loopback with streams ACTIVE at once, and stop() closes it (idempotent)', async () => {
    // Arrange
    const kinesalite = await startKinesalite();
    const client = new KinesisClient(localKinesisClientConfig(kinesalite.endpoint));

    // Act
    await client.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 2 }));
    const { StreamDescriptionSummary: summary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: 'clicks' }),
    );
    client.destroy();
    await kinesalite.stop();
    await kinesalite.stop();

    // Assert
    expect(kinesalite.endpoint).toBe(`http://127.0.0.1:${kinesalite.port}`);
    expect(summary?.StreamStatus).toBe('ACTIVE');
    expect(summary?.OpenShardCount).toBe(2);
    expect(summary?.StreamARN).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/clicks');
    const after = new KinesisClient({ ...localKinesisClientConfig(kinesalite.endpoint), maxAttempts: 1 });
    await expect(after.send(new ListStreamsCommand({}))).rejects.toThrow(/ECONNREFUSED/);
    after.destroy();
  });

  it('completes a SplitShard without a CREATING/UPDATING delay and allows more than 10 shards', async () => {
    // Arrange
    const kinesalite = await startKinesalite();
    const client = new KinesisClient(localKinesisClientConfig(kinesalite.endpoint));

    try {
      // Act
      await client.send(new CreateStreamCommand({ StreamName: 'wide', ShardCount: 20 }));
      await client.send(
        new SplitShardCommand({
          StreamName: 'wide',
          ShardToSplit: 'shardId-000000000000',
          NewStartingHashKey: '1000',
        }),
      );
      let shards = (await client.send(new ListShardsCommand({ StreamName: 'wide' }))).Shards ?? [];
      // updateStreamMs is 0: the split lands on the next tick of kinesalite's timer.
      while (shards.length < 22) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        shards = (await client.send(new ListShardsCommand({ StreamName: 'wide' }))).Shards ?? [];
      }

      // Assert
      expect(shards.filter((shard) => shard.ParentShardId === 'shardId-000000000000')).toHaveLength(2);
    } finally {
      client.destroy();
      await kinesalite.stop();
    }
  });

  it('keeps streams on disk with dataDir, across a restart', async () => {
    // Arrange
    const dataDir = join(scratch, 'persisted');
    const first = await startKinesalite({ dataDir });
    const firstClient = new KinesisClient(localKinesisClientConfig(first.endpoint));
    await firstClient.send(new CreateStreamCommand({ StreamName: 'durable', ShardCount: 1 }));
    firstClient.destroy();
    await first.stop();

    // Act
    const second = await startKinesalite({ dataDir });
    const secondClient = new KinesisClient(localKinesisClientConfig(second.endpoint));
    const { StreamNames } = await secondClient.send(new ListStreamsCommand({}));
    secondClient.destroy();
    await second.stop();

    // Assert
    expect(StreamNames).toEqual(['durable']);
  });

  it('rejects with KinesaliteStartError when the data directory is in use or the port is taken', async () => {
    // Arrange
    const dataDir = join(scratch, 'locked');
    const owner = await startKinesalite({ dataDir });

    try {
      // Act / Assert
      await expect(startKinesalite({ dataDir })).rejects.toThrow(KinesaliteStartError);
      await expect(startKinesalite({ port: owner.port })).rejects.toThrow(KinesaliteStartError);
    } finally {
      await owner.stop();
    }
  });
});
