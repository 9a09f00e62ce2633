import { describe, expect, it } from 'vitest';
import {
  BatchAbandonedError,
  BatchRunner,
  type BatchRunnerOptions,
  type Discard,
} from '../../../src/local/esm/batch-runner.js';
import type { BatchVerdict } from '../../../src/local/esm/interpret-response.js';
import type { SourceRecord } from '../../../src/local/esm/ports.js';
import { sourceRecords } from './esm-fixtures.js';

/** A runner whose function answers with `respond(records)`, recording every call. */
function harness(
  respond: (records: readonly SourceRecord[], call: number) => BatchVerdict,
  settings: Partial<Pick<BatchRunnerOptions, 'bisectOnError' | 'maxRetries' | 'maxRecordAgeSeconds' | 'now'>> = {},
) {
  const invoked: string[][] = [];
  const discards: Discard[] = [];
  const progress: string[] = [];
  const backoffs: number[] = [];
  const controller = new AbortController();
  const runner = new BatchRunner({
    bisectOnError: false,
    maxRetries: -1,
    maxRecordAgeSeconds: -1,
    now: () => Date.now(),
    ...settings,
    signal: controller.signal,
    invoke: async (records) => {
      invoked.push(records.map((r) => r.sequenceNumber));
      return { requestId: `req-${invoked.length}`, verdict: respond(records, invoked.length) };
    },
    discard: async (discard) => {
      discards.push(discard);
    },
    progress: (record) => progress.push(record.sequenceNumber),
    backoff: async (retry) => {
      backoffs.push(retry);
    },
  });
  return { runner, invoked, discards, progress, backoffs, controller };
}

const error: BatchVerdict = { kind: 'failure', functionError: 'Unhandled', reason: 'boom' };

