import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aggregateUserRecords } from '../../../src/local/esm/kpl-aggregate.js';
import { kinesisLambdaRecord } from '../../../src/local/esm/lambda-event.js';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import {
  PermanentError,
  TransientError,
  UnattributableFailureError,
  UnsupportedEventError,
} from '../../../src/runtime/errors.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { toPowertoolsRecordHandler } from '../../../src/runtime/integrations/powertools.js';
import { Fate } from '../../../src/runtime/processing/fates.js';
import { InMemoryIdempotencyStore } from '../../../src/runtime/processing/idempotency/index.js';
import {
  Click,
  clickConfig,
  dynamodbEvent,
  idempotentClicksConfig,
  kinesisEvent,
  MemorySink,
  SHARD,
  STREAM_ARN,
  seq,
  silentLogger,
} from './engine-fixtures.js';

const handlerFor = (config: Parameters<typeof createHandler>[0], sink = new MemorySink(), stream = 'clicks') =>
  createHandler(config, stream, { logger: silentLogger, quarantine: sink, metrics: false });

describe('BatchEngine: success forms', () => {
  it('processes every record in order and reports no failures', async () => {
    // Arrange
    const { config, calls } = clickConfig(() => {});
    const event = kinesisEvent([0, 1, 2].map((n) => ({ pk: 'u1', data: { userId: 'u1', n } })));

    // Act
    const response = await handlerFor(config)(event);

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
    expect(calls.map((c) => c.n)).toEqual([0, 1, 2]);
  });

  it('answers an empty Records array with full success', async () => {
    // Arrange
    const { config } = clickConfig(() => {});

    // Act
    const response = await handlerFor(config)({ Records: [] });

    // Assert
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('throws UnsupportedEventError for an event that is not a stream event', async () => {
    // Arrange
    const { config } = clickConfig(() => {});

    // Act
    const run = handlerFor(config)({ Records: [{ eventSource: 'aws:sqs', body: '{}' }] });

    // Assert
    await expect(run).rejects.toBeInstanceOf(UnsupportedEventError);
  });
});

describe('BatchEngine: ordering per partition key', () => {
  it('stops a failed key, lets other keys finish, and reports the failed sequence number', async () => {
    // Arrange
    const { config, calls } = clickConfig((p) => {
      if (p.userId === 'a' && p.n === 1) throw new TransientError('downstream timeout');
    });
    const event = kinesisEvent([
      { pk: 'a', data: { userId: 'a', n: 0 } },
      { pk: 'b', data: { userId: 'b', n: 0 } },
      { pk: 'a', data: { userId: 'a', n: 1 } },
      { pk: 'b', data: { userId: 'b', n: 1 } },
      { pk: 'a', data: { userId: 'a', n: 2 } },
    ]);

    // Act
    const result = await handlerFor(config).run(event);

    // Assert
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(2) }]);
    expect(calls.map((c) => `${c.userId}${c.n}`).sort()).toEqual(['a0', 'a1', 'b0', 'b1']);
    expect(result.outcomes.map((o) => o.fate)).toEqual([
      Fate.processed,
      Fate.processed,
      Fate.failed,
      Fate.processed,
      Fate.blocked,
    ]);
  });

  it('reports only the lowest sequence number when several keys fail', async () => {
    // Arrange
    const { config } = clickConfig((p) => {
      if (p.n === 1) throw new Error('boom');
    });
    const event = kinesisEvent([
      { pk: 'a', data: { userId: 'a', n: 0 } },
      { pk: 'b', data: { userId: 'b', n: 1 } },
      { pk: 'a', data: { userId: 'a', n: 1 } },
    ]);

    // Act
    const response = await handlerFor(config)(event);

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: seq(1) }]);
  });

  it("ordering 'shard' stops every later record after the first failure", async () => {
    // Arrange
    const { config, calls } = clickConfig(
      (p) => {
        if (p.n === 1) throw new Error('boom');
      },
      { ordering: 'shard' },
    );
    const event = kinesisEvent([0, 1, 2, 3].map((n) => ({ pk: `k${n}`, data: { userId: `k${n}`, n } })));

    // Act
    const result = await handlerFor(config).run(event);

    // Assert
    expect(calls.map((c) => c.n)).toEqual([0, 1]);
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(1) }]);
    expect(result.counts.blocked).toBe(2);
  });

  it("ordering 'none' runs every record and reports the lowest failure", async () => {
    // Arrange
    const { config, calls } = clickConfig(
      (p) => {
        if (p.n === 1) throw new Error('boom');
      },
      { ordering: 'none' },
    );
    const event = kinesisEvent([0, 1, 2].map((n) => ({ pk: 'same', data: { userId: 'same', n } })));

    // Act
    const response = await handlerFor(config)(event);

    // Assert
    expect(calls).toHaveLength(3);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: seq(1) }]);
  });
});

