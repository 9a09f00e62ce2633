import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, ListStreamsCommand, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createResources,
  JavaNotFoundError,
  ResourceMismatchError,
  type RunningEmulators,
  servicesNeededBy,
  startEmulators,
} from '../../src/local/emulators/index.js';
import { createStreamSource } from '../../src/local/esm/sources/index.js';
import { defineConfig } from '../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../src/runtime/config/processor.js';
import { isRunning } from './fixtures/processes.js';

const orderFacts = defineProcessor({ name: 'order-facts', schema: z.object({ orderId: z.string() }), process() {} });

/** One Kinesis stream (3 shards), one DynamoDB table (pk/sk), S3 on-failure + quarantine buckets, an idempotency table. */
const config = defineConfig({
  service: 'emulators-test',
  processors: [orderFacts],
  streams: {
    clicks: {
      source: { type: 'kinesis', stream: 'clicks', shards: 3 },
      startingPosition: 'TRIM_HORIZON',
      onFailure: { type: 's3', bucket: 'clicks-failures' },
      routes: [{ processor: 'order-facts' }],
    },
    orders: {
      source: { type: 'dynamodb', table: 'orders', keySchema: { partitionKey: 'pk', sortKey: 'sk' } },
      startingPosition: 'TRIM_HORIZON',
      onFailure: { type: 'sqs', queue: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq' },
      quarantine: { type: 's3', bucket: 'orders-quarantine' },
      idempotency: { table: 'shardflow-idempotency' },
      routes: [{ processor: 'order-facts' }],
    },
  },
});

describe('startEmulators (real kinesalite, DynamoDB Local and s3rver)', () => {
  let emulators: RunningEmulators;

  beforeAll(async () => {
    emulators = await startEmulators(config);
  });

  afterAll(async () => {
    await emulators?.stop();
  });

  it('starts the services the config needs, on loopback, with clients, region and dummy credentials', () => {
    // Arrange
    const expectedServices = ['kinesis', 'dynamodb', 's3'];

    // Act
    const { services, endpoints, clients, region, credentials, dynamodbLocalPid } = emulators;

    // Assert
    expect(servicesNeededBy(config)).toEqual(expectedServices);
    expect(services).toEqual(expectedServices);
    for (const endpoint of [endpoints.kinesis, endpoints.dynamodb, endpoints.s3]) {
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    expect(Object.keys(clients).sort()).toEqual(['dynamodb', 'dynamodbStreams', 'kinesis', 's3']);
    expect(region).toBe('us-east-1');
    expect(credentials).toEqual({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });
    expect(isRunning(dynamodbLocalPid!)).toBe(true);
  });

  it('creates the Kinesis stream with its shards, the table with its stream and keys, the buckets and the idempotency table', async () => {
    // Arrange
    const { kinesis, dynamodb, s3 } = emulators.clients;

    // Act
    const stream = await kinesis!.send(new DescribeStreamSummaryCommand({ StreamName: 'clicks' }));
    const table = await dynamodb!.send(new DescribeTableCommand({ TableName: 'orders' }));
    const idempotency = await dynamodb!.send(new DescribeTableCommand({ TableName: 'shardflow-idempotency' }));
    const buckets = await Promise.all(
      ['clicks-failures', 'orders-quarantine'].map((Bucket) => s3!.send(new HeadBucketCommand({ Bucket }))),
    );

    // Assert
    expect(stream.StreamDescriptionSummary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 3 });
    expect(emulators.resources.streams.clicks).toEqual({
      kind: 'kinesis',
      streamArn: stream.StreamDescriptionSummary?.StreamARN,
      streamName: 'clicks',
      shardCount: 3,
    });
    expect(table.Table).toMatchObject({
      TableStatus: 'ACTIVE',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    });
    expect(emulators.resources.streams.orders).toEqual({
      kind: 'dynamodb',
      streamArn: table.Table?.LatestStreamArn,
      tableName: 'orders',
      streamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(table.Table?.LatestStreamArn).toMatch(/:table\/orders\/stream\//);
    expect(idempotency.Table?.TableStatus).toBe('ACTIVE');
    expect(buckets.map((output) => output.$metadata.httpStatusCode)).toEqual([200, 200]);
    expect(emulators.resources.buckets).toEqual(['clicks-failures', 'orders-quarantine']);
    expect(emulators.resources.tables).toEqual(['shardflow-idempotency']);
    expect(emulators.resources.skipped).toEqual([
      {
        service: 'sqs',
        name: 'arn:aws:sqs:us-east-1:123456789012:orders-dlq',
        reason: 'no SQS emulator runs here',
      },
    ]);
  });

  it('reuses what exists when createResources runs again (idempotent)', async () => {
    // Arrange
    const first = emulators.resources;

    // Act
    const second = await createResources(config, emulators.clients);
    const streams = await emulators.clients.kinesis!.send(new ListStreamsCommand({}));

    // Assert
    expect(second).toEqual(first);
    expect(streams.StreamNames).toEqual(['clicks']);
  });

  it('enables the stream of an existing table without one, and rejects an explicit other view type', async () => {
    // Arrange
    const dynamodb = emulators.clients.dynamodb as DynamoDBClient;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'legacy',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const legacy = { streams: { legacy: { source: { type: 'dynamodb' as const, table: 'legacy' } } } };
    const conflicting = {
      streams: {
        legacy: { source: { type: 'dynamodb' as const, table: 'legacy', streamViewType: 'KEYS_ONLY' as const } },
      },
    };

    // Act
    const created = await createResources(legacy, emulators.clients);
    const conflict = createResources(conflicting, emulators.clients);

    // Assert
    expect(created.streams.legacy).toMatchObject({ kind: 'dynamodb', streamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(created.streams.legacy?.streamArn).toMatch(/:table\/legacy\/stream\//);
    await expect(conflict).rejects.toThrow(ResourceMismatchError);
    await expect(conflict).rejects.toThrow(/streams\.legacy\.source\.streamViewType/);
  });

  it('stop() stops DynamoDB Local (no Java process left) and the other emulators, and is idempotent', async () => {
    // Arrange
    const pid = emulators.dynamodbLocalPid!;
    const kinesisClient = emulators.clients.kinesis!;

    // Act
    await Promise.all([emulators.stop(), emulators.stop()]);
    await emulators.stop();

    // Assert
    expect(isRunning(pid)).toBe(false);
    await expect(kinesisClient.send(new ListStreamsCommand({}))).rejects.toThrow();
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});

describe('startEmulators: service selection and failures', () => {
  it('starts only kinesalite for a Kinesis-only config, and lists resources of services not started as skipped', async () => {
    // Arrange
    const kinesisOnly = {
      streams: {
        clicks: { source: { type: 'kinesis' as const, stream: 'clicks' } },
        orders: { source: { type: 'dynamodb' as const, table: 'orders' } },
      },
    };

    // Act
    const emulators = await startEmulators(kinesisOnly, { services: ['kinesis'] });
    await emulators.stop();

    // Assert
    expect(emulators.services).toEqual(['kinesis']);
    expect(emulators.dynamodbLocalPid).toBeUndefined();
    expect(emulators.endpoints).toEqual({ kinesis: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/) });
    expect(Object.keys(emulators.clients)).toEqual(['kinesis']);
    expect(Object.keys(emulators.resources.streams)).toEqual(['clicks']);
    expect(emulators.resources.skipped).toEqual([
      { service: 'dynamodb', name: 'orders', reason: 'no dynamodb client' },
    ]);
  });

  it('keeps streams, records and buckets on disk under dataDir across a restart', async () => {
    // Arrange
    const dataDir = await mkdtemp(join(tmpdir(), 'shardflow-emulators-'));
    const onDisk = {
      streams: {
        clicks: {
          source: { type: 'kinesis' as const, stream: 'clicks', shards: 2 },
          onFailure: { type: 's3' as const, bucket: 'clicks-failures' },
        },
      },
    };
    const first = await startEmulators(onDisk, { dataDir });
    await first.clients.kinesis!.send(
      new PutRecordCommand({ StreamName: 'clicks', PartitionKey: 'k', Data: Buffer.from('kept') }),
    );
    await first.stop();

    try {
      // Act
      const second = await startEmulators(onDisk, { dataDir });
      const summary = await second.clients.kinesis!.send(new DescribeStreamSummaryCommand({ StreamName: 'clicks' }));
      const bucket = await second.clients.s3!.send(new HeadBucketCommand({ Bucket: 'clicks-failures' }));
      const source = createStreamSource('kinesis', {
        client: second.clients.kinesis!,
        streamArn: second.resources.streams.clicks!.streamArn,
        region: second.region,
      });
      const data: string[] = [];
      for (const shard of await source.listShards()) {
        const page = await source.read(await source.getIterator(shard.shardId, { type: 'TRIM_HORIZON' }), 100);
        for (const record of page.records) {
          data.push(Buffer.from((record.lambdaRecord as KinesisStreamRecord).kinesis.data, 'base64').toString());
        }
      }
      await second.stop();

      // Assert
      expect(second.resources.streams.clicks?.streamArn).toBe(first.resources.streams.clicks?.streamArn);
      expect(summary.StreamDescriptionSummary?.OpenShardCount).toBe(2);
      expect(bucket.$metadata.httpStatusCode).toBe(200);
      expect(data).toEqual(['kept']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('propagates JavaNotFoundError when Java is missing, after stopping what had started', async () => {
    // Arrange
    const javaHome = process.env.JAVA_HOME;
    process.env.JAVA_HOME = '/nonexistent/shardflow-no-java';
    const mixed = {
      streams: {
        clicks: { source: { type: 'kinesis' as const, stream: 'clicks' } },
        orders: { source: { type: 'dynamodb' as const, table: 'orders' } },
      },
    };

    try {
      // Act
      const started = startEmulators(mixed);

      // Assert
      await expect(started).rejects.toThrow(JavaNotFoundError);
      await expect(started).rejects.toThrow(/install/i);
      expect(process.listenerCount('exit')).toBe(0);
    } finally {
      if (javaHome === undefined) delete process.env.JAVA_HOME;
      else process.env.JAVA_HOME = javaHome;
    }
  });
});
