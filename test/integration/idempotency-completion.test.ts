import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDynamoDBClientConfig, startDynamoDBLocal } from '../../src/local/emulators/dynamodb-local.js';
import { DynamoDBIdempotencyStore } from '../../src/runtime/processing/idempotency/dynamodb-store.js';
import { ensureIdempotencyTable } from '../../src/runtime/processing/idempotency/index.js';

// A real DynamoDB Local, started by the test.
let stop: () => Promise<void>;
let client: DynamoDBClient;
beforeAll(async () => {
  const ddb = await startDynamoDBLocal();
  stop = ddb.stop;
  client = new DynamoDBClient(localDynamoDBClientConfig(ddb.endpoint));
  await ensureIdempotencyTable(client, 'idem');
  await client.send(
    new CreateTableCommand({
      TableName: 'effects',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}, 60_000);
afterAll(async () => {
  client?.destroy();
  await stop?.();
});

const effect = (id: string): TransactWriteItem => ({
  Update: {
    TableName: 'effects',
    Key: { id: { S: id } },
    UpdateExpression: 'ADD applied :one',
    ExpressionAttributeValues: { ':one': { N: '1' } },
  },
});

describe('DynamoDBIdempotencyStore.completionItem: effect and completion in one transaction', () => {
  it('commits the effect and the completion together; the next delivery sees the record completed', async () => {
    // Arrange
    const store = new DynamoDBIdempotencyStore({ client, tableName: 'idem' });
    await store.begin(['r1'], 60_000);

    // Act
    await client.send(
      new TransactWriteItemsCommand({ TransactItems: [effect('r1'), store.completionItem('r1') as TransactWriteItem] }),
    );
    const again = await new DynamoDBIdempotencyStore({ client, tableName: 'idem' }).begin(['r1'], 60_000);

    // Assert
    expect(again.get('r1')).toBe('completed');
    const item = await client.send(new GetItemCommand({ TableName: 'effects', Key: { id: { S: 'r1' } } }));
    expect(item.Item?.applied).toEqual({ N: '1' });
  });

  it('applies nothing when another invocation took the key over after this lock expired', async () => {
    // Arrange — our lock lasts 1 ms; a second store claims the key after it expired.
    const slow = new DynamoDBIdempotencyStore({ client, tableName: 'idem' });
    await slow.begin(['r2'], 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const other = new DynamoDBIdempotencyStore({ client, tableName: 'idem' });
    expect((await other.begin(['r2'], 60_000)).get('r2')).toBe('acquired');

    // Act
    const late = client.send(
      new TransactWriteItemsCommand({ TransactItems: [effect('r2'), slow.completionItem('r2') as TransactWriteItem] }),
    );

    // Assert
    await expect(late).rejects.toBeInstanceOf(TransactionCanceledException);
    const item = await client.send(new GetItemCommand({ TableName: 'effects', Key: { id: { S: 'r2' } } }));
    expect(item.Item).toBeUndefined();
  });

  it('has no completion item for a key it did not acquire', () => {
    // Act / Assert
    expect(new DynamoDBIdempotencyStore({ client, tableName: 'idem' }).completionItem('never')).toBeUndefined();
  });
});

describe('DynamoDBIdempotencyStore.finish: releases never undo a committed completion', () => {
  it('keeps a record completed when its transaction committed but the invocation saw an error and released it', async () => {
    // Arrange — the effect and completion commit, then the client gives up (timeout/abort) and the engine releases.
    const store = new DynamoDBIdempotencyStore({ client, tableName: 'idem' });
    await store.begin(['r3'], 60_000);
    await client.send(
      new TransactWriteItemsCommand({ TransactItems: [effect('r3'), store.completionItem('r3') as TransactWriteItem] }),
    );

    // Act
    await store.finish([], ['r3']);
    const again = await new DynamoDBIdempotencyStore({ client, tableName: 'idem' }).begin(['r3'], 60_000);

    // Assert
    expect(again.get('r3')).toBe('completed');
  });

  it('still releases its own live lock so a retry can claim the record at once', async () => {
    // Arrange
    const store = new DynamoDBIdempotencyStore({ client, tableName: 'idem' });
    await store.begin(['r4'], 60_000);

    // Act
    await store.finish([], ['r4']);
    const again = await new DynamoDBIdempotencyStore({ client, tableName: 'idem' }).begin(['r4'], 60_000);

    // Assert
    expect(again.get('r4')).toBe('acquired');
  });
});