describe('BatchEngine: poison records are quarantined and never block the shard', () => {
  it('quarantines a PermanentError with the full record and lets the key continue', async () => {
    // Arrange
    const sink = new MemorySink();
    const { config, calls } = clickConfig((p) => {
      if (p.n === 1) throw new PermanentError('customer unknown');
    });
    const event = kinesisEvent([0, 1, 2].map((n) => ({ pk: 'a', data: { userId: 'a', n } })));

    // Act
    const response = await handlerFor(config, sink)(event);

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(calls).toHaveLength(3);
    expect(sink.entries).toHaveLength(1);
    expect(sink.entries[0]).toMatchObject({
      stream: 'clicks',
      sequenceNumber: seq(1),
      shardId: SHARD,
      partitionKey: 'a',
      processor: 'clicks',
      error: { name: 'PermanentError', message: 'customer unknown' },
      record: event.Records[1],
    });
  });

  it('quarantines schema violations with the zod issues, invalid JSON and invalid base64', async () => {
    // Arrange
    const sink = new MemorySink();
    const { config, calls } = clickConfig(() => {});
    const event = kinesisEvent([
      { pk: 'a', data: { userId: 'a', n: 'not-a-number' } },
      { pk: 'a', data: null, raw: Buffer.from('{"userId":').toString('base64') },
      { pk: 'a', data: null, raw: '%%%' },
      { pk: 'a', data: { userId: 'a', n: 3 } },
    ]);

    // Act
    const response = await handlerFor(config, sink)(event);

    // Assert
    expect(response.batchItemFailures).toEqual([]);
    expect(calls.map((c) => c.n)).toEqual([3]);
    expect(sink.entries.map((e) => e.error.name)).toEqual([
      'SchemaValidationError',
      'InvalidJsonError',
      'InvalidBase64Error',
    ]);
    expect(sink.entries[0]!.error.issues).toEqual([expect.objectContaining({ path: ['n'] })]);
  });

  it('reports quarantined records for retry when the sink cannot store them', async () => {
    // Arrange
    const sink = new MemorySink();
    sink.failWith = new TransientError('bucket unavailable');
    const { config } = clickConfig(() => {});
    const event = kinesisEvent([
      { pk: 'a', data: { userId: 'a', n: 0 } },
      { pk: 'b', data: { userId: 'b', n: 'x' } },
    ]);

    // Act
    const result = await handlerFor(config, sink).run(event);

    // Assert
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(1) }]);
    expect(result.outcomes[1]!.fate).toBe(Fate.failed);
  });

  it('quarantines a record over maxRecordBytes with RecordTooLargeError', async () => {
    // Arrange
    const sink = new MemorySink();
    const { config, calls } = clickConfig(() => {}, { maxRecordBytes: 64 });
    const event = kinesisEvent([{ pk: 'a', data: { userId: 'a'.repeat(100), n: 0 } }]);

    // Act
    await handlerFor(config, sink)(event);

    // Assert
    expect(calls).toHaveLength(0);
    expect(sink.entries[0]!.error.name).toBe('RecordTooLargeError');
  });
});

