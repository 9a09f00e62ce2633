import { DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type RunningEmulators, startEmulators } from '../../../src/local/emulators/index.js';
import type { LambdaContext } from '../../../src/local/esm/invoke-function.js';
import { type LocalRun, startLocal } from '../../../src/local/esm/local-runner.js';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import type { StreamConfig } from '../../../src/runtime/config/types.js';
import { PermanentError, TransientError } from '../../../src/runtime/errors.js';
import { eventually, FAST, silent } from './harness.js';

// One real DynamoDB Local (Java) and one s3rver for the whole file, started by the test itself.
let emulators: RunningEmulators;
beforeAll(async () => {
  emulators = await startEmulators({ streams: {} }, { services: ['dynamodb', 's3'] });
}, 60_000);
afterAll(async () => {
  await emulators?.stop();
});
const running: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.stop()));
});

let tables = 0;
const noop = defineProcessor({ name: 'noop', schema: z.unknown(), process() {} });

interface DdbEvent {
  Records: { eventName: string; eventVersion: string; dynamodb: Record<string, unknown>; [k: string]: unknown }[];
}

async function scripted(overrides: Partial<StreamConfig>, respond: (event: DdbEvent, call: number) => unknown) {
  const table = `orders-${++tables}`;
  const config = defineConfig({
    service: 'esm-ddb-test',
    streams: {
      orders: {
        source: { type: 'dynamodb', table, keySchema: { partitionKey: 'orderId' } },
        startingPosition: 'TRIM_HORIZON',
        routes: [{ processor: noop }],
        ...overrides,
      },
    },
  });
  const calls: DdbEvent[] = [];
  const run = await startLocal({
    config,
    emulators,
    logger: silent,
    ...FAST,
    wrapHandler: () => async (event: unknown, _context: LambdaContext) => {
      calls.push(event as DdbEvent);
      return respond(event as DdbEvent, calls.length);
    },
  });
  running.push(run);
  return { run, calls, table };
}

const ddb = () => emulators.clients.dynamodb!;

