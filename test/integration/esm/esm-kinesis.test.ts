import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRun } from '../../../src/local/esm/local-runner.js';
import {
  type Call,
  eventually,
  kinesisConfig,
  payloads,
  putMany,
  type Respond,
  sequences,
  startScripted,
} from './harness.js';

// Every test runs the local ESM against a real kinesalite started by the test (in-process, loopback).
const running: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.stop()));
});

async function scripted(config: ReturnType<typeof kinesisConfig>, respond: Respond, extra = {}) {
  const harness = await startScripted(config, respond, extra);
  running.push(harness.run);
  return harness;
}

const items = (count: number, key = (n: number) => `k${n % 3}`) =>
  Array.from({ length: count }, (_, n) => ({ key: key(n), n }));
const all = (calls: Call[]) => calls.flatMap(payloads).map((p) => p.n);
const ns = (call: Call) => payloads(call).map((p) => p.n);

describe('local ESM on kinesalite: batching and delivery', () => {
  it('delivers every record once, in order, in batches of at most batchSize from one shard each', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ batchSize: 10 }, 2), () => null);

    // Act
    await putMany(h.run, items(45));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(all(h.calls).sort((a, b) => a - b)).toEqual([...Array(45).keys()]);
    for (const call of h.calls) {
      expect(call.event.Records.length).toBeLessThanOrEqual(10);
      expect(new Set(call.event.Records.map((r) => r.eventID.split(':')[0])).size).toBe(1);
    }
    for (const key of ['k0', 'k1', 'k2']) {
      const ns = h.calls
        .flatMap(payloads)
        .filter((p) => p.key === key)
        .map((p) => p.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
  });

  it('builds events in the exact Lambda Kinesis shape', async () => {
    // Arrange
    const h = await scripted(kinesisConfig(), () => null);

    // Act
    await h.put([{ key: 'user-1', n: 7 }]);
    await h.run.waitUntilCaughtUp();

    // Assert
    const record = h.calls[0]!.event.Records[0]!;
    expect(Object.keys(record)).toEqual([
      'kinesis',
      'eventSource',
      'eventVersion',
      'eventID',
      'eventName',
      'invokeIdentityArn',
      'awsRegion',
      'eventSourceARN',
    ]);
    expect(record).toMatchObject({
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventName: 'aws:kinesis:record',
      awsRegion: 'us-east-1',
      eventSourceARN: expect.stringMatching(/^arn:aws:kinesis:us-east-1:\d{12}:stream\/clicks$/),
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'user-1' },
    });
    expect(record.eventID).toBe(`shardId-000000000000:${record.kinesis!.sequenceNumber}`);
    const arrival = (record.kinesis as unknown as { approximateArrivalTimestamp: number }).approximateArrivalTimestamp;
    expect(arrival).toBeGreaterThan(1_600_000_000);
    expect(arrival).toBeLessThan(Date.now() / 1000 + 1);
  });

  it('passes a Lambda context: unique request ids, the function name and memory, remaining time under the timeout', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ batchSize: 1, timeoutSeconds: 7, memorySize: 512 }), () => null);

    // Act
    await h.put(items(2));
    await h.run.waitUntilCaughtUp();

    // Assert
    const [a, b] = h.calls.map((c) => c.context);
    expect(a!.awsRequestId).not.toBe(b!.awsRequestId);
    expect(a).toMatchObject({ functionName: 'esm-test-clicks', memoryLimitInMB: '512' });
    expect(a!.remainingMs).toBeGreaterThan(6000);
    expect(a!.remainingMs).toBeLessThanOrEqual(7000);
  });

  it('waits for the batching window to gather records into one batch', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ batchSize: 100, batchWindowSeconds: 1 }), () => null);

    // Act
    await h.put(items(5));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]!.event.Records).toHaveLength(5);
  });

  it('starts at LATEST: records written before the mapping started are not delivered', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ startingPosition: 'LATEST' }), () => null);
    await h.run.waitUntilCaughtUp();

    // Act
    await h.put([{ key: 'a', n: 1 }]);
    await h.run.waitUntilCaughtUp();

    // Assert — kinesalite held no earlier records here, so LATEST must still deliver the new one.
    expect(all(h.calls)).toEqual([1]);
  });
});

