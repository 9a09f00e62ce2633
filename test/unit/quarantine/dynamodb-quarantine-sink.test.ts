import { BatchWriteItemCommand, type BatchWriteItemCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DynamoDBQuarantineSink,
  dynamoItemBytes,
  quarantineItemKey,
} from '../../../src/runtime/processing/quarantine/dynamodb-quarantine-sink.js';
import { QuarantineWriteError } from '../../../src/runtime/processing/quarantine/quarantine-write-error.js';
import { dynamodbLambdaRecord, kinesisEntries, kinesisEntry } from './fixtures.js';

const TABLE = 'shop-quarantine';
const NO_WAIT = { baseDelayMs: 0 } as const;

const itemsOf = (input: BatchWriteItemCommandInput) =>
  (input.RequestItems?.[TABLE] ?? []).map((request) => request.PutRequest?.Item ?? {});

// Mocked in unit tests; a DynamoDB Local integration test comes with the local ESM.
describe('DynamoDBQuarantineSink (mocked client; DynamoDB Local integration comes later)', () => {
  const client = new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const dynamodb = mockClient(client);

  afterEach(() => {
    dynamodb.reset();
  });

  it('writes 26 entries in 2 BatchWriteItem calls (25 + 1) with pk <stream>#<shardId> and sk <seq>#<subseq>', async () => {
    // Arrange
    dynamodb.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
    const sink = new DynamoDBQuarantineSink({ client, tableName: TABLE, retry: NO_WAIT });
    const entries = kinesisEntries(26);

    // Act
    await sink.write(entries);

    // Assert
    const calls = dynamodb.commandCalls(BatchWriteItemCommand);
    expect(calls.map((call) => itemsOf(call.args[0].input).length)).toEqual([25, 1]);
    const first = itemsOf(calls[0]!.args[0].input)[0]!;
    expect(first.pk).toEqual({ S: 'clicks#shardId-000000000006' });
    expect(first.sk).toEqual({ S: `${entries[0]?.sequenceNumber}#0` });
    const { pk: _pk, sk: _sk, ...attributes } = unmarshall(first);
    expect(attributes).toEqual(JSON.parse(JSON.stringify(entries[0])));
  });

  it('keys KPL sub-records by sub-sequence number and unknown shards as "unknown"', () => {
    // Arrange
    const sub = kinesisEntry(1, { subSequenceNumber: 3 });
    const ddb = kinesisEntry(2, {
      source: 'dynamodb',
      stream: 'orders',
      shardId: undefined,
      record: dynamodbLambdaRecord('111'),
    });

    // Act
    const keys = [quarantineItemKey(sub), quarantineItemKey(ddb)];

    // Assert
    expect(keys[0]).toEqual({ pk: 'clicks#shardId-000000000006', sk: `${sub.sequenceNumber}#3` });
    expect(keys[1]).toEqual({ pk: 'orders#unknown', sk: `${ddb.sequenceNumber}#0` });
  });

  it('stores a DynamoDB stream record with its marshalled images as nested maps', async () => {
    // Arrange
    dynamodb.on(BatchWriteItemCommand).resolves({});
    const record = dynamodbLambdaRecord('111');
    const entry = kinesisEntry(0, { source: 'dynamodb', sequenceNumber: '111', record });
    const sink = new DynamoDBQuarantineSink({ client, tableName: TABLE, retry: NO_WAIT });

    // Act
    await sink.write([entry]);

    // Assert
    const item = itemsOf(dynamodb.commandCalls(BatchWriteItemCommand)[0]!.args[0].input)[0]!;
    expect(unmarshall(item).record).toEqual(record);
  });

  it('retries UnprocessedItems until they are written', async () => {
    // Arrange: the first call leaves entry 2 unprocessed
    dynamodb
      .on(BatchWriteItemCommand)
      .callsFakeOnce((input: BatchWriteItemCommandInput) => ({
        UnprocessedItems: { [TABLE]: (input.RequestItems?.[TABLE] ?? []).slice(2, 3) },
      }))
      .resolves({ UnprocessedItems: {} });
    const sink = new DynamoDBQuarantineSink({ client, tableName: TABLE, retry: NO_WAIT });
    const entries = kinesisEntries(4);

    // Act
    await sink.write(entries);

    // Assert
    const calls = dynamodb.commandCalls(BatchWriteItemCommand);
    expect(calls).toHaveLength(2);
    expect(itemsOf(calls[1]!.args[0].input).map((item) => item.sk?.S)).toEqual([`${entries[2]?.sequenceNumber}#0`]);
  });

  it('rejects with a QuarantineWriteError when items stay unprocessed after every attempt', async () => {
    // Arrange
    dynamodb.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => ({
      UnprocessedItems: { [TABLE]: (input.RequestItems?.[TABLE] ?? []).slice(0, 1) },
    }));
    const sink = new DynamoDBQuarantineSink({ client, tableName: TABLE, retry: { maxAttempts: 3, baseDelayMs: 0 } });
    const entries = kinesisEntries(2);

    // Act
    const error = await sink.write(entries).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect((error as QuarantineWriteError).entries).toEqual([entries[0]]);
    expect(dynamodb.commandCalls(BatchWriteItemCommand)).toHaveLength(3);
  });

  it('collapses two entries with the same key into one put (BatchWriteItem rejects duplicate keys)', async () => {
    // Arrange
    dynamodb.on(BatchWriteItemCommand).resolves({});
    const earlier = kinesisEntry(5, { processor: 'first' });
    const later = kinesisEntry(5, { processor: 'second' });
    const sink = new DynamoDBQuarantineSink({ client, tableName: TABLE, retry: NO_WAIT });

    // Act
    await sink.write([earlier, kinesisEntry(6), later]);

    // Assert
    const items = itemsOf(dynamodb.commandCalls(BatchWriteItemCommand)[0]!.args[0].input);
    expect(items.map((item) => unmarshall(item).processor)).toEqual(['order-facts', 'second']);
  });

  it('rejects an item over 400 KB without sending it', async () => {
    // Arrange
    dynamodb.on(BatchWriteItemCommand).resolves({});
    const huge = kinesisEntry(1, { record: { blob: 'v'.repeat(410_000) } });
    const sink = new DynamoDBQuarantineSink({ client, tableName: TABLE, retry: NO_WAIT });

    // Act
    const error = await sink.write([kinesisEntry(0), huge]).catch((caught: unknown) => caught);

    // Assert
    expect((error as QuarantineWriteError).entries).toEqual([huge]);
    expect((error as QuarantineWriteError).failures[0]?.reason).toMatch(/over the 409600-byte DynamoDB limit/);
    expect(itemsOf(dynamodb.commandCalls(BatchWriteItemCommand)[0]!.args[0].input)).toHaveLength(1);
  });

  it('sizes items the way DynamoDB counts them (names + values)', () => {
    // Arrange
    const item = { pk: { S: 'abc' }, n: { N: '12345' }, ok: { BOOL: true }, m: { M: { a: { S: 'xy' } } } };

    // Act
    const bytes = dynamoItemBytes(item);

    // Assert: pk 2+3, n 1+(1+3), ok 2+1, m 1+(3 + (1+2) + 1)
    expect(bytes).toBe(5 + 5 + 3 + 8);
  });
});