describe('BatchEngine: unmatched records follow the policy', () => {
  const build = (unmatched: 'skip' | 'quarantine' | 'fail') => {
    const processor = defineProcessor({ name: 'views', schema: Click, process() {} });
    return defineConfig({
      service: 'test-service',
      streams: {
        clicks: {
          source: { type: 'kinesis', stream: 'clicks' },
          startingPosition: 'LATEST',
          unmatched,
          routes: [{ match: { payload: { userId: ['a'] } }, processor }],
        },
      },
    });
  };
  const event = kinesisEvent([
    { pk: 'b', data: { userId: 'b', n: 0 } },
    { pk: 'a', data: { userId: 'a', n: 1 } },
  ]);

  it.each([
    ['skip', Fate.ignored, []],
    ['quarantine', Fate.quarantined, []],
    ['fail', Fate.failed, [{ itemIdentifier: seq(0) }]],
  ] as const)('%s → %s', async (policy, fate, failures) => {
    // Arrange
    const sink = new MemorySink();

    // Act
    const result = await handlerFor(build(policy), sink).run(event);

    // Assert
    expect(result.outcomes[0]!.fate).toBe(fate);
    expect(result.outcomes[1]!.fate).toBe(Fate.processed);
    expect(result.response.batchItemFailures).toEqual(failures);
    expect(sink.entries.map((e) => e.error.name)).toEqual(policy === 'quarantine' ? ['UnmatchedRecordError'] : []);
  });
});

describe('BatchEngine: records that cannot be attributed fail the whole batch', () => {
  it('throws UnattributableFailureError for a DynamoDB record without SequenceNumber, running nothing', async () => {
    // Arrange
    const Order = z.object({ orderId: z.string() });
    let ran = 0;
    const processor = defineProcessor({
      name: 'orders',
      schema: Order,
      process() {
        ran++;
      },
    });
    const config = defineConfig({
      service: 'test-service',
      streams: {
        orders: { source: { type: 'dynamodb', table: 'orders' }, startingPosition: 'LATEST', routes: [{ processor }] },
      },
    });
    const event = dynamodbEvent([
      { eventName: 'INSERT', keys: { orderId: 'o1' }, newImage: { orderId: 'o1' } },
      { eventName: 'INSERT', keys: { orderId: 'o2' }, newImage: { orderId: 'o2' } },
    ]);
    delete event.Records[1]!.dynamodb!.SequenceNumber;

    // Act
    const run = handlerFor(config, new MemorySink(), 'orders')(event);

    // Assert
    await expect(run).rejects.toBeInstanceOf(UnattributableFailureError);
    expect(ran).toBe(0);
  });
});

describe('BatchEngine: deadline guard', () => {
  it('stops starting records when the remaining time drops under the margin and checkpoints there', async () => {
    // Arrange
    let remaining = 10_000;
    const { config, calls } = clickConfig(
      () => {
        remaining -= 4_000;
      },
      { deadlineMarginMs: 3_000, ordering: 'shard' },
    );
    const event = kinesisEvent([0, 1, 2, 3].map((n) => ({ pk: 'a', data: { userId: 'a', n } })));
    const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => remaining } as Partial<Context>;

    // Act
    const result = await handlerFor(config).run(event, context);

    // Assert
    expect(calls.map((c) => c.n)).toEqual([0, 1]);
    expect(result.outcomes.map((o) => o.fate)).toEqual([Fate.processed, Fate.processed, Fate.deferred, Fate.blocked]);
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(2) }]);
  });
});