describe('local ESM on kinesalite: response handling', () => {
  it.each([
    ['""', ''],
    ['[]', []],
    ['null', null],
    ['{}', {}],
    ['{"batchItemFailures":[]}', { batchItemFailures: [] }],
    ['{"batchItemFailures":null}', { batchItemFailures: null }],
  ])('treats %s as full success: no redelivery', async (_label, response) => {
    // Arrange
    const h = await scripted(kinesisConfig(), () => response);

    // Act
    await h.put(items(3));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(all(h.calls)).toEqual([0, 1, 2]);
  });

  it.each([
    ['an empty itemIdentifier', () => ({ batchItemFailures: [{ itemIdentifier: '' }] })],
    ['a null itemIdentifier', () => ({ batchItemFailures: [{ itemIdentifier: null }] })],
    ['a wrong key', () => ({ batchItemFailures: [{ itemId: '1' }] })],
    ['an identifier matching no record', () => ({ batchItemFailures: [{ itemIdentifier: '12345' }] })],
  ])('redelivers the whole batch for %s', async (_label, failure) => {
    // Arrange
    const h = await scripted(kinesisConfig(), (_event, call) => (call === 1 ? failure() : null));

    // Act
    await h.put(items(3));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(h.calls.map(sequences)).toHaveLength(2);
    expect(h.calls[1]!.event.Records).toHaveLength(3);
    expect(sequences(h.calls[1]!)).toEqual(sequences(h.calls[0]!));
  });

  it('retries from the lowest reported record, including later records that had succeeded', async () => {
    // Arrange
    const h = await scripted(kinesisConfig(), (event, call) =>
      call === 1
        ? {
            batchItemFailures: [
              { itemIdentifier: sequences({ event } as Call)[3] },
              { itemIdentifier: sequences({ event } as Call)[1] },
            ],
          }
        : null,
    );

    // Act
    await h.put(items(5));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(all(h.calls)).toEqual([0, 1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it('ignores batchItemFailures when ReportBatchItemFailures is off', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ reportBatchItemFailures: false }), (event) => ({
      batchItemFailures: [{ itemIdentifier: sequences({ event } as Call)[0] }],
    }));

    // Act
    await h.put(items(3));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(h.calls).toHaveLength(1);
  });

  it('treats a handler running past the function timeout as a function error', async () => {
    // Arrange
    const h = await scripted(
      kinesisConfig({ timeoutSeconds: 1, maxRetries: 0, onFailure: { type: 's3', bucket: 'failures' } }),
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return null;
      },
    );

    // Act
    await h.put(items(1));
    await eventually(async () => (await h.onFailure()).length === 1);

    // Assert
    const [record] = await h.onFailure();
    expect(record!.responseContext).toEqual({
      statusCode: 200,
      executedVersion: '$LATEST',
      functionError: 'Unhandled',
    });
  });
});

