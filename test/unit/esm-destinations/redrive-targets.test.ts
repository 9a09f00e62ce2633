import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findApplied } from '../../../src/cli/destinations/applied-records.js';
import { redriveTargets, unsafeProcessors } from '../../../src/cli/destinations/redrive-targets.js';
import { aggregateUserRecords } from '../../../src/local/esm/kpl-aggregate.js';
import { kinesisLambdaRecord } from '../../../src/local/esm/lambda-event.js';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { type AnyProcessor, defineProcessor } from '../../../src/runtime/config/processor.js';
import { InMemoryIdempotencyStore } from '../../../src/runtime/processing/idempotency/in-memory-store.js';
import type { KinesisStreamRecord } from '../../../src/runtime/records/lambda-events.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks';
const SHARD = 'shardId-000000000000';
const Click = z.object({ user: z.string(), n: z.number(), kind: z.string().optional() });

const byIdentity = defineProcessor({ name: 'by-identity', schema: Click, idempotency: true, process() {} });
const byBusinessKey = defineProcessor({
  name: 'by-business-key',
  schema: Click,
  idempotency: { key: (click) => `click:${click.n}` },
  process() {},
});
const plain = defineProcessor({ name: 'plain', schema: Click, process() {} });

function config(routes: readonly { kind?: string; processor: AnyProcessor }[]) {
  return defineConfig({
    service: 'redrive-targets',
    streams: {
      clicks: {
        source: { type: 'kinesis', stream: 'clicks' },
        startingPosition: 'TRIM_HORIZON',
        idempotency: { table: 'clicks-idempotency' },
        routes: routes.map(({ kind, processor }) =>
          kind === undefined ? { processor } : { match: { payload: { kind: [kind] } }, processor },
        ),
      },
    },
  });
}

function click(n: number, fields: Record<string, unknown> = {}): KinesisStreamRecord {
  return kinesisLambdaRecord({
    streamArn: STREAM_ARN,
    region: 'us-east-1',
    shardId: SHARD,
    sequenceNumber: String(1000 + n),
    partitionKey: `u-${n}`,
    data: Buffer.from(JSON.stringify({ user: `u-${n}`, n, ...fields })),
    approximateArrivalMs: 1_704_067_200_000 + n,
  });
}

function targetsOf(cfg: ReturnType<typeof config>, records: readonly KinesisStreamRecord[]) {
  return redriveTargets('clicks', cfg.streams.clicks!, cfg.processorsByName, records);
}

describe('redrive targets: which processor would run each record, and can it tell duplicates', () => {
  it('routes each record as the handler does; records no processor would run have no target', () => {
    // Arrange
    const cfg = config([
      { kind: 'plain', processor: plain },
      { kind: 'identity', processor: byIdentity },
    ]);
    const records = [click(1, { kind: 'plain' }), click(2, { kind: 'identity' }), click(3, { kind: 'other' })];

    // Act
    const targets = targetsOf(cfg, records);

    // Assert
    expect(targets.map((t) => t.users.map((u) => [u.processor?.name, u.idempotencyKey]))).toEqual([
      [['plain', undefined]],
      [['by-identity', `by-identity#kinesis:clicks:${SHARD}:1002`]],
      [[undefined, undefined]],
    ]);
  });

  it('calls a processor without idempotency unsafe in every mode, one keyed by record identity unsafe to put back', () => {
    // Arrange
    const cfg = config([
      { kind: 'plain', processor: plain },
      { kind: 'identity', processor: byIdentity },
      { processor: byBusinessKey },
    ]);
    const records = [click(1, { kind: 'plain' }), click(2, { kind: 'identity' }), click(3), click(4)];
    const targets = targetsOf(cfg, records);

    // Act
    const invoke = unsafeProcessors(targets, 'invoke', cfg.streams.clicks!);
    const put = unsafeProcessors(targets, 'put', cfg.streams.clicks!);

    // Assert
    expect(invoke).toEqual([{ name: 'plain', records: 1, reason: 'not idempotent' }]);
    expect(put).toEqual([
      { name: 'plain', records: 1, reason: 'not idempotent' },
      { name: 'by-identity', records: 1, reason: 'no business key' },
    ]);
  });

  it('calls an idempotent processor unsafe when the stream settings name no idempotency table', () => {
    // Arrange: defineConfig refuses such a config; the check does not rely on that.
    const cfg = config([{ processor: byIdentity }]);
    const targets = targetsOf(cfg, [click(1)]);

    // Act
    const unsafe = unsafeProcessors(targets, 'invoke', {});

    // Assert
    expect(unsafe).toEqual([{ name: 'by-identity', records: 1, reason: 'not idempotent' }]);
  });
});

describe('findApplied: the records the idempotency store proves applied', () => {
  it('proves a record applied only when every user record of it is completed, and claims nothing', async () => {
    // Arrange
    const cfg = config([{ processor: byBusinessKey }]);
    const aggregate = aggregateUserRecords([
      { partitionKey: 'u-7', data: Buffer.from(JSON.stringify({ user: 'u-7', n: 7 })) },
      { partitionKey: 'u-8', data: Buffer.from(JSON.stringify({ user: 'u-8', n: 8 })) },
    ]);
    const kpl = kinesisLambdaRecord({
      streamArn: STREAM_ARN,
      region: 'us-east-1',
      shardId: SHARD,
      sequenceNumber: '1007',
      partitionKey: aggregate.partitionKey,
      data: aggregate.data,
      approximateArrivalMs: 1_704_067_200_007,
    });
    const targets = targetsOf(cfg, [click(1), click(2), kpl, click(3)]);
    const store = new InMemoryIdempotencyStore();
    const done = ['by-business-key#click:1', 'by-business-key#click:7'];
    await store.begin([...done, 'by-business-key#click:3'], 60_000);
    await store.finish(done, []);

    // Act
    const lookup = await findApplied(store, targets);

    // Assert
    expect(targets[2]!.users.map((user) => user.idempotencyKey)).toEqual([
      'by-business-key#click:7',
      'by-business-key#click:8',
    ]);
    expect(lookup).toEqual({ applied: [true, false, false, false], locked: 1, looked: 5 });
    const claims = await store.begin(['by-business-key#click:2'], 60_000);
    expect(claims.get('by-business-key#click:2')).toBe('acquired');
  });

  it('proves nothing without a store or idempotency keys', async () => {
    // Arrange
    const cfg = config([{ processor: plain }]);
    const targets = targetsOf(cfg, [click(1)]);

    // Act
    const lookups = [await findApplied(undefined, targets), await findApplied(new InMemoryIdempotencyStore(), targets)];

    // Assert
    expect(lookups).toEqual([
      { applied: [false], locked: 0, looked: 0 },
      { applied: [false], locked: 0, looked: 0 },
    ]);
  });
});