describe('BatchEngine: idempotency', () => {
  const build = () => {
    let effects = 0;
    const processor = defineProcessor({
      name: 'clicks',
      schema: Click,
      idempotency: true,
      process() {
        effects++;
      },
    });
    const config = idempotentClicksConfig(processor);
    return { config, effects: () => effects };
  };

  it('does not re-run the effects of a redelivered batch', async () => {
    // Arrange
    const { config, effects } = build();
    const store = new InMemoryIdempotencyStore();
    const handler = createHandler(config, 'clicks', { logger: silentLogger, idempotency: store, metrics: false });
    const event = kinesisEvent([0, 1, 2].map((n) => ({ pk: 'a', data: { userId: 'a', n } })));

    // Act
    await handler(event);
    const second = await handler.run(event);

    // Assert
    expect(effects()).toBe(3);
    expect(second.counts.duplicate).toBe(3);
    expect(second.response.batchItemFailures).toEqual([]);
  });

  it('reports a record whose key another invocation holds a live lock on', async () => {
    // Arrange
    const { config, effects } = build();
    const store = new InMemoryIdempotencyStore();
    const event = kinesisEvent([{ pk: 'a', data: { userId: 'a', n: 0 } }]);
    await store.begin([`clicks#kinesis:clicks:${SHARD}:${seq(0)}`], 60_000);
    const handler = createHandler(config, 'clicks', { logger: silentLogger, idempotency: store, metrics: false });

    // Act
    const result = await handler.run(event);

    // Assert
    expect(effects()).toBe(0);
    expect(result.outcomes[0]!.error?.name).toBe('IdempotencyInProgressError');
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(0) }]);
  });
});

describe('BatchEngine: KPL aggregated records', () => {
  it('reports the aggregate sequence number when one user record fails, and blocks its key', async () => {
    // Arrange
    const { config, calls } = clickConfig((p) => {
      if (p.n === 1) throw new Error('boom');
    });
    const aggregate = aggregateUserRecords(
      [0, 1, 2].map((n) => ({ partitionKey: 'a', data: Buffer.from(JSON.stringify({ userId: 'a', n })) })),
    );
    const event = {
      Records: [
        kinesisLambdaRecord({
          streamArn: STREAM_ARN,
          region: 'us-east-1',
          shardId: SHARD,
          sequenceNumber: seq(0),
          partitionKey: aggregate.partitionKey,
          data: aggregate.data,
          approximateArrivalMs: 1_545_084_650_987,
        }),
      ],
    };

    // Act
    const result = await handlerFor(config).run(event);

    // Assert
    expect(calls.map((c) => c.n)).toEqual([0, 1]);
    expect(result.outcomes.map((o) => [o.subSequenceNumber, o.fate])).toEqual([
      [0, Fate.processed],
      [1, Fate.failed],
      [2, Fate.blocked],
    ]);
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(0) }]);
  });
});