describe('BatchRunner', () => {
  it('checkpoints after the batch on success', async () => {
    // Arrange
    const h = harness(() => ({ kind: 'success' }));

    // Act
    await h.runner.run(sourceRecords(3));

    // Assert
    expect(h.invoked).toEqual([['1000', '1001', '1002']]);
    expect(h.progress).toEqual(['1002']);
  });

  it('retries from the lowest failed record, including later records that had succeeded', async () => {
    // Arrange
    const h = harness((_r, call) => (call === 1 ? { kind: 'partial', failedIndex: 1 } : { kind: 'success' }));

    // Act
    await h.runner.run(sourceRecords(4));

    // Assert
    expect(h.invoked).toEqual([
      ['1000', '1001', '1002', '1003'],
      ['1001', '1002', '1003'],
    ]);
    expect(h.progress).toEqual(['1000', '1003']);
    expect(h.backoffs).toEqual([0]);
  });

  it('counts partial-failure retries: maxRetries N means N+1 invocations, then the remainder is discarded', async () => {
    // Arrange
    const h = harness((_r, call) => ({ kind: 'partial', failedIndex: call === 1 ? 2 : 0 }), { maxRetries: 2 });

    // Act
    await h.runner.run(sourceRecords(4));

    // Assert
    expect(h.invoked).toHaveLength(3);
    expect(h.discards).toEqual([
      {
        condition: 'RetryAttemptsExhausted',
        functionError: null,
        records: expect.any(Array),
        approximateInvokeCount: 3,
        requestId: 'req-3',
      },
    ]);
    expect(h.discards[0]!.records.map((r) => r.sequenceNumber)).toEqual(['1002', '1003']);
    expect(h.progress.at(-1)).toBe('1003');
  });

  it('maxRetries 0 means one invocation; a function error is discarded with functionError Unhandled', async () => {
    // Arrange
    const h = harness(() => error, { maxRetries: 0 });

    // Act
    await h.runner.run(sourceRecords(2));

    // Assert
    expect(h.invoked).toHaveLength(1);
    expect(h.discards[0]).toMatchObject({ condition: 'RetryAttemptsExhausted', functionError: 'Unhandled' });
  });

  it('bisects on function errors to isolate a poison record, without consuming retries', async () => {
    // Arrange — record 1005 makes the function throw.
    const h = harness((records) => (records.some((r) => r.sequenceNumber === '1005') ? error : { kind: 'success' }), {
      bisectOnError: true,
      maxRetries: 0,
    });

    // Act
    await h.runner.run(sourceRecords(8));

    // Assert
    expect(h.discards).toHaveLength(1);
    expect(h.discards[0]!.records.map((r) => r.sequenceNumber)).toEqual(['1005']);
    expect(h.progress.at(-1)).toBe('1007');
    expect(h.invoked).toEqual([
      ['1000', '1001', '1002', '1003', '1004', '1005', '1006', '1007'],
      ['1000', '1001', '1002', '1003'],
      ['1004', '1005', '1006', '1007'],
      ['1004', '1005'],
      ['1004'],
      ['1005'],
      ['1006', '1007'],
    ]);
  });

  it('splits odd batches left-first with the larger half on the left', async () => {
    // Arrange
    const h = harness((_records, call) => (call === 1 ? error : { kind: 'success' }), { bisectOnError: true });

    // Act
    await h.runner.run(sourceRecords(5));

    // Assert
    expect(h.invoked.slice(1)).toEqual([
      ['1000', '1001', '1002'],
      ['1003', '1004'],
    ]);
  });

  it('does not bisect on an invalid response (not a function error); it retries the whole batch', async () => {
    // Arrange
    const h = harness((_r, call) =>
      call === 1 ? { kind: 'failure', functionError: null, reason: 'unknown identifier' } : { kind: 'success' },
    );

    // Act
    await h.runner.run(sourceRecords(4));

    // Assert
    expect(h.invoked).toHaveLength(2);
    expect(h.invoked[1]).toHaveLength(4);
  });

  it('splits expired records out to the destination (approximateInvokeCount 1, as AWS records it) and still delivers the fresh ones', async () => {
    // Arrange — 1000 and 1001 arrived two minutes ago; maxRecordAgeSeconds 60.
    const now = Date.now();
    const records = sourceRecords(4, { arrivalMs: (i) => (i < 2 ? now - 120_000 : now) });
    const h = harness(() => ({ kind: 'success' }), { maxRecordAgeSeconds: 60, now: () => now });

    // Act
    await h.runner.run(records);

    // Assert
    expect(h.discards).toHaveLength(1);
    expect(h.discards[0]).toMatchObject({
      condition: 'RecordAgeExceeded',
      functionError: null,
      approximateInvokeCount: 1,
    });
    expect(h.discards[0]!.records.map((r) => r.sequenceNumber)).toEqual(['1000', '1001']);
    expect(h.invoked).toEqual([['1002', '1003']]);
    expect(h.progress).toEqual(['1001', '1003']);
  });

  it('with infinite retries (-1), retries until the records expire', async () => {
    // Arrange — the clock advances 30 s per invocation; records expire after 60 s.
    let now = Date.now();
    const records = sourceRecords(2, { arrivalMs: () => now });
    const h = harness(
      () => {
        now += 30_000;
        return error;
      },
      { maxRetries: -1, maxRecordAgeSeconds: 60, now: () => now },
    );

    // Act
    await h.runner.run(records);

    // Assert
    expect(h.invoked).toHaveLength(3);
    expect(h.discards).toEqual([
      expect.objectContaining({ condition: 'RecordAgeExceeded', approximateInvokeCount: 3 }),
    ]);
  });

  it('abandons the batch on shutdown without checkpointing unhandled records', async () => {
    // Arrange
    let h!: ReturnType<typeof harness>;
    h = harness(() => {
      h.controller.abort();
      return error;
    });

    // Act
    const run = h.runner.run(sourceRecords(3));

    // Assert
    await expect(run).rejects.toBeInstanceOf(BatchAbandonedError);
    expect(h.progress).toEqual([]);
  });
});