describe('local ESM on kinesalite: retries, bisect and destinations', () => {
  it('makes maxRetries + 1 invocations on partial failures, then sends the remainder to S3 with its payload', async () => {
    // Arrange
    const h = await scripted(
      kinesisConfig({ maxRetries: 2, onFailure: { type: 's3', bucket: 'failures' } }),
      (event) => ({
        batchItemFailures: [{ itemIdentifier: sequences({ event } as Call).at(-2) }],
      }),
    );

    // Act
    await h.put(items(4));
    await eventually(async () => (await h.onFailure()).length === 1);
    await h.run.waitUntilCaughtUp();

    // Assert — [0,1,2,3] fails at 2, then [2,3] fails at 2 twice: three invocations; [2,3] is discarded.
    expect(h.calls.map(ns)).toEqual([
      [0, 1, 2, 3],
      [2, 3],
      [2, 3],
    ]);
    const [record] = await h.onFailure();
    expect(record!.requestContext).toMatchObject({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
      functionArn: expect.stringMatching(/^arn:aws:lambda:us-east-1:\d{12}:function:esm-test-clicks$/),
    });
    expect(record!.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: null });
    expect(record!.KinesisBatchInfo).toMatchObject({ shardId: 'shardId-000000000000', batchSize: 2 });
    expect(record!.payload!.Records.map((r) => (r as { eventID: string }).eventID)).toEqual(
      h.calls[2]!.event.Records.map((r) => r.eventID),
    );
  });

  it('writes the on-failure record in the exact AWS format and S3 key layout', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ maxRetries: 0, onFailure: { type: 's3', bucket: 'failures' } }), () => {
      throw new Error('boom');
    });

    // Act
    await h.put(items(3));
    await eventually(async () => (await h.onFailure()).length === 1);

    // Assert
    const destination = h.run.destinations.get('clicks') as unknown as {
      listStored(): Promise<{ key: string; record: import('../../../src/local/esm/ports.js').OnFailureRecord }[]>;
    };
    const [{ key, record }] = (await destination.listStored()) as [
      { key: string; record: import('../../../src/local/esm/ports.js').OnFailureRecord },
    ];
    expect(key).toMatch(
      /^aws\/lambda\/[0-9a-f-]{36}\/shardId-000000000000\/\d{4}\/\d{2}\/\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}$/,
    );
    expect(Object.keys(record)).toEqual([
      'requestContext',
      'responseContext',
      'version',
      'timestamp',
      'KinesisBatchInfo',
      'payload',
    ]);
    expect(record.version).toBe('1.0');
    expect(record.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const info = record.KinesisBatchInfo!;
    expect(info.batchSize).toBe(3);
    expect(info.startSequenceNumber).toBe(sequences(h.calls[0]!)[0]);
    expect(info.endSequenceNumber).toBe(sequences(h.calls[0]!)[2]);
    expect(info.approximateArrivalOfFirstRecord).toMatch(/\.\d{3}Z$/);
    expect(info.streamArn).toMatch(/:stream\/clicks$/);
    expect(record.responseContext!.functionError).toBe('Unhandled');
    expect(record.requestContext.requestId).toBe(h.calls[0]!.context.awsRequestId);
  });

  it('bisects on function errors until the poison record is alone, without consuming retries', async () => {
    // Arrange — record n=5 makes the function throw; maxRetries 0 so only splitting can isolate it.
    const h = await scripted(
      kinesisConfig({
        batchSize: 8,
        batchWindowSeconds: 1,
        bisectOnError: true,
        maxRetries: 0,
        onFailure: { type: 's3', bucket: 'failures' },
      }),
      (event) => {
        if (payloads({ event } as Call).some((p) => p.n === 5)) throw new Error('poison');
        return null;
      },
    );

    // Act
    await h.put(items(8, () => 'same'));
    await eventually(async () => (await h.onFailure()).length === 1);
    await h.run.waitUntilCaughtUp();

    // Assert
    const [record] = await h.onFailure();
    expect(record!.KinesisBatchInfo!.batchSize).toBe(1);
    expect(record!.payload!.Records).toHaveLength(1);
    const succeeded = h.calls
      .filter((c) => !payloads(c).some((p) => p.n === 5))
      .flatMap(payloads)
      .map((p) => p.n);
    expect(succeeded.sort()).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(h.calls.map((c) => c.event.Records.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
  });

  it('with bisect on, a partial response splits at the returned sequence number', async () => {
    // Arrange
    const h = await scripted(
      kinesisConfig({ batchSize: 6, batchWindowSeconds: 1, bisectOnError: true }),
      (event, call) =>
        call === 1 ? { batchItemFailures: [{ itemIdentifier: sequences({ event } as Call)[4] }] } : null,
    );

    // Act
    await h.put(items(6, () => 'same'));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(h.calls.map(ns)).toEqual([
      [0, 1, 2, 3, 4, 5],
      [4, 5],
    ]);
  });

  it('retries forever with maxRetries -1 until maxRecordAgeSeconds expires the records (RecordAgeExceeded)', async () => {
    // Arrange — the ESM's clock jumps 61 s ahead after the second failed invocation.
    let skew = 0;
    const h = await scripted(
      kinesisConfig({ maxRetries: -1, maxRecordAgeSeconds: 60, onFailure: { type: 's3', bucket: 'failures' } }),
      (_event, call) => {
        if (call === 2) skew = 61_000;
        throw new Error('always failing');
      },
      { now: () => Date.now() + skew },
    );

    // Act
    await h.put(items(2));
    await eventually(async () => (await h.onFailure()).length === 1);

    // Assert
    const [record] = await h.onFailure();
    expect(record!.requestContext.condition).toBe('RecordAgeExceeded');
    expect(record!.requestContext.approximateInvokeCount).toBe(2);
    expect(record).not.toHaveProperty('responseContext');
    expect(record!.KinesisBatchInfo!.batchSize).toBe(2);
  });

  it('sends SQS/SNS on-failure records to a local directory when no emulator exists for them', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ maxRetries: 0, onFailure: { type: 'sqs', queue: 'clicks-dlq' } }), () => {
      throw new Error('boom');
    });

    // Act
    await h.put(items(1));
    await eventually(async () => (await h.onFailure()).length === 1);

    // Assert
    expect(h.run.destinations.get('clicks')!.kind).toBe('directory');
  });
});

