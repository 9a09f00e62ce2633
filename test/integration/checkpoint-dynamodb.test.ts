import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamoDBLocal,
  localDynamoDBClientConfig,
  startDynamoDBLocal,
} from '../../src/local/emulators/dynamodb-local.js';
import {
  DynamoDBCheckpointStore,
  sortableSequenceNumber,
} from '../../src/local/esm/checkpoint/dynamodb-checkpoint-store.js';
import { ensureCheckpointTable } from '../../src/local/esm/checkpoint/ensure-checkpoint-table.js';
import { CheckpointStoreError, CheckpointTableError } from '../../src/local/esm/checkpoint/errors.js';

const TABLE = 'shardflow-checkpoints';
const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';
/** Real-length Kinesis sequence numbers (56 digits) and a DynamoDB Streams one (28 digits). */
const KINESIS_LOW = '49590338271490256608559692538361571095921575989136588898';
const KINESIS_HIGH = '49590338271490256608559692540925702759324208523137515618';
const DYNAMODB_SEQUENCE = '4421584500000000017450439091';

let ddb: DynamoDBLocal;
let client: DynamoDBClient;

/** A mapping id unique to one test, so tests sharing the table do not see each other's items. */
const mapping = () => `mapping-${randomUUID()}`;

describe('DynamoDBCheckpointStore against DynamoDB Local', () => {
  beforeAll(async () => {
    ddb = await startDynamoDBLocal();
    client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
    await ensureCheckpointTable(client, TABLE);
  });

  afterAll(async () => {
    client?.destroy();
    await ddb?.stop();
  });

  it('creates a KCL-style lease table: partition key mappingId, sort key shardId, both strings', async () => {
    // Arrange: created in beforeAll

    // Act
    const table = (await client.send(new DescribeTableCommand({ TableName: TABLE }))).Table;

    // Assert
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'mappingId', KeyType: 'HASH' },
      { AttributeName: 'shardId', KeyType: 'RANGE' },
    ]);
    expect(table?.AttributeDefinitions).toEqual(
      expect.arrayContaining([
        { AttributeName: 'mappingId', AttributeType: 'S' },
        { AttributeName: 'shardId', AttributeType: 'S' },
      ]),
    );
    await expect(ensureCheckpointTable(client, TABLE)).resolves.toBeUndefined();
  });

  it('refuses a table with another key schema', async () => {
    // Arrange
    await client.send(
      new CreateTableCommand({
        TableName: 'not-a-lease-table',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    // Act
    const ensured = ensureCheckpointTable(client, 'not-a-lease-table');

    // Assert
    await expect(ensured).rejects.toThrow(CheckpointTableError);
  });

  it('saves and loads every shard of a mapping, with the item attributes of the lease table', async () => {
    // Arrange
    const store = new DynamoDBCheckpointStore({
      client,
      tableName: TABLE,
      now: () => new Date('2024-05-01T10:00:00.000Z'),
    });
    const id = mapping();

    // Act
    await store.save(id, SHARD_0, { sequenceNumber: KINESIS_LOW, ended: false });
    await store.save(id, SHARD_1, { sequenceNumber: undefined, ended: true });
    const loaded = await store.load(id);

    // Assert
    expect(loaded).toEqual(
      new Map([
        [SHARD_0, { sequenceNumber: KINESIS_LOW, ended: false }],
        [SHARD_1, { sequenceNumber: undefined, ended: true }],
      ]),
    );
    const item = (
      await client.send(
        new GetItemCommand({ TableName: TABLE, Key: { mappingId: { S: id }, shardId: { S: SHARD_0 } } }),
      )
    ).Item;
    expect(item).toEqual({
      mappingId: { S: id },
      shardId: { S: SHARD_0 },
      checkpoint: { S: KINESIS_LOW },
      checkpointSortable: { S: sortableSequenceNumber(KINESIS_LOW) },
      ended: { BOOL: false },
      updatedAt: { S: '2024-05-01T10:00:00.000Z' },
    });
  });

  it('loads an empty map for a mapping without items', async () => {
    // Arrange
    const store = new DynamoDBCheckpointStore({ client, tableName: TABLE });

    // Act
    const loaded = await store.load(mapping());

    // Assert
    expect(loaded.size).toBe(0);
  });

  it('never moves a checkpoint backwards, comparing numerically (99 < 100) and across lengths', async () => {
    // Arrange
    const store = new DynamoDBCheckpointStore({ client, tableName: TABLE });
    const id = mapping();

    // Act
    await store.save(id, SHARD_0, { sequenceNumber: '100', ended: false });
    await store.save(id, SHARD_0, { sequenceNumber: '99', ended: false });
    await store.save(id, SHARD_0, { sequenceNumber: undefined, ended: false });
    await store.save(id, SHARD_1, { sequenceNumber: KINESIS_HIGH, ended: false });
    await store.save(id, SHARD_1, { sequenceNumber: KINESIS_LOW, ended: false });
    await store.save(id, SHARD_1, { sequenceNumber: DYNAMODB_SEQUENCE, ended: false });

    // Assert
    expect(await store.load(id)).toEqual(
      new Map([
        [SHARD_0, { sequenceNumber: '100', ended: false }],
        [SHARD_1, { sequenceNumber: KINESIS_HIGH, ended: false }],
      ]),
    );
  });

  it('moves forward across digit counts (999 → 1000) and accepts the same checkpoint again', async () => {
    // Arrange
    const store = new DynamoDBCheckpointStore({ client, tableName: TABLE });
    const id = mapping();

    // Act
    await store.save(id, SHARD_0, { sequenceNumber: '999', ended: false });
    await store.save(id, SHARD_0, { sequenceNumber: '1000', ended: false });
    await store.save(id, SHARD_0, { sequenceNumber: '1000', ended: false });

    // Assert
    expect((await store.load(id)).get(SHARD_0)).toEqual({ sequenceNumber: '1000', ended: false });
  });

  it('marks a shard ended at its last checkpoint and never reopens it', async () => {
    // Arrange
    const store = new DynamoDBCheckpointStore({ client, tableName: TABLE });
    const id = mapping();
    await store.save(id, SHARD_0, { sequenceNumber: DYNAMODB_SEQUENCE, ended: false });

    // Act
    await store.save(id, SHARD_0, { sequenceNumber: DYNAMODB_SEQUENCE, ended: true });
    await store.save(id, SHARD_0, { sequenceNumber: DYNAMODB_SEQUENCE, ended: false });

    // Assert
    expect((await store.load(id)).get(SHARD_0)).toEqual({ sequenceNumber: DYNAMODB_SEQUENCE, ended: true });
  });

  it('ends with the highest checkpoint when saves race', async () => {
    // Arrange
    const store = new DynamoDBCheckpointStore({ client, tableName: TABLE });
    const id = mapping();
    const values = Array.from({ length: 30 }, (_, i) => String(1000 + ((i * 7) % 30)));

    // Act
    await Promise.all(values.map((value) => store.save(id, SHARD_0, { sequenceNumber: value, ended: false })));

    // Assert
    expect((await store.load(id)).get(SHARD_0)?.sequenceNumber).toBe('1029');
  });

  it('keeps two mappings isolated, even on the same shard ids', async () => {
    // Arrange
    const store = new DynamoDBCheckpointStore({ client, tableName: TABLE });
    const orders = mapping();
    const clicks = mapping();

    // Act
    await store.save(orders, SHARD_0, { sequenceNumber: '5', ended: false });
    await store.save(clicks, SHARD_0, { sequenceNumber: '500', ended: false });
    await store.save(clicks, SHARD_1, { sequenceNumber: '7', ended: true });
    await store.save(orders, SHARD_0, { sequenceNumber: '6', ended: false });

    // Assert
    expect(await store.load(orders)).toEqual(new Map([[SHARD_0, { sequenceNumber: '6', ended: false }]]));
    expect(await store.load(clicks)).toEqual(
      new Map([
        [SHARD_0, { sequenceNumber: '500', ended: false }],
        [SHARD_1, { sequenceNumber: '7', ended: true }],
      ]),
    );
  });

  it('reports a missing table as a transient CheckpointStoreError', async () => {
    // Arrange
    const store = new DynamoDBCheckpointStore({ client, tableName: 'no-such-table' });

    // Act
    const saveError = await store.save(mapping(), SHARD_0, { sequenceNumber: '1', ended: false }).catch((e) => e);
    const loadError = await store.load(mapping()).catch((e) => e);

    // Assert
    expect(saveError).toBeInstanceOf(CheckpointStoreError);
    expect(saveError.message).toMatch(/ResourceNotFoundException/);
    expect(loadError).toBeInstanceOf(CheckpointStoreError);
  });
});
