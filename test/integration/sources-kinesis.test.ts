import { createCipheriv } from 'node:crypto';
import { createRequire } from 'node:module';
import { TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as KinesisApiRecord,
  KinesisClient,
  LimitExceededException,
  ListShardsCommand,
  ProvisionedThroughputExceededException,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResources } from '../../src/local/emulators/create-resources.js';
import { type Kinesalite, localKinesisClientConfig, startKinesalite } from '../../src/local/emulators/kinesalite.js';
import { aggregateUserRecords, KPL_MAGIC } from '../../src/local/esm/kpl-aggregate.js';
import type { SourceRecord } from '../../src/local/esm/ports.js';
import {
  createStreamSource,
  ExpiredIteratorError,
  InvalidIteratorError,
  KinesisSource,
  ReadThrottledError,
  TrimmedDataError,
  toStreamSourceError,
} from '../../src/local/esm/sources/index.js';

const REGION = 'us-east-1';
const ROLE = 'arn:aws:iam::123456789012:role/clicks-consumer';

let kinesalite: Kinesalite;
let client: KinesisClient;
/** Stream ARN by config stream name (each test has its own stream). */
let arns: Record<string, string>;

beforeAll(async () => {
  kinesalite = await startKinesalite();
  client = new KinesisClient(localKinesisClientConfig(kinesalite.endpoint));
  const created = await createResources(
    {
      streams: {
        shape: { source: { type: 'kinesis', stream: 'shape', shards: 3 } },
        positions: { source: { type: 'kinesis', stream: 'positions' } },
        timestamps: { source: { type: 'kinesis', stream: 'timestamps' } },
        kpl: { source: { type: 'kinesis', stream: 'kpl' } },
        reshard: { source: { type: 'kinesis', stream: 'reshard' } },
      },
    },
    { kinesis: client },
  );
  arns = Object.fromEntries(Object.entries(created.streams).map(([name, stream]) => [name, stream.streamArn]));
});

afterAll(async () => {
  client?.destroy();
  await kinesalite?.stop();
});

function sourceFor(stream: string, options: { atTimestamp?: 'api' | 'scan' } = {}): KinesisSource {
  return new KinesisSource({ client, streamArn: arns[stream]!, region: REGION, invokeIdentityArn: ROLE, ...options });
}

/** Puts JSON records and returns their sequence numbers, in order. */
async function put(
  stream: string,
  records: { partitionKey: string; data: Uint8Array; explicitHashKey?: string }[],
): Promise<string[]> {
  const output = await client.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: records.map((record) => ({
        PartitionKey: record.partitionKey,
        Data: record.data,
        ExplicitHashKey: record.explicitHashKey,
      })),
    }),
  );
  return (output.Records ?? []).map((entry) => entry.SequenceNumber!);
}

/** The records of a shard as the raw API returns them (to compare the conversion against). */
async function rawRecords(stream: string, shardId: string): Promise<KinesisApiRecord[]> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  return (await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }))).Records ?? [];
}

async function readAll(source: KinesisSource, iterator: string): Promise<SourceRecord[]> {
  return (await source.read(iterator, 100)).records;
}

const sequenceNumbers = (records: SourceRecord[]) => records.map((record) => record.sequenceNumber);

