import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamsApiRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResources } from '../../src/local/emulators/create-resources.js';
import {
  type DynamoDBLocal,
  localDynamoDBClientConfig,
  startDynamoDBLocal,
} from '../../src/local/emulators/dynamodb-local.js';
import type { SourceRecord } from '../../src/local/esm/ports.js';
import {
  createStreamSource,
  type DynamoDBStreamsSource,
  ExpiredIteratorError,
  UnsupportedPositionError,
} from '../../src/local/esm/sources/index.js';
import { decodeEvent } from '../../src/runtime/records/decode-event.js';

const REGION = 'us-east-1';

let ddb: DynamoDBLocal;
let dynamodb: DynamoDBClient;
let streams: DynamoDBStreamsClient;
let streamArn: string;

beforeAll(async () => {
  ddb = await startDynamoDBLocal();
  dynamodb = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
  streams = new DynamoDBStreamsClient(localDynamoDBClientConfig(ddb.endpoint));
  const created = await createResources(
    {
      streams: {
        orders: {
          source: { type: 'dynamodb', table: 'orders', keySchema: { partitionKey: 'pk', sortKey: 'sk' } },
        },
      },
    },
    { dynamodb },
  );
  streamArn = created.streams.orders!.streamArn;
});

afterAll(async () => {
  dynamodb?.destroy();
  streams?.destroy();
  await ddb?.stop();
});