describe('BatchEngine: tumbling windows', () => {
  const build = (closed: unknown[]) => {
    const processor = defineProcessor({
      name: 'totals',
      schema: Click,
      window: {
        initial: () => ({ sum: 0 }),
        onClose: (state) => {
          closed.push(state);
        },
      },
      process(click, ctx) {
        ctx.window!.state.sum += click.n;
        if (click.n < 0) throw new Error('negative');
      },
    });
    return defineConfig({
      service: 'test-service',
      streams: {
        clicks: {
          source: { type: 'kinesis', stream: 'clicks' },
          startingPosition: 'LATEST',
          tumblingWindowSeconds: 60,
          routes: [{ processor }],
        },
      },
    });
  };
  const windowFields = { window: { start: '2020-12-09T07:04:00Z', end: '2020-12-09T07:05:00Z' }, shardId: SHARD };

  it('carries state between invocations and always returns it', async () => {
    // Arrange
    const handler = handlerFor(build([]));
    const event = {
      ...kinesisEvent([{ pk: 'a', data: { userId: 'a', n: 5 } }]),
      ...windowFields,
      state: { totals: { sum: 10 } },
    };

    // Act
    const response = await handler(event);

    // Assert
    expect(response).toEqual({ state: { totals: { sum: 15 } }, batchItemFailures: [] });
  });

  it('rolls back the state change of a failed record so the state matches the checkpoint', async () => {
    // Arrange
    const handler = handlerFor(build([]));
    const event = {
      ...kinesisEvent([
        { pk: 'a', data: { userId: 'a', n: 1 } },
        { pk: 'b', data: { userId: 'b', n: -7 } },
        { pk: 'c', data: { userId: 'c', n: 100 } },
      ]),
      ...windowFields,
      state: {},
    };

    // Act
    const response = await handler(event);

    // Assert
    expect(response).toEqual({ state: { totals: { sum: 1 } }, batchItemFailures: [{ itemIdentifier: seq(1) }] });
  });

  it('calls onClose on the final invocation with the aggregate', async () => {
    // Arrange
    const closed: unknown[] = [];
    const handler = handlerFor(build(closed));
    const event = { Records: [], ...windowFields, state: { totals: { sum: 42 } }, isFinalInvokeForWindow: true };

    // Act
    const response = await handler(event);

    // Assert
    expect(closed).toEqual([{ sum: 42 }]);
    expect(response).toEqual({ state: {}, batchItemFailures: [] });
  });
});

describe('toPowertoolsRecordHandler: shardflow processors under @aws-lambda-powertools/batch', () => {
  it('lets Powertools report the records our processor rejects', async () => {
    // Arrange
    const processor = defineProcessor({
      name: 'clicks',
      schema: Click,
      process(click) {
        if (click.n === 1) throw new TransientError('boom');
      },
    });
    const event = kinesisEvent([
      { pk: 'a', data: { userId: 'a', n: 0 } },
      { pk: 'a', data: { userId: 'a', n: 1 } },
      { pk: 'a', data: { userId: 'a', n: 'bad' } },
    ]) as KinesisStreamEvent;

    // Act
    const response = await processPartialResponse(
      event,
      toPowertoolsRecordHandler(processor, { logger: silentLogger }),
      new BatchProcessor(EventType.KinesisDataStreams),
    );

    // Assert
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: seq(1) }, { itemIdentifier: seq(2) }]);
  });
});

describe('BatchEngine: partial quarantine failures', () => {
  it('reports only the entries the sink says it did not store', async () => {
    // Arrange
    const { QuarantineWriteError } = await import('../../../src/runtime/processing/quarantine/index.js');
    const stored: unknown[] = [];
    const sink = {
      kind: 'partial',
      async write(entries: readonly import('../../../src/runtime/processing/quarantine/index.js').QuarantineEntry[]) {
        stored.push(entries[0]);
        throw new QuarantineWriteError('partial', [{ entry: entries[1]!, reason: 'throttled' }], { cause: null });
      },
    };
    const { config } = clickConfig(() => {});
    const event = kinesisEvent([
      { pk: 'a', data: { userId: 'a', n: 'x' } },
      { pk: 'b', data: { userId: 'b', n: 'y' } },
    ]);

    // Act
    const result = await createHandler(config, 'clicks', {
      logger: silentLogger,
      quarantine: sink,
      metrics: false,
    }).run(event);

    // Assert
    expect(result.outcomes.map((o) => o.fate)).toEqual([Fate.quarantined, Fate.failed]);
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(1) }]);
    expect(stored).toHaveLength(1);
  });
});