describe('KinesisSource (real kinesalite)', () => {
  it('lists every shard of the stream with its sequence number range', async () => {
    // Arrange
    const source = sourceFor('shape');
    const raw = (await client.send(new ListShardsCommand({ StreamName: 'shape' }))).Shards ?? [];

    // Act
    const shards = await source.listShards();

    // Assert
    expect(shards).toHaveLength(3);
    expect(shards).toEqual(
      raw.map((shard) => ({
        shardId: shard.ShardId,
        startingSequenceNumber: shard.SequenceNumberRange?.StartingSequenceNumber,
      })),
    );
    expect(shards.map((shard) => shard.shardId)).toEqual([
      'shardId-000000000000',
      'shardId-000000000001',
      'shardId-000000000002',
    ]);
  });

  it('turns GetRecords records into Lambda Kinesis records, field by field and in key order, and builds one anew per invocation', async () => {
    // Arrange
    const raw = (await client.send(new ListShardsCommand({ StreamName: 'shape' }))).Shards ?? [];
    const middleShardHashKey = raw[1]!.HashKeyRange!.StartingHashKey!;
    const payloads = [{ clickId: 'c-1', page: '/' }, { clickId: 'c-2', page: '/cart' }, { clickId: 'c-3' }];
    const bytes = payloads.map((payload) => Buffer.from(JSON.stringify(payload)));
    const sequences = await put(
      'shape',
      bytes.map((data, i) => ({ partitionKey: `user-${i + 1}`, data, explicitHashKey: middleShardHashKey })),
    );
    const apiRecords = await rawRecords('shape', 'shardId-000000000001');
    const source = sourceFor('shape');

    // Act
    const iterator = await source.getIterator('shardId-000000000001', { type: 'TRIM_HORIZON' });
    const page = await source.read(iterator, 10);

    // Assert
    expect(page.records).toHaveLength(3);
    expect(page.nextIterator).toEqual(expect.any(String));
    expect(page.millisBehindLatest).toBe(0);
    page.records.forEach((record, i) => {
      const arrival = apiRecords[i]!.ApproximateArrivalTimestamp!;
      const expected: KinesisStreamRecord = {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: `user-${i + 1}`,
          sequenceNumber: sequences[i]!,
          data: bytes[i]!.toString('base64'),
          approximateArrivalTimestamp: arrival.getTime() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000001:${sequences[i]}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: ROLE,
        awsRegion: REGION,
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/shape',
      };
      expect(record.lambdaRecord).toStrictEqual(expected);
      expect(Object.keys(record.lambdaRecord)).toEqual(Object.keys(expected));
      expect(Object.keys((record.lambdaRecord as KinesisStreamRecord).kinesis)).toEqual(Object.keys(expected.kinesis));
      // Each invocation gets its own record, equal to what Lambda's JSON boundary makes of it.
      const invoked = record.invocationRecord!() as KinesisStreamRecord;
      expect(invoked).toStrictEqual(JSON.parse(JSON.stringify(expected)));
      expect(JSON.stringify(invoked)).toBe(JSON.stringify(expected));
      expect(invoked).not.toBe(record.lambdaRecord);
      expect(invoked.kinesis).not.toBe((record.lambdaRecord as KinesisStreamRecord).kinesis);
      expect(record.invocationRecord!()).not.toBe(invoked);
      expect(record).toMatchObject({
        sequenceNumber: sequences[i],
        partitionKey: `user-${i + 1}`,
        approximateArrivalMs: arrival.getTime(),
        payloadBytes: Buffer.byteLength(JSON.stringify(expected)),
      });
    });
  });

  it('starts at AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER and LATEST positions', async () => {
    // Arrange
    const source = sourceFor('positions');
    const shardId = 'shardId-000000000000';
    const [first, second, third] = await put(
      'positions',
      ['a', 'b', 'c'].map((key) => ({ partitionKey: key, data: Buffer.from(`"${key}"`) })),
    );
    const latest = await source.getIterator(shardId, { type: 'LATEST' });
    const [fourth] = await put('positions', [{ partitionKey: 'd', data: Buffer.from('"d"') }]);

    // Act
    const atSecond = await readAll(
      source,
      await source.getIterator(shardId, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: second! }),
    );
    const afterSecond = await readAll(
      source,
      await source.getIterator(shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: second! }),
    );
    const fromLatest = await readAll(source, latest);
    const fromTrimHorizon = await readAll(source, await source.getIterator(shardId, { type: 'TRIM_HORIZON' }));

    // Assert
    expect(sequenceNumbers(fromTrimHorizon)).toEqual([first, second, third, fourth]);
    expect(sequenceNumbers(atSecond)).toEqual([second, third, fourth]);
    expect(sequenceNumbers(afterSecond)).toEqual([third, fourth]);
    expect(sequenceNumbers(fromLatest)).toEqual([fourth]);
  });

  it('starts at AT_TIMESTAMP: the first record that arrived at or after the timestamp (API and scan)', async () => {
    // Arrange
    const shardId = 'shardId-000000000000';
    await put('timestamps', [{ partitionKey: 'early', data: Buffer.from('1') }]);
    await put('timestamps', [{ partitionKey: 'late', data: Buffer.from('2') }]);
    await put('timestamps', [{ partitionKey: 'later', data: Buffer.from('3') }]);
    const apiRecords = await rawRecords('timestamps', shardId);
    const timestamp = apiRecords[1]!.ApproximateArrivalTimestamp!;
    const expected = apiRecords
      .filter((record) => record.ApproximateArrivalTimestamp!.getTime() >= timestamp.getTime())
      .map((record) => record.SequenceNumber);
    const position = { type: 'AT_TIMESTAMP', timestamp } as const;

    // Act
    const viaApi = await readAll(sourceFor('timestamps'), await sourceFor('timestamps').getIterator(shardId, position));
    const scanning = sourceFor('timestamps', { atTimestamp: 'scan' });
    const viaScan = await readAll(scanning, await scanning.getIterator(shardId, position));
    const pastTheTip = await scanning.getIterator(shardId, { type: 'AT_TIMESTAMP', timestamp: new Date() });
    const [next] = await put('timestamps', [{ partitionKey: 'next', data: Buffer.from('4') }]);
    const afterTip = await readAll(scanning, pastTheTip);

    // Assert
    expect(sequenceNumbers(viaApi)).toEqual(expected);
    expect(sequenceNumbers(viaScan)).toEqual(expected);
    expect(sequenceNumbers(afterTip)).toEqual([next]);
  });

  it('delivers a KPL aggregated record as one Lambda record with the aggregate bytes, as Lambda does', async () => {
    // Arrange
    const aggregate = aggregateUserRecords([
      { partitionKey: 'u-1', data: Buffer.from('{"n":1}') },
      { partitionKey: 'u-2', data: Buffer.from('{"n":2}') },
    ]);
    const [sequence] = await put('kpl', [{ partitionKey: aggregate.partitionKey, data: aggregate.data }]);
    const source = sourceFor('kpl');

    // Act
    const records = await readAll(source, await source.getIterator('shardId-000000000000', { type: 'TRIM_HORIZON' }));

    // Assert
    expect(records).toHaveLength(1);
    const lambdaRecord = records[0]!.lambdaRecord as KinesisStreamRecord;
    expect(lambdaRecord.kinesis.sequenceNumber).toBe(sequence);
    expect(lambdaRecord.kinesis.data).toBe(aggregate.data.toString('base64'));
    expect(Buffer.from(lambdaRecord.kinesis.data, 'base64').subarray(0, 4)).toEqual(KPL_MAGIC);
  });

  it('after SplitShard lists the closed parent and its two children, and reads the parent to SHARD_END', async () => {
    // Arrange
    const source = createStreamSource('kinesis', { client, streamArn: arns.reshard!, region: REGION });
    const parent = 'shardId-000000000000';
    const written = await put(
      'reshard',
      ['p-1', 'p-2'].map((key) => ({ partitionKey: key, data: Buffer.from(key) })),
    );
    await client.send(
      new SplitShardCommand({
        StreamName: 'reshard',
        ShardToSplit: parent,
        NewStartingHashKey: (2n ** 127n).toString(),
      }),
    );

    // Act
    let shards = await source.listShards();
    while (shards.length < 3) shards = await source.listShards(); // kinesalite completes the split on its next tick
    const read: SourceRecord[] = [];
    let iterator: string | undefined = await source.getIterator(parent, { type: 'TRIM_HORIZON' });
    for (let page = 0; iterator !== undefined && page < 20; page++) {
      const result = await source.read(iterator, 1);
      read.push(...result.records);
      iterator = result.nextIterator;
    }

    // Assert
    expect(shards[0]).toMatchObject({ shardId: parent, endingSequenceNumber: expect.any(String) });
    expect(shards.slice(1).map((shard) => shard.parentShardId)).toEqual([parent, parent]);
    expect(shards.slice(1).every((shard) => shard.endingSequenceNumber === undefined)).toBe(true);
    expect(sequenceNumbers(read)).toEqual(written);
    expect(iterator).toBeUndefined();
  });

  it('throws ExpiredIteratorError for an iterator older than 5 minutes and InvalidIteratorError for a foreign one', async () => {
    // Arrange
    const source = sourceFor('positions');
    const shardId = 'shardId-000000000000';
    const [shard] = await source.listShards();
    const expired = `${shardId}:${kinesaliteIterator('positions', shardId, shard!.startingSequenceNumber, Date.now() - 301_000)}`;

    // Act
    const expiredError = await source.read(expired, 10).catch((error: unknown) => error);
    const foreignError = await source.read('not-a-kinesis-source-iterator', 10).catch((error: unknown) => error);

    // Assert
    expect(expiredError).toBeInstanceOf(ExpiredIteratorError);
    expect(expiredError).toMatchObject({ cause: { name: 'ExpiredIteratorException' } });
    expect(foreignError).toBeInstanceOf(InvalidIteratorError);
  });
});

