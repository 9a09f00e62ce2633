import { randomUUID } from 'node:crypto';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import {
  type BatchGetItemCommandOutput,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Context, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DynamoDBLocal,
  localDynamoDBClientConfig,
  startDynamoDBLocal,
} from '../../src/local/emulators/dynamodb-local.js';
import { DynamoDBIdempotencyStore } from '../../src/runtime/processing/idempotency/dynamodb-store.js';
import {
  type ClaimState,
  ensureIdempotencyTable,
  IdempotencyStoreError,
  IdempotencyTableError,
} from '../../src/runtime/processing/idempotency/index.js';
import { KinesisEventFactory } from '../factories/index.js';

const TABLE = 'shardflow-idempotency';
const POWERTOOLS_TABLE = 'powertools-idempotency';
const LOCK_MS = 60_000;

let ddb: DynamoDBLocal;
const clients: DynamoDBClient[] = [];

/** A fresh client on the shared DynamoDB Local (each test counts or intercepts its own calls). */
function newClient(): DynamoDBClient {
  const client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
  clients.push(client);
  return client;
}

/**
 * Records the name of every DynamoDB request the client sends. The middleware sits in the `deserialize`
 * step, which runs once per HTTP attempt (inside the SDK's retry loop): it counts real round trips.
 */
function countCalls(client: DynamoDBClient): string[] {
  const calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'deserialize', name: 'shardflowCallCounter' },
  );
  return calls;
}

/** Keys unique to one test, so tests sharing the table do not see each other's items. */
function keys(count: number, prefix = randomUUID()): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
}

/** A Lambda context as the runtime passes it (Powertools reads the remaining time from it). */
function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'click-counter',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:click-counter',
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/click-counter',
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function states(claims: Map<string, ClaimState>, of: readonly string[]): ClaimState[] {
  return of.map((key) => claims.get(key)!);
}

beforeAll(async () => {
  ddb = await startDynamoDBLocal();
  const setup = newClient();
  await ensureIdempotencyTable(setup, TABLE);
  await ensureIdempotencyTable(setup, POWERTOOLS_TABLE); // Powertools' default schema: partition key `id` (S)
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await ddb?.stop();
});