/** The records of the stream's first shard as the raw API returns them (to compare the conversion against). */
async function rawRecords(shardId: string): Promise<StreamsApiRecord[]> {
  const { ShardIterator } = await streams.send(
    new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  return (await streams.send(new GetRecordsCommand({ ShardIterator, Limit: 1000 }))).Records ?? [];
}

describe('DynamoDBStreamsSource (real DynamoDB Local)', () => {
  let source: DynamoDBStreamsSource;
  let shardId: string;
  let records: SourceRecord[];
  let apiRecords: StreamsApiRecord[];

  beforeAll(async () => {
    // Arrange (shared): one item inserted, modified and removed; a binary attribute checks base64 conversion.
    source = createStreamSource('dynamodb', { client: streams, streamArn, region: REGION });
    const key = { sk: { S: '0007' }, pk: { S: 'order#1' } };
    await dynamodb.send(
      new PutItemCommand({
        TableName: 'orders',
        Item: {
          ...key,
          status: { S: 'NEW' },
          blob: { B: Uint8Array.of(1, 2, 3) },
          nested: { M: { parts: { L: [{ B: Uint8Array.of(4) }] }, set: { BS: [Uint8Array.of(5)] } } },
        },
      }),
    );
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: 'orders',
        Key: key,
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'PAID' } },
      }),
    );
    await dynamodb.send(new DeleteItemCommand({ TableName: 'orders', Key: key }));
    shardId = (await source.listShards())[0]!.shardId;
    apiRecords = await rawRecords(shardId);
    records = (await source.read(await source.getIterator(shardId, { type: 'TRIM_HORIZON' }), 100)).records;
  });

  it('lists the stream shard with its sequence number range', async () => {
    // Act
    const shards = await source.listShards();

    // Assert
    expect(shards).toEqual([{ shardId, startingSequenceNumber: expect.stringMatching(/^\d{21,}$/) }]);
  });

  it('turns INSERT, MODIFY and REMOVE into Lambda DynamoDB records in the exact documented shape', () => {
    // Arrange
    const keys = { sk: { S: '0007' }, pk: { S: 'order#1' } };
    const newImage = {
      ...keys,
      status: { S: 'NEW' },
      blob: { B: 'AQID' },
      nested: { M: { parts: { L: [{ B: 'BA==' }] }, set: { BS: ['BQ=='] } } },
    };
    const paidImage = { ...newImage, status: { S: 'PAID' } };
    const expected = (i: number, eventName: 'INSERT' | 'MODIFY' | 'REMOVE', images: object): DynamoDBRecord => ({
      eventID: apiRecords[i]!.eventID!,
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: REGION,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(apiRecords[i]!.dynamodb!.ApproximateCreationDateTime!.getTime() / 1000),
        Keys: keys,
        ...images,
        SequenceNumber: apiRecords[i]!.dynamodb!.SequenceNumber!,
        SizeBytes: apiRecords[i]!.dynamodb!.SizeBytes!,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: streamArn,
    });

    // Act
    const lambdaRecords = records.map((record) => record.lambdaRecord as DynamoDBRecord);

    // Assert
    expect(lambdaRecords).toStrictEqual([
      expected(0, 'INSERT', { NewImage: newImage }),
      expected(1, 'MODIFY', { NewImage: paidImage, OldImage: newImage }),
      expected(2, 'REMOVE', { OldImage: paidImage }),
    ]);
    for (const record of lambdaRecords) {
      expect(Object.keys(record)).toEqual([
        'eventID',
        'eventName',
        'eventVersion',
        'eventSource',
        'awsRegion',
        'dynamodb',
        'eventSourceARN',
      ]);
      expect(Number.isInteger(record.dynamodb?.ApproximateCreationDateTime)).toBe(true);
    }
    expect(streamArn).toMatch(/:table\/orders\/stream\//);
  });

  it('carries sequence number, canonical partition key, arrival and payload size on each SourceRecord', () => {
    // Act
    const meta = records.map(({ lambdaRecord, ...rest }) => rest);

    // Assert
    expect(meta).toEqual(
      records.map((record, i) => ({
        sequenceNumber: apiRecords[i]!.dynamodb!.SequenceNumber,
        partitionKey: '{"pk":"order#1","sk":"0007"}',
        approximateArrivalMs: apiRecords[i]!.dynamodb!.ApproximateCreationDateTime!.getTime(),
        payloadBytes: Buffer.byteLength(JSON.stringify(record.lambdaRecord)),
      })),
    );
  });

  it('produces records the handler decoder reads back: same keys, images and partition key', () => {
    // Act
    const decoded = decodeEvent({ Records: records.map((record) => record.lambdaRecord) });

    // Assert
    expect(decoded.source).toBe('dynamodb');
    const first = decoded.entries[0];
    expect(first?.ok).toBe(true);
    if (first?.ok !== true || first.record.source !== 'dynamodb') throw new Error('not a decoded DynamoDB record');
    expect(first.record.keys).toEqual({ pk: 'order#1', sk: '0007' });
    expect(first.record.newImage?.blob).toEqual(Buffer.from([1, 2, 3]));
    expect(first.record.tableName).toBe('orders');
    expect(decoded.entries.map((entry) => (entry.ok ? entry.record.partitionKey : undefined))).toEqual(
      records.map((record) => record.partitionKey),
    );
  });

  it('starts at AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER and LATEST; rejects AT_TIMESTAMP', async () => {
    // Arrange
    const [first, second, third] = records.map((record) => record.sequenceNumber);
    const latest = await source.getIterator(shardId, { type: 'LATEST' });
    await dynamodb.send(new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'order#2' }, sk: { S: '0001' } } }));

    // Act
    const at = await source.read(
      await source.getIterator(shardId, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: second! }),
      100,
    );
    const after = await source.read(
      await source.getIterator(shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: second! }),
      100,
    );
    const fromLatest = await source.read(latest, 100);
    const atTimestamp = await source
      .getIterator(shardId, { type: 'AT_TIMESTAMP', timestamp: new Date() })
      .catch((error: unknown) => error);

    // Assert
    const sequences = (page: { records: SourceRecord[] }) => page.records.map((record) => record.sequenceNumber);
    expect(first).toBeDefined();
    expect(sequences(at).slice(0, 2)).toEqual([second, third]);
    expect(sequences(after)[0]).toBe(third);
    expect(fromLatest.records.map((record) => record.partitionKey)).toEqual(['{"pk":"order#2","sk":"0001"}']);
    expect(atTimestamp).toBeInstanceOf(UnsupportedPositionError);
  });

  it('throws ExpiredIteratorError for an iterator older than 15 minutes', async () => {
    // Arrange: DynamoDB Local's iterator is `<arn>|<version>|base64(<shardId>|<sequence>|<created ms>)`.
    const iterator = await source.getIterator(shardId, { type: 'TRIM_HORIZON' });
    const [arn, version, encoded] = iterator.split('|');
    const [shard, sequence, created] = Buffer.from(encoded!, 'base64').toString('utf8').split('|');
    const old = String(Date.now() - 16 * 60_000).padStart(created!.length, '0');
    const expired = `${arn}|${version}|${Buffer.from(`${shard}|${sequence}|${old}`).toString('base64')}`;

    // Act
    const error = await source.read(expired, 10).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(ExpiredIteratorError);
    expect(error).toMatchObject({ cause: { name: 'ExpiredIteratorException' } });
  });
});