describe('toStreamSourceError (pure mapping of the SDK exceptions, no emulator)', () => {
  it('maps throttles and limits to ReadThrottledError, expiry and trimming to their errors, and passes others through', () => {
    // Arrange
    const $metadata = {};
    const throttled = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata });
    const limited = new LimitExceededException({ message: 'Limit', $metadata });
    const generic = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    const expired = new ExpiredIteratorException({ message: 'expired', $metadata });
    const trimmed = new TrimmedDataAccessException({ message: 'trimmed', $metadata });
    const other = Object.assign(new Error('nope'), { name: 'ResourceNotFoundException' });

    // Act
    const mapped = [throttled, limited, generic, expired, trimmed, other].map((error) =>
      toStreamSourceError(error, 'GetRecords'),
    );

    // Assert
    expect(mapped[0]).toBeInstanceOf(ReadThrottledError);
    expect(mapped[1]).toBeInstanceOf(ReadThrottledError);
    expect(mapped[2]).toBeInstanceOf(ReadThrottledError);
    expect(mapped[3]).toBeInstanceOf(ExpiredIteratorError);
    expect(mapped[4]).toBeInstanceOf(TrimmedDataError);
    expect(mapped[5]).toBe(other);
    expect((mapped[0] as Error).cause).toBe(throttled);
    expect((mapped[0] as Error).name).toBe('ReadThrottledError');
    expect((mapped[0] as Error).message).toBe('GetRecords: ProvisionedThroughputExceededException: Rate exceeded');
  });
});

/**
 * A kinesalite shard iterator created at `createdAtMs`, in kinesalite's own format (AES-256-CBC with
 * its published key), to reach the real `ExpiredIteratorException` path without waiting 5 minutes.
 */
function kinesaliteIterator(stream: string, shardId: string, sequenceNumber: string, createdAtMs: number): string {
  const db = createRequire(import.meta.url)('kinesalite/db/index.js') as {
    ITERATOR_PWD_KEY: Buffer;
    ITERATOR_PWD_IV: Buffer;
  };
  const plain = [String(createdAtMs).padStart(14, '0'), stream, shardId, sequenceNumber, '0'.repeat(36)].join('/');
  const cipher = createCipheriv('aes-256-cbc', db.ITERATOR_PWD_KEY, db.ITERATOR_PWD_IV);
  return Buffer.concat([Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]), cipher.update(plain, 'utf8'), cipher.final()]).toString(
    'base64',
  );
}
