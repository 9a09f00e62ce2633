import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import clickSessions, { SESSIONS_TABLE } from '../../processors/click-sessions.js';
import type { Click } from '../../schemas/click.js';
import { localDynamoDBClientConfig, startDynamoDBLocal } from '../../src/local/emulators/dynamodb-local.js';
import { KinesisEventFactory, runProcessor } from '../../src/local/testing/index.js';
import { DynamoDBIdempotencyStore } from '../../src/runtime/processing/idempotency/dynamodb-store.js';
import { ensureIdempotencyTable } from '../../src/runtime/processing/idempotency/index.js';

// The example's click-sessions processor on a real DynamoDB Local (started by the test), with the real
// DynamoDB idempotency store: a batch's clicks become one transaction per group of sessions, and every
// delivery after the first — whole or partial — counts nothing twice.
let stop: () => Promise<void>;
let client: DynamoDBClient;
beforeAll(async () => {
  const ddb = await startDynamoDBLocal();
  stop = ddb.stop;
  const local = localDynamoDBClientConfig(ddb.endpoint);
  // The processor's own client reads these, as it would read Lambda's environment.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = ddb.endpoint;
  process.env.AWS_REGION = local.region as string;
  process.env.AWS_ACCESS_KEY_ID = 'shardflowlocal';
  process.env.AWS_SECRET_ACCESS_KEY = 'shardflowlocal';
  client = new DynamoDBClient(local);
  await ensureIdempotencyTable(client, 'idem');
  await client.send(
    new CreateTableCommand({
      TableName: SESSIONS_TABLE,
      AttributeDefinitions: [{ AttributeName: 'sessionId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}, 60_000);
afterAll(async () => {
  client?.destroy();
  await stop?.();
});

const store = () => new DynamoDBIdempotencyStore({ client, tableName: 'idem' });
const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 9, 0, second)).toISOString();
const click = (sessionId: string, second: number, action: Click['action'] = 'view'): Click => ({
  userId: sessionId.split('-s')[0]!,
  sessionId,
  page: '/',
  action,
  at: at(second),
});
// One shard for the whole file: every event continues its sequence numbers, so records of different events differ.
const shard = new KinesisEventFactory({ streamName: 'clicks' });
const eventOf = (clicks: readonly Click[]) => shard.event(clicks.map((c) => ({ json: c, partitionKey: c.userId })));
async function session(sessionId: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: SESSIONS_TABLE, Key: { sessionId: { S: sessionId } }, ConsistentRead: true }),
  );
  return Item === undefined ? undefined : unmarshall(Item);
}

describe('click-sessions: one conditional update per session per batch, committed with its clicks’ completions', () => {
  it('folds each session’s clicks of a batch, splits a session over 99 clicks, and counts nothing twice on redelivery', async () => {
    // Arrange — u1: 3 clicks; u2: 150 clicks (two updates: 99 completions + the update fill a transaction); u3: 1.
    const clicks = [
      click('u1-s0', 1),
      click('u1-s0', 2, 'add_to_cart'),
      ...Array.from({ length: 150 }, (_, i) => click('u2-s0', 1 + (i % 50), i === 149 ? 'checkout' : 'view')).sort(
        (a, b) => a.at.localeCompare(b.at),
      ),
      click('u1-s0', 3),
      click('u3-s0', 7, 'checkout'),
    ];
    const event = eventOf(clicks);

    // Act
    const first = await runProcessor(clickSessions, event, { idempotency: store() });
    const again = await runProcessor(clickSessions, event, { idempotency: store() });

    // Assert
    expect(first.counts.processed).toBe(clicks.length);
    expect(first.response.batchItemFailures).toEqual([]);
    expect(again.counts.duplicate).toBe(clicks.length);
    expect(await session('u1-s0')).toEqual({
      sessionId: 'u1-s0',
      userId: 'u1',
      clicks: 3,
      firstAt: at(1),
      lastAt: at(3),
      carted: true,
    });
    expect(await session('u2-s0')).toMatchObject({ clicks: 150, firstAt: at(1), lastAt: at(50), checkedOut: true });
    expect(await session('u3-s0')).toMatchObject({ clicks: 1, checkedOut: true });
  });

  it('quarantines a click older than an earlier click of the same batch', async () => {
    // Arrange
    const event = eventOf([click('u4-s0', 5), click('u4-s0', 3)]);

    // Act
    const run = await runProcessor(clickSessions, event, { idempotency: store() });

    // Assert
    expect(run.outcomes.map((o) => o.fate)).toEqual(['processed', 'quarantined']);
    expect(run.quarantined.map((e) => e.error.name)).toEqual(['OutOfOrderClickError']);
    expect(await session('u4-s0')).toMatchObject({ clicks: 1, lastAt: at(5) });
  });

  it('after a partly failed commit, applies each click exactly once and quarantines only the late one', async () => {
    // Arrange — u5's session already holds a click at :05; a batch then brings one at :01 (late) and one at
    // :06, together with a click of u6 that shares their transaction.
    await runProcessor(clickSessions, eventOf([click('u5-s0', 5)]), { idempotency: store() });
    const event = eventOf([click('u5-s0', 1), click('u5-s0', 6), click('u6-s0', 2)]);

    // Act — the first delivery's commit fails for u5; Lambda delivers the batch again, and again.
    const first = await runProcessor(clickSessions, event, { idempotency: store() });
    const second = await runProcessor(clickSessions, event, { idempotency: store() });
    const third = await runProcessor(clickSessions, event, { idempotency: store() });

    // Assert — u6 was applied by the first delivery (its transaction was retried without u5), only once.
    expect(first.outcomes.map((o) => o.fate)).toEqual(['failed', 'failed', 'failed']);
    expect(first.outcomes[0]?.error?.name).toBe('BatchCommitError');
    expect(second.outcomes.map((o) => o.fate)).toEqual(['quarantined', 'processed', 'duplicate']);
    expect(second.quarantined.map((e) => e.error.name)).toEqual(['OutOfOrderClickError']);
    expect(third.outcomes.map((o) => o.fate)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await session('u5-s0')).toMatchObject({ clicks: 2, firstAt: at(5), lastAt: at(6) });
    expect(await session('u6-s0')).toMatchObject({ clicks: 1, firstAt: at(2), lastAt: at(2) });
  });
});
