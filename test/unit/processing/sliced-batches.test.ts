import { readFileSync } from 'node:fs';
import type { Context, KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { type AnyProcessor, defineProcessor } from '../../../src/runtime/config/processor.js';
import { PermanentError, UnattributableFailureError } from '../../../src/runtime/errors.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { SLICE_RECORDS, WHOLE_BATCH_RECORDS } from '../../../src/runtime/processing/batch-engine.js';
import { Fate } from '../../../src/runtime/processing/fates.js';
import type { ClaimState } from '../../../src/runtime/processing/idempotency/idempotency-store.js';
import { InMemoryIdempotencyStore } from '../../../src/runtime/processing/idempotency/index.js';
import { compareSequenceNumbers } from '../../../src/runtime/processing/sequence-number.js';
import {
  Click,
  clickConfig,
  dynamodbEvent,
  idempotentClicksConfig,
  kinesisEvent,
  MemorySink,
  seq,
  silentLogger,
} from './engine-fixtures.js';

// A batch of more than WHOLE_BATCH_RECORDS records is decoded, routed and run in slices of SLICE_RECORDS.
// These tests use such batches and check that the batch still behaves as one: per-key order, a key stopped
// in one slice stays stopped in the next, one checkpoint for the whole batch, claims, quarantine.
const WHOLE = WHOLE_BATCH_RECORDS;

const handlerFor = (config: Parameters<typeof createHandler>[0], sink = new MemorySink(), stream = 'clicks') =>
  createHandler(config, stream, { logger: silentLogger, quarantine: sink, metrics: false });

/** `count` click records, record n under key `k${n % keys}`. */
const clicks = (count: number, keys: number) =>
  kinesisEvent(Array.from({ length: count }, (_, n) => ({ pk: `k${n % keys}`, data: { userId: `k${n % keys}`, n } })));

/** The processor's calls grouped per user, in call order. */
function callsPerKey(calls: readonly { userId: string; n: number }[]): Map<string, number[]> {
  const perKey = new Map<string, number[]>();
  for (const call of calls) perKey.set(call.userId, [...(perKey.get(call.userId) ?? []), call.n]);
  return perKey;
}

/** A handler for the `clicks` stream with an in-memory idempotency store; `claims` holds the keys of each claim call. */
function idempotentHandler(processor: AnyProcessor) {
  const config = idempotentClicksConfig(processor);
  const claims: string[][] = [];
  const store = new (class extends InMemoryIdempotencyStore {
    override begin(keys: readonly string[], lockMs: number): Promise<Map<string, ClaimState>> {
      claims.push([...keys]);
      return super.begin(keys, lockMs);
    }
  })();
  const handler = createHandler(config, 'clicks', { logger: silentLogger, idempotency: store, metrics: false });
  return { handler, claims };
}

describe('BatchEngine: batches larger than one slice', () => {
  it('keeps a key stopped in the slices after the one where it failed, runs the other keys, and checkpoints at the failure', async () => {
    // Arrange
    const count = WHOLE + 17;
    const failing = SLICE_RECORDS - 3; // in the first slice
    const { config, calls } = clickConfig((p) => {
      if (p.n === failing) throw new Error('downstream unavailable');
    });
    const event = clicks(count, 10);

    // Act
    const result = await handlerFor(config).run(event);

    // Assert
    const expected = Array.from({ length: count }, (_, n) =>
      n === failing ? Fate.failed : n > failing && n % 10 === failing % 10 ? Fate.blocked : Fate.processed,
    );
    expect(result.outcomes.map((o) => o.fate)).toEqual(expected);
    expect(result.outcomes.map((o) => o.index)).toEqual(Array.from({ length: count }, (_, n) => n));
    expect(result.outcomes[count - 1]).toMatchObject({
      sequenceNumber: seq(count - 1),
      partitionKey: `k${(count - 1) % 10}`,
    });
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(failing) }]);
    expect(calls.some((c) => c.n > failing && c.n % 10 === failing % 10)).toBe(false);
  });

  it('runs each key in event order across slice boundaries, even when the record before a boundary is slow', async () => {
    // Arrange
    const count = WHOLE + SLICE_RECORDS * 3;
    const { config, calls } = clickConfig(
      async (p) => {
        // The last records of each slice yield to the event loop many times before they finish.
        if (p.n % SLICE_RECORDS >= SLICE_RECORDS - 3) for (let i = 0; i < 50; i++) await new Promise(setImmediate);
      },
      { concurrency: 8 },
    );
    const event = clicks(count, 3);

    // Act
    const result = await handlerFor(config).run(event);

    // Assert
    expect(result.counts.processed).toBe(count);
    const perKey = callsPerKey(calls);
    expect(perKey.size).toBe(3);
    for (const [key, ns] of perKey) {
      expect(ns, key).toEqual(Array.from({ length: count }, (_, n) => n).filter((n) => `k${n % 3}` === key));
    }
  });

  it("under ordering: 'shard', blocks every later record of every slice after a failure", async () => {
    // Arrange
    const count = WHOLE + 5;
    const failing = 11;
    const { config, calls } = clickConfig(
      (p) => {
        if (p.n === failing) throw new Error('boom');
      },
      { ordering: 'shard' },
    );

    // Act
    const result = await handlerFor(config).run(clicks(count, 10));

    // Assert
    expect(calls.map((c) => c.n)).toEqual(Array.from({ length: failing + 1 }, (_, n) => n));
    expect(result.counts).toMatchObject({ processed: failing, failed: 1, blocked: count - failing - 1 });
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(failing) }]);
  });

  it('defers the records of later slices once the deadline is near, and checkpoints at the first of them', async () => {
    // Arrange
    const count = WHOLE + 1;
    let ran = 0;
    const { config } = clickConfig(
      () => {
        ran++;
      },
      { deadlineMarginMs: 3_000, ordering: 'shard' },
    );
    // Plenty of time until the whole first slice has run, then under the margin.
    const context = {
      awsRequestId: 'req-1',
      getRemainingTimeInMillis: () => (ran < SLICE_RECORDS ? 60_000 : 1_000),
    } as Partial<Context>;

    // Act
    const result = await handlerFor(config).run(clicks(count, 10), context);

    // Assert
    expect(ran).toBe(SLICE_RECORDS);
    expect(result.outcomes[SLICE_RECORDS]?.fate).toBe(Fate.deferred);
    expect(result.counts).toMatchObject({ processed: SLICE_RECORDS, deferred: 1, blocked: count - SLICE_RECORDS - 1 });
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(SLICE_RECORDS) }]);
  });

  it('quarantines poison from any slice, each entry with its own record', async () => {
    // Arrange
    const count = WHOLE + 9;
    const poison = 4;
    const undecodable = WHOLE + 3;
    const { config } = clickConfig((p) => {
      if (p.n === poison) throw new PermanentError('poison');
    });
    const event = clicks(count, 10);
    event.Records[undecodable]!.kinesis.data = '%%% not base64 %%%';
    const sink = new MemorySink();

    // Act
    const result = await handlerFor(config, sink).run(event);

    // Assert
    expect(result.counts).toMatchObject({ processed: count - 2, quarantined: 2 });
    expect(result.response.batchItemFailures).toEqual([]);
    expect(sink.entries.map((e) => (e.record as KinesisStreamRecord).kinesis.sequenceNumber)).toEqual([
      seq(poison),
      seq(undecodable),
    ]);
    expect(sink.entries.map((e) => e.error.name)).toEqual(['PermanentError', 'InvalidBase64Error']);
  });

  it('fails the whole batch before any record runs when a record of a later slice has no sequence number', async () => {
    // Arrange
    let ran = 0;
    const { config } = clickConfig(() => {
      ran++;
    });
    const event = clicks(WHOLE + 1, 10);
    event.Records[WHOLE]!.kinesis.sequenceNumber = '';

    // Act
    const run = handlerFor(config).run(event);

    // Assert
    await expect(run).rejects.toBeInstanceOf(UnattributableFailureError);
    await expect(run).rejects.toThrow(`record ${WHOLE} `);
    expect(ran).toBe(0);
  });

  it('claims each idempotency key once, and runs a key seen in an earlier slice as a duplicate', async () => {
    // Arrange
    const count = WHOLE + 10;
    let effects = 0;
    const processor = defineProcessor({
      name: 'clicks',
      schema: Click,
      // Records n and n + WHOLE carry the same business key.
      idempotency: { key: (p) => `click-${p.n % WHOLE}` },
      process() {
        effects++;
      },
    });
    const { handler, claims } = idempotentHandler(processor);

    // Act
    const result = await handler.run(clicks(count, 10));
    const claimed = claims.flat();

    // Assert
    expect(effects).toBe(WHOLE);
    expect(result.counts).toMatchObject({ processed: WHOLE, duplicate: 10 });
    expect(result.outcomes.slice(WHOLE).every((o) => o.fate === Fate.duplicate)).toBe(true);
    expect(claims.length).toBe(WHOLE / SLICE_RECORDS); // one claim per slice; the last slice's keys were all claimed
    expect(claimed.length).toBe(WHOLE);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(result.response.batchItemFailures).toEqual([]);
  });

  it(`runs a batch of ${WHOLE_BATCH_RECORDS} records whole: one claim for all its keys`, async () => {
    // Arrange
    const processor = defineProcessor({ name: 'clicks', schema: Click, idempotency: true, process() {} });
    const { handler, claims } = idempotentHandler(processor);

    // Act
    const result = await handler.run(clicks(WHOLE, 10));

    // Assert
    expect(claims.length).toBe(1);
    expect(result.counts.processed).toBe(WHOLE);
  });

  it('processes a DynamoDB batch of several slices with every outcome in event order', async () => {
    // Arrange
    const count = WHOLE + 3;
    const Order = z.object({ orderId: z.string() });
    const seen: string[] = [];
    const processor = defineProcessor({
      name: 'orders',
      schema: Order,
      process(payload) {
        seen.push(payload.orderId);
      },
    });
    const config = defineConfig({
      service: 'test-service',
      streams: {
        orders: { source: { type: 'dynamodb', table: 'orders' }, startingPosition: 'LATEST', routes: [{ processor }] },
      },
    });
    const event = dynamodbEvent(
      Array.from({ length: count }, (_, n) => ({
        eventName: 'MODIFY' as const,
        keys: { orderId: `o${n}` },
        newImage: { orderId: `o${n}` },
        oldImage: { orderId: `o${n}` },
      })),
    );

    // Act
    const result = await handlerFor(config, new MemorySink(), 'orders').run(event);

    // Assert
    expect(result.counts.processed).toBe(count);
    expect(seen.length).toBe(count);
    expect(result.outcomes.map((o) => o.partitionKey)).toEqual(
      Array.from({ length: count }, (_, n) => JSON.stringify({ orderId: `o${n}` })),
    );
  });

  it('for any failures over a batch of several slices: the fates of one unsliced batch, per key', async () => {
    type Behaviour = 'transient' | 'permanent';
    const planArbitrary = fc.record({
      count: fc.integer({ min: WHOLE + 1, max: WHOLE + SLICE_RECORDS * 3 }),
      keys: fc.integer({ min: 1, max: 12 }),
      concurrency: fc.integer({ min: 1, max: 16 }),
      failures: fc.array(fc.record({ at: fc.nat(), behaviour: fc.constantFrom<Behaviour>('transient', 'permanent') }), {
        maxLength: 8,
      }),
    });
    await fc.assert(
      fc.asyncProperty(planArbitrary, async ({ count, keys, concurrency, failures }) => {
        // Arrange
        const behaviours = new Map(failures.map((f) => [f.at % count, f.behaviour]));
        const ran: number[] = [];
        const { config } = clickConfig(
          async (p) => {
            ran.push(p.n);
            await Promise.resolve();
            const behaviour = behaviours.get(p.n);
            if (behaviour === 'transient') throw new Error('transient');
            if (behaviour === 'permanent') throw new PermanentError('poison');
          },
          { concurrency },
        );
        const sink = new MemorySink();

        // Act
        const result = await handlerFor(config, sink).run(clicks(count, keys));

        // Assert: the reference model of one batch, where a key stops at its first transient failure.
        const stopped = new Set<number>();
        const expected = Array.from({ length: count }, (_, n) => {
          const key = n % keys;
          if (stopped.has(key)) return Fate.blocked;
          const behaviour = behaviours.get(n);
          if (behaviour === 'transient') {
            stopped.add(key);
            return Fate.failed;
          }
          return behaviour === 'permanent' ? Fate.quarantined : Fate.processed;
        });
        expect(result.outcomes.map((o) => o.fate)).toEqual(expected);
        const retry = expected.flatMap((fate, n) => (fate === Fate.failed || fate === Fate.blocked ? [seq(n)] : []));
        const lowest = retry.sort(compareSequenceNumbers)[0];
        expect(result.response.batchItemFailures).toEqual(lowest === undefined ? [] : [{ itemIdentifier: lowest }]);
        expect(new Set(ran).size).toBe(ran.length);
        for (const n of ran) expect(expected[n]).not.toBe(Fate.blocked);
        expect(sink.entries.length).toBe(expected.filter((f) => f === Fate.quarantined).length);
      }),
      { numRuns: 40 },
    );
  });

  it('is described in docs/semantics.md with the slice size the engine uses', () => {
    // Arrange
    const semantics = readFileSync(new URL('../../../docs/semantics.md', import.meta.url), 'utf8');

    // Act
    const stated = [...semantics.matchAll(/more than (\d+) records/g)].map((m) => Number(m[1]));

    // Assert
    expect(stated.length).toBeGreaterThan(0);
    expect(new Set(stated)).toEqual(new Set([WHOLE_BATCH_RECORDS]));
    expect(semantics).toContain(`**slices** of ${SLICE_RECORDS} Lambda records`);
  });
});