describe('local ESM on DynamoDB Local streams', () => {
  it('delivers INSERT, MODIFY and REMOVE in the exact Lambda DynamoDB shape, in order per item', async () => {
    // Arrange
    const h = await scripted({}, () => null);

    // Act
    await ddb().send(new PutItemCommand({ TableName: h.table, Item: marshall({ orderId: 'o1', status: 'NEW' }) }));
    await ddb().send(
      new UpdateItemCommand({
        TableName: h.table,
        Key: marshall({ orderId: 'o1' }),
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: marshall({ ':s': 'PAID' }),
      }),
    );
    await ddb().send(new DeleteItemCommand({ TableName: h.table, Key: marshall({ orderId: 'o1' }) }));
    await eventually(() => h.calls.flatMap((c) => c.Records).length === 3);

    // Assert
    const records = h.calls.flatMap((c) => c.Records);
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    const [insert, modify, remove] = records;
    expect(insert).toMatchObject({
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventSourceARN: expect.stringContaining(`table/${h.table}/stream/`),
      dynamodb: {
        Keys: { orderId: { S: 'o1' } },
        NewImage: { orderId: { S: 'o1' }, status: { S: 'NEW' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(Number.isInteger(insert!.dynamodb.ApproximateCreationDateTime)).toBe(true);
    expect(insert!.dynamodb).not.toHaveProperty('OldImage');
    expect(modify!.dynamodb).toMatchObject({ OldImage: { status: { S: 'NEW' } }, NewImage: { status: { S: 'PAID' } } });
    expect(remove!.dynamodb).toMatchObject({ OldImage: { status: { S: 'PAID' } } });
    expect(remove!.dynamodb).not.toHaveProperty('NewImage');
  });

  it('applies DynamoDB filter patterns to the record (eventName, marshalled images)', async () => {
    // Arrange
    const h = await scripted(
      { filterPatterns: [{ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PAID'] } } } }] },
      () => null,
    );

    // Act
    await ddb().send(new PutItemCommand({ TableName: h.table, Item: marshall({ orderId: 'a', status: 'NEW' }) }));
    await ddb().send(new PutItemCommand({ TableName: h.table, Item: marshall({ orderId: 'b', status: 'PAID' }) }));
    await eventually(() => h.run.mappings.get('orders')!.status().recordsRead === 2);
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(
      h.calls.flatMap((c) => c.Records).map((r) => (r.dynamodb.Keys as { orderId: { S: string } }).orderId.S),
    ).toEqual(['b']);
  });

  it('writes DDBStreamBatchInfo with whole-second arrival times to the S3 destination', async () => {
    // Arrange
    const h = await scripted({ maxRetries: 1, onFailure: { type: 's3', bucket: 'orders-failures' } }, () => {
      throw new Error('down');
    });

    // Act
    await ddb().send(new PutItemCommand({ TableName: h.table, Item: marshall({ orderId: 'x', status: 'NEW' }) }));
    await eventually(async () => ((await h.run.destinations.get('orders')!.list!()).length ?? 0) === 1);

    // Assert
    const [record] = await h.run.destinations.get('orders')!.list!();
    expect(h.calls).toHaveLength(2);
    expect(record!.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 2 });
    expect(record!.responseContext!.functionError).toBe('Unhandled');
    expect(record).not.toHaveProperty('KinesisBatchInfo');
    const info = record!.DDBStreamBatchInfo!;
    expect(info.approximateArrivalOfFirstRecord).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(info.streamArn).toContain(`table/${h.table}/stream/`);
    expect(info.batchSize).toBe(1);
  });
});

describe('shardflow end to end: local ESM → handler → quarantine and idempotency on emulators', () => {
  it('quarantines poison to S3, retries transient failures from the checkpoint, and applies each effect once', async () => {
    // Arrange
    const table = `orders-${++tables}`;
    const effects: string[] = [];
    const failedOnce = new Set<string>();
    const Order = z.object({ orderId: z.string(), status: z.enum(['NEW', 'PAID']) });
    const orderFacts = defineProcessor({
      name: 'order-facts',
      schema: Order,
      idempotency: true,
      process(order, ctx) {
        if (order.orderId === 'o3' && !failedOnce.has(order.orderId)) {
          failedOnce.add(order.orderId);
          throw new TransientError('warehouse API timeout');
        }
        if (order.orderId === 'o5') throw new PermanentError('customer unknown');
        effects.push(`${order.orderId}:${order.status}:${ctx.record.eventName}`);
      },
    });
    const config = defineConfig({
      service: 'shop',
      processors: [orderFacts],
      streams: {
        orders: {
          source: { type: 'dynamodb', table, keySchema: { partitionKey: 'orderId' } },
          startingPosition: 'TRIM_HORIZON',
          batchSize: 10,
          batchWindowSeconds: 1,
          quarantine: { type: 's3', bucket: 'shop-quarantine' },
          idempotency: { table: 'shop-idempotency' },
          routes: [{ match: { eventName: ['INSERT', 'MODIFY'] }, processor: 'order-facts' }],
        },
      },
    });
    const run = await startLocal({ config, emulators, logger: silent, ...FAST });
    running.push(run);

    // Act
    for (const orderId of ['o1', 'o2', 'o3', 'o4', 'o5', 'o6']) {
      await ddb().send(new PutItemCommand({ TableName: table, Item: marshall({ orderId, status: 'NEW' }) }));
    }
    await ddb().send(new PutItemCommand({ TableName: table, Item: marshall({ orderId: 'o7', status: 'LOST' }) }));
    await eventually(() => effects.length >= 5, 15_000);
    await run.waitUntilCaughtUp();

    // Assert
    expect([...effects].sort()).toEqual([
      'o1:NEW:INSERT',
      'o2:NEW:INSERT',
      'o3:NEW:INSERT',
      'o4:NEW:INSERT',
      'o6:NEW:INSERT',
    ]);
    const s3 = emulators.clients.s3!;
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'shop-quarantine' }));
    const bodies = await Promise.all(
      (listed.Contents ?? []).map(async (o) =>
        (
          await (
            await s3.send(new GetObjectCommand({ Bucket: 'shop-quarantine', Key: o.Key! }))
          ).Body!.transformToString()
        )
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { error: { name: string }; partitionKey: string }),
      ),
    );
    const reasons = bodies.flat().map((e) => `${e.partitionKey}:${e.error.name}`);
    expect(reasons.sort()).toEqual(['{"orderId":"o5"}:PermanentError', '{"orderId":"o7"}:SchemaValidationError']);
    expect(run.mappings.get('orders')!.status()).toMatchObject({ recordsDiscarded: 0, partialFailures: 1 });
  });
});