describe('DynamoDBIdempotencyStore (real DynamoDB Local)', () => {
  it('acquires new keys, then reports them completed after finish while still acquiring new ones', async () => {
    // Arrange
    const store = new DynamoDBIdempotencyStore({ client: newClient(), tableName: TABLE });
    const batch = keys(5);
    const first = await store.begin(batch, LOCK_MS);
    await store.finish(batch, []);
    const later = keys(2);

    // Act
    const second = await store.begin([...batch, ...later], LOCK_MS);

    // Assert
    expect(states(first, batch)).toEqual(Array(5).fill('acquired'));
    expect(states(second, batch)).toEqual(Array(5).fill('completed'));
    expect(states(second, later)).toEqual(['acquired', 'acquired']);
  });

  it('lets a retry claim released keys again', async () => {
    // Arrange
    const store = new DynamoDBIdempotencyStore({ client: newClient(), tableName: TABLE });
    const [done, failed, notStarted] = keys(3) as [string, string, string];
    await store.begin([done, failed, notStarted], LOCK_MS);
    await store.finish([done], [failed, notStarted]);
    const retry = new DynamoDBIdempotencyStore({ client: newClient(), tableName: TABLE });

    // Act
    const claims = await retry.begin([done, failed, notStarted], LOCK_MS);

    // Assert
    expect(states(claims, [done, failed, notStarted])).toEqual(['completed', 'acquired', 'acquired']);
  });

  it('reports a key locked by another store instance as in-progress', async () => {
    // Arrange
    const invocationA = new DynamoDBIdempotencyStore({ client: newClient(), tableName: TABLE });
    const invocationB = new DynamoDBIdempotencyStore({ client: newClient(), tableName: TABLE });
    const [locked, free] = keys(2) as [string, string];
    await invocationA.begin([locked], LOCK_MS);

    // Act
    const claims = await invocationB.begin([locked, free], LOCK_MS);

    // Assert
    expect(claims.get(locked)).toBe('in-progress');
    expect(claims.get(free)).toBe('acquired');
  });

  it('lets another invocation take over a lock that has expired (its holder crashed)', async () => {
    // Arrange
    const startMs = Date.now();
    const crashed = new DynamoDBIdempotencyStore({ client: newClient(), tableName: TABLE, now: () => startMs });
    const later = new DynamoDBIdempotencyStore({
      client: newClient(),
      tableName: TABLE,
      now: () => startMs + 1_001,
    });
    const [key] = keys(1) as [string];
    await crashed.begin([key], 1_000);

    // Act
    const claims = await later.begin([key], LOCK_MS);

    // Assert
    expect(claims.get(key)).toBe('acquired');
  });

  it('treats a completed item past its expiration (not yet deleted by TTL) as new', async () => {
    // Arrange
    const startMs = Date.now();
    const client = newClient();
    const today = new DynamoDBIdempotencyStore({ client, tableName: TABLE, ttlSeconds: 60, now: () => startMs });
    const nextWeek = new DynamoDBIdempotencyStore({ client, tableName: TABLE, now: () => startMs + 7 * 86_400_000 });
    const [key] = keys(1) as [string];
    await today.begin([key], LOCK_MS);
    await today.finish([key], []);

    // Act
    const claims = await nextWeek.begin([key], LOCK_MS);

    // Assert
    expect(claims.get(key)).toBe('acquired');
  });

  it('handles 250 keys across chunks of 100 reads, 100 claims, 25 completions and conditional releases', async () => {
    // Arrange
    const client = newClient();
    const store = new DynamoDBIdempotencyStore({ client, tableName: TABLE });
    const calls = countCalls(client);
    const batch = keys(250);

    // Act
    const first = await store.begin(batch, LOCK_MS);
    await store.finish(batch.slice(0, 200), batch.slice(200));
    const second = await store.begin(batch, LOCK_MS);

    // Assert
    expect(new Set(first.values())).toEqual(new Set(['acquired']));
    expect(states(second, batch.slice(0, 200))).toEqual(Array(200).fill('completed'));
    expect(states(second, batch.slice(200))).toEqual(Array(50).fill('acquired'));
    expect(calls.filter((c) => c === 'BatchGetItem')).toHaveLength(6); // 3 + 3
    expect(calls.filter((c) => c === 'TransactWriteItems')).toHaveLength(4); // 3 + 1 (the 50 released)
    expect(calls.filter((c) => c === 'BatchWriteItem')).toHaveLength(8); // 200 completions / 25
    expect(calls.filter((c) => c === 'DeleteItem')).toHaveLength(50); // releases are conditional, one each
  });

  it('stores keys longer than the 2048-byte partition key limit (as their SHA-256)', async () => {
    // Arrange
    const store = new DynamoDBIdempotencyStore({ client: newClient(), tableName: TABLE });
    const longKey = `${randomUUID()}:${'x'.repeat(5_000)}`;
    await store.begin([longKey], LOCK_MS);
    await store.finish([longKey], []);

    // Act
    const claims = await store.begin([longKey], LOCK_MS);

    // Assert
    expect(claims.get(longKey)).toBe('completed');
  });

  it('resolves keys another writer claims or completes between its read and its transaction', async () => {
    // Arrange: the competitor strikes right before our first TransactWriteItems.
    const competitor = new DynamoDBIdempotencyStore({ client: newClient(), tableName: TABLE });
    const client = newClient();
    const calls = countCalls(client);
    const [contested, completedMeanwhile, ...others] = keys(5) as [string, string, ...string[]];
    let struck = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && !struck) {
          struck = true;
          await competitor.begin([contested, completedMeanwhile], LOCK_MS);
          await competitor.finish([completedMeanwhile], []);
        }
        return next(args);
      },
      { step: 'initialize', name: 'competitorStrikes' },
    );
    const store = new DynamoDBIdempotencyStore({ client, tableName: TABLE });

    // Act
    const claims = await store.begin([contested, completedMeanwhile, ...others], LOCK_MS);

    // Assert
    expect(claims.get(contested)).toBe('in-progress');
    expect(claims.get(completedMeanwhile)).toBe('completed');
    expect(states(claims, others)).toEqual(['acquired', 'acquired', 'acquired']);
    // The cancellation reasons carry the winners' items (ALL_OLD): no re-read is needed.
    expect(calls).toEqual(['BatchGetItem', 'TransactWriteItems', 'TransactWriteItems']);
  });

  it('retries UnprocessedKeys and UnprocessedItems until DynamoDB has taken everything', async () => {
    // Arrange: on its first BatchGetItem and BatchWriteItem, "DynamoDB" handles only part of the request,
    // exactly as it does under throttling (the rest comes back as Unprocessed*).
    const client = newClient();
    const calls = countCalls(client);
    const dropped = { gets: 0, writes: 0 };
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchWriteItemCommand' && dropped.writes === 0) {
          const input = args.input as BatchWriteItemCommandInput;
          const requests = input.RequestItems?.[TABLE] ?? [];
          dropped.writes = requests.length - 5;
          const result = await next({ ...args, input: { ...input, RequestItems: { [TABLE]: requests.slice(0, 5) } } });
          (result.output as BatchWriteItemCommandOutput).UnprocessedItems = { [TABLE]: requests.slice(5) };
          return result;
        }
        if (context.commandName === 'BatchGetItemCommand' && dropped.gets === 0 && dropped.writes > 0) {
          const result = await next(args);
          const output = result.output as BatchGetItemCommandOutput;
          const items = output.Responses?.[TABLE] ?? [];
          dropped.gets = items.length - 5;
          output.Responses = { [TABLE]: items.slice(0, 5) };
          output.UnprocessedKeys = { [TABLE]: { Keys: items.slice(5).map((item) => ({ id: item.id! })) } };
          return result;
        }
        return next(args);
      },
      { step: 'initialize', name: 'partialBatches' },
    );
    const store = new DynamoDBIdempotencyStore({ client, tableName: TABLE });
    const batch = keys(20);
    await store.begin(batch, LOCK_MS);

    // Act
    await store.finish(batch, []);
    calls.length = 0;
    const claims = await store.begin(batch, LOCK_MS);

    // Assert
    expect(dropped).toEqual({ writes: 15, gets: 15 });
    expect(states(claims, batch)).toEqual(Array(20).fill('completed'));
    expect(calls).toEqual(['BatchGetItem', 'BatchGetItem']); // the retry, and no claim attempts
  });

  it('surfaces DynamoDB errors as IdempotencyStoreError (transient) with the AWS error as cause', async () => {
    // Arrange
    const store = new DynamoDBIdempotencyStore({ client: newClient(), tableName: 'no-such-table' });

    // Act
    const error = await store.begin(keys(1), LOCK_MS).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(IdempotencyStoreError);
    expect((error as Error).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('needs at most 7 DynamoDB round trips for a 100-record batch, far fewer than Powertools idempotency', async () => {
    // Arrange: the same 100 Kinesis records (AWS's documented event shape) for both.
    const records = new KinesisEventFactory({ streamName: `clicks-${randomUUID()}` }).event(
      Array.from({ length: 100 }, (_, i) => ({ json: { click: i }, partitionKey: `user-${i % 7}` })),
    ).Records;
    const ourClient = newClient();
    const ourCalls = countCalls(ourClient);
    const store = new DynamoDBIdempotencyStore({ client: ourClient, tableName: TABLE });
    const recordKeys = records.map((record) => `click-counter#${record.eventID}`);
    let ourEffects = 0;
    const powertoolsClient = newClient();
    const powertoolsCalls = countCalls(powertoolsClient);
    const powertoolsConfig = new IdempotencyConfig({ eventKeyJmesPath: 'eventID' });
    powertoolsConfig.registerLambdaContext(lambdaContext());
    let powertoolsEffects = 0;
    const processIdempotently = makeIdempotent(
      async (record: KinesisStreamRecord) => {
        powertoolsEffects++;
        return record.kinesis.sequenceNumber;
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: POWERTOOLS_TABLE,
          awsSdkV3Client: powertoolsClient,
        }),
        config: powertoolsConfig,
      },
    );

    // Act: first delivery, then a redelivery of the same batch (what Lambda does after a retry).
    const ours = { first: 0, redelivery: 0 };
    const theirs = { first: 0, redelivery: 0 };
    for (const delivery of ['first', 'redelivery'] as const) {
      ourCalls.length = 0;
      const claims = await store.begin(recordKeys, LOCK_MS);
      const acquired = recordKeys.filter((key) => claims.get(key) === 'acquired');
      ourEffects += acquired.length;
      await store.finish(acquired, []);
      ours[delivery] = ourCalls.length;

      powertoolsCalls.length = 0;
      for (const record of records) await processIdempotently(record);
      theirs[delivery] = powertoolsCalls.length;
    }
    console.info(
      `idempotency round trips for 100 records — shardflow: ${ours.first} (first delivery), ${ours.redelivery} (redelivery); ` +
        `Powertools makeIdempotent: ${theirs.first} (first delivery), ${theirs.redelivery} (redelivery)`,
    );

    // Assert
    expect(ourEffects).toBe(100);
    expect(powertoolsEffects).toBe(100);
    expect(ours.first).toBeLessThanOrEqual(7);
    expect(ours.first).toBeLessThan(theirs.first);
    expect(ours.redelivery).toBeLessThan(theirs.redelivery);
  });
});

describe('ensureIdempotencyTable (real DynamoDB Local)', () => {
  it('creates the table once, enables TTL on expiration, and is safe to call again', async () => {
    // Arrange
    const client = newClient();
    const tableName = `idempotency-${randomUUID()}`;

    // Act
    await ensureIdempotencyTable(client, tableName);
    await ensureIdempotencyTable(client, tableName);
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const missing = await client.send(new GetItemCommand({ TableName: tableName, Key: { id: { S: 'nothing' } } }));

    // Assert
    expect(ttl.TimeToLiveDescription).toMatchObject({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });
    expect(missing.Item).toBeUndefined();
  });

  it('refuses a table keyed by something other than id', async () => {
    // Arrange
    const client = newClient();
    const tableName = `orders-${randomUUID()}`;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'orderId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );

    // Act
    const ensured = ensureIdempotencyTable(client, tableName);

    // Assert
    await expect(ensured).rejects.toBeInstanceOf(IdempotencyTableError);
    await expect(ensured).rejects.toThrow(/partition key 'id'.*found orderId \(HASH\)/);
  });
});