describe('BatchEngine: bad input is logged with its identity, not its payload', () => {
  it('writes one warn line per quarantined record with awsRequestId, shard, sequence number and the error name', async () => {
    // Arrange
    const { captureDestination } = await import('../observability/capture.js');
    const { createLogger } = await import('../../../src/runtime/observability/logger.js');
    const destination = captureDestination();
    const logger = createLogger({ level: 'info', destination, redact: ['secret'] });
    const { config } = clickConfig(() => {});
    const event = kinesisEvent([{ pk: 'a', data: { userId: 'a', n: 'x', secret: 'card-4242' } }]);

    // Act
    await createHandler(config, 'clicks', { logger, quarantine: new MemorySink(), metrics: false }).run(event, {
      awsRequestId: 'req-42',
    });

    // Assert
    const line = destination.lines().find((l) => String(l.msg).startsWith('quarantined'));
    expect(line).toMatchObject({
      level: 'warn',
      awsRequestId: 'req-42',
      stream: 'clicks',
      shardId: SHARD,
      sequenceNumber: seq(0),
      partitionKey: 'a',
      msg: 'quarantined: SchemaValidationError',
    });
    expect(destination.raw.join('')).not.toContain('card-4242');
  });
});

describe('BatchEngine: quarantine happens once per record when the stream has an idempotency store', () => {
  it('does not quarantine a poison record again when its batch is redelivered after a later failure', async () => {
    // Arrange
    const sink = new MemorySink();
    let failOnce = true;
    const { config } = clickConfig(
      (p) => {
        if (p.n === 2 && failOnce) {
          failOnce = false;
          throw new TransientError('timeout');
        }
      },
      { idempotency: { table: 'idempotency' } },
    );
    const handler = createHandler(config, 'clicks', {
      logger: silentLogger,
      quarantine: sink,
      idempotency: new InMemoryIdempotencyStore(),
      metrics: false,
    });
    const event = kinesisEvent([
      { pk: 'a', data: { userId: 'a', n: 0 } },
      { pk: 'b', data: { userId: 'b', n: 'poison' } },
      { pk: 'c', data: { userId: 'c', n: 2 } },
    ]);

    // Act
    const first = await handler.run(event);
    const second = await handler.run({ Records: event.Records.slice(2) });
    const third = await handler.run(event);

    // Assert
    expect(first.response.batchItemFailures).toEqual([{ itemIdentifier: seq(2) }]);
    expect(second.response.batchItemFailures).toEqual([]);
    expect(third.outcomes[1]!.fate).toBe(Fate.duplicate);
    expect(sink.entries).toHaveLength(1);
  });
});

describe('BatchEngine: per-invocation batch buffers', () => {
  const build = (commit: (buffer: number[]) => void) => {
    const processor = defineProcessor({
      name: 'clicks',
      schema: Click,
      batch: { create: (): number[] => [], commit },
      process(click, ctx) {
        ctx.batch.push(click.n);
      },
    });
    return defineConfig({
      service: 'test-service',
      streams: {
        clicks: { source: { type: 'kinesis', stream: 'clicks' }, startingPosition: 'LATEST', routes: [{ processor }] },
      },
    });
  };

  it('commits one buffer per invocation holding every record the processor handled', async () => {
    // Arrange
    const commits: number[][] = [];
    const handler = handlerFor(build((buffer) => void commits.push([...buffer])));
    const event = kinesisEvent([0, 1, 2].map((n) => ({ pk: `k${n}`, data: { userId: `k${n}`, n } })));

    // Act
    await handler(event);
    await handler(event);

    // Assert
    expect(commits).toEqual([
      [0, 1, 2],
      [0, 1, 2],
    ]);
  });

  it('reports every record of a failed commit for retry', async () => {
    // Arrange
    const handler = handlerFor(
      build(() => {
        throw new Error('S3 unavailable');
      }),
    );
    const event = kinesisEvent([0, 1].map((n) => ({ pk: `k${n}`, data: { userId: `k${n}`, n } })));

    // Act
    const result = await handler.run(event);

    // Assert
    expect(result.outcomes.map((o) => [o.fate, o.error?.name])).toEqual([
      [Fate.failed, 'BatchCommitError'],
      [Fate.failed, 'BatchCommitError'],
    ]);
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: seq(0) }]);
  });
});