describe('local ESM on kinesalite: filters, parallelization, windows', () => {
  it('never invokes filtered-out records and checkpoints past them', async () => {
    // Arrange
    const h = await scripted(
      kinesisConfig({ filterPatterns: [{ data: { n: [{ numeric: ['>=', 3] }] } }] }),
      () => null,
    );

    // Act
    await h.put(items(5));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(all(h.calls)).toEqual([3, 4]);
    const status = h.run.mappings.get('clicks')!.status();
    expect(status.recordsFiltered).toBe(3);
    expect(status.inFlight).toBe(0);
  });

  it('runs up to parallelizationFactor batches of one shard at once, keeping order per partition key', async () => {
    // Arrange
    let active = 0;
    let peak = 0;
    const h = await scripted(kinesisConfig({ batchSize: 5, parallelizationFactor: 4 }), async () => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 30));
      active--;
      return null;
    });

    // Act
    await putMany(
      h.run,
      items(200, (n) => `key-${n % 16}`),
    );
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    const delivered = h.calls.flatMap(payloads);
    expect(delivered).toHaveLength(200);
    for (let k = 0; k < 16; k++) {
      const ns = delivered.filter((p) => p.key === `key-${k}`).map((p) => p.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
  });

  it('carries tumbling-window state between invocations and ends each window with a final invocation', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ batchSize: 2, tumblingWindowSeconds: 1 }), (event) => {
      const e = event as unknown as { state: { sum?: number }; isFinalInvokeForWindow: boolean };
      const sum = (e.state.sum ?? 0) + payloads({ event } as Call).reduce((s, p) => s + p.n, 0);
      return { state: { sum }, batchItemFailures: [] };
    });

    // Act
    await h.put(items(5));
    await eventually(() =>
      h.calls.some((c) => (c.event as { isFinalInvokeForWindow?: boolean }).isFinalInvokeForWindow === true),
    );

    // Assert
    const final = h.calls.find((c) => (c.event as { isFinalInvokeForWindow?: boolean }).isFinalInvokeForWindow)!;
    expect(final.event.Records).toEqual([]);
    expect(final.event).toMatchObject({
      window: { start: expect.stringMatching(/T\d{2}:\d{2}:\d{2}Z$/), end: expect.stringMatching(/Z$/) },
      shardId: 'shardId-000000000000',
      isWindowTerminatedEarly: false,
    });
    const totals = h.calls.filter((c) => c !== final).reduce((s, c) => s + payloads(c).reduce((t, p) => t + p.n, 0), 0);
    expect((final.event as unknown as { state: { sum: number } }).state.sum).toBe(totals);
  });

  it('treats a tumbling-window response without state as a failure and retries', async () => {
    // Arrange
    const h = await scripted(kinesisConfig({ tumblingWindowSeconds: 60 }), (_event, call) =>
      call === 1 ? { batchItemFailures: [] } : { state: {}, batchItemFailures: [] },
    );

    // Act
    await h.put(items(2));
    await h.run.waitUntilCaughtUp();

    // Assert
    expect(h.calls.slice(0, 2).map(ns)).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });
});

describe('local ESM on kinesalite: shards, restarts and resharding', () => {
  it('keeps other shards flowing while one shard is stuck on a failing record', async () => {
    // Arrange — every batch containing n=0 fails forever (maxRetries -1, no age limit).
    const h = await scripted(kinesisConfig({}, 2), (event) => {
      if (payloads({ event } as Call).some((p) => p.n === 0)) throw new Error('stuck');
      return null;
    });
    const shardOf = (call: Call) => call.event.Records[0]!.eventID.split(':')[0];

    // Act
    await putMany(
      h.run,
      items(60, (n) => `k${n}`),
    );
    await eventually(() => new Set(h.calls.filter((c) => !payloads(c).some((p) => p.n === 0)).map(shardOf)).size >= 1);

    // Assert
    const stuckShard = shardOf(h.calls.find((c) => payloads(c).some((p) => p.n === 0))!);
    const otherShardRecords = h.calls.filter((c) => shardOf(c) !== stuckShard).flatMap(payloads);
    expect(otherShardRecords.length).toBeGreaterThan(0);
  });
});

describe('local ESM on kinesalite: AT_TIMESTAMP', () => {
  it('starts at the first record written at or after startingPositionTimestamp', async () => {
    // Arrange — the stream is created by the runner; records before the timestamp are written first.
    const { startLocal } = await import('../../../src/local/esm/local-runner.js');
    const { FAST, silent } = await import('./harness.js');
    const { PutRecordsCommand } = await import('@aws-sdk/client-kinesis');
    const { startEmulators } = await import('../../../src/local/emulators/index.js');
    const config = kinesisConfig();
    const emulators = await startEmulators(config);
    try {
      const put = (ns: number[]) =>
        emulators.clients.kinesis!.send(
          new PutRecordsCommand({
            StreamName: 'clicks',
            Records: ns.map((n) => ({ PartitionKey: 'k', Data: Buffer.from(JSON.stringify({ key: 'k', n })) })),
          }),
        );
      await put([0, 1]);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const timestamp = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await put([2, 3]);
      const seen: number[] = [];
      const run = await startLocal({
        config: kinesisConfig({ startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: timestamp }),
        emulators,
        logger: silent,
        ...FAST,
        wrapHandler: () => (event: unknown) => {
          for (const r of (event as Call['event']).Records)
            seen.push(JSON.parse(Buffer.from(r.kinesis!.data, 'base64').toString()).n);
          return null;
        },
      });
      running.push(run);

      // Act
      await run.waitUntilCaughtUp();

      // Assert
      expect(seen).toEqual([2, 3]);
    } finally {
      await Promise.all(running.splice(0).map((r) => r.stop()));
      await emulators.stop();
    }
  });
});
