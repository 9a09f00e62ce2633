import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AWS_SAMPLE_DYNAMODB_EVENT,
  dynamodbEvent,
  INVALID_BASE64,
  InMemoryIdempotencyStore,
  kinesisEvent,
  kplAggregate,
  MemoryQuarantineSink,
  runProcessor,
  withoutSequenceNumber,
} from '../../../src/local/testing/index.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import {
  PermanentError,
  TransientError,
  UnattributableFailureError,
  UnsupportedEventError,
} from '../../../src/runtime/errors.js';
import { DeadlineReachedError, SchemaValidationError } from '../../../src/runtime/processing/errors.js';
import type { KinesisStreamEvent } from '../../../src/runtime/records/lambda-events.js';

const Click = z.object({ userId: z.string(), n: z.number().int() });
type Click = z.infer<typeof Click>;

/** A clicks processor that records what it ran and throws what `behaviour` throws. */
function clicks(behaviour: (click: Click) => void = () => {}, options: { idempotency?: boolean } = {}) {
  const calls: Click[] = [];
  const processor = defineProcessor({
    name: 'clicks',
    schema: Click,
    ...(options.idempotency ? { idempotency: true } : {}),
    async process(click) {
      calls.push(click);
      behaviour(click);
    },
  });
  return { processor, calls };
}

const sequenceNumbers = (event: KinesisStreamEvent) => event.Records.map((r) => r.kinesis.sequenceNumber);

describe('runProcessor: fates', () => {
  it('reports processed records with their identity and no batch item failures', async () => {
    // Arrange
    const { processor, calls } = clicks();
    const event = kinesisEvent(
      [
        { json: { userId: 'u1', n: 1 }, partitionKey: 'u1' },
        { json: { userId: 'u2', n: 2 }, partitionKey: 'u2' },
      ],
      { stream: 'clicks' },
    );

    // Act
    const run = await runProcessor(processor, event);

    // Assert
    const [first, second] = sequenceNumbers(event);
    expect(run.outcomes).toEqual([
      {
        id: first,
        eventID: `shardId-000000000006:${first}`,
        partitionKey: 'u1',
        processor: 'clicks',
        fate: 'processed',
        error: undefined,
      },
      {
        id: second,
        eventID: `shardId-000000000006:${second}`,
        partitionKey: 'u2',
        processor: 'clicks',
        fate: 'processed',
        error: undefined,
      },
    ]);
    expect(run.response).toEqual({ batchItemFailures: [] });
    expect(run.counts).toMatchObject({ processed: 2, quarantined: 0, failed: 0, blocked: 0 });
    expect(run.quarantined).toEqual([]);
    expect(calls).toEqual([
      { userId: 'u1', n: 1 },
      { userId: 'u2', n: 2 },
    ]);
  });

  it('quarantines a schema violation and a PermanentError, and moves past them', async () => {
    // Arrange
    const { processor, calls } = clicks((click) => {
      if (click.n < 0) throw new PermanentError('negative count');
    });
    const event = kinesisEvent([
      { json: { userId: 'u1' }, partitionKey: 'u1' },
      { json: { userId: 'u1', n: -1 }, partitionKey: 'u1' },
      { json: { userId: 'u1', n: 3 }, partitionKey: 'u1' },
    ]);

    // Act
    const run = await runProcessor(processor, event);

    // Assert
    expect(run.outcomes.map((o) => o.fate)).toEqual(['quarantined', 'quarantined', 'processed']);
    expect(run.outcomes[0]?.error).toBeInstanceOf(SchemaValidationError);
    expect(run.outcomes[1]?.error).toBeInstanceOf(PermanentError);
    expect(run.quarantined.map((e) => [e.eventID, e.processor, e.error.name])).toEqual([
      [run.outcomes[0]?.eventID, 'clicks', 'SchemaValidationError'],
      [run.outcomes[1]?.eventID, 'clicks', 'PermanentError'],
    ]);
    expect(run.response.batchItemFailures).toEqual([]);
    expect(calls).toEqual([
      { userId: 'u1', n: -1 },
      { userId: 'u1', n: 3 },
    ]);
  });

  it('fails a transient error, blocks the later records of that key, and reports the failed one', async () => {
    // Arrange
    const { processor, calls } = clicks((click) => {
      if (click.userId === 'a' && click.n === 1) throw new TransientError('downstream timeout');
    });
    const event = kinesisEvent([
      { json: { userId: 'a', n: 0 }, partitionKey: 'a' },
      { json: { userId: 'a', n: 1 }, partitionKey: 'a' },
      { json: { userId: 'b', n: 0 }, partitionKey: 'b' },
      { json: { userId: 'a', n: 2 }, partitionKey: 'a' },
    ]);

    // Act
    const run = await runProcessor(processor, event);

    // Assert
    expect(run.outcomes.map((o) => [o.partitionKey, o.fate])).toEqual([
      ['a', 'processed'],
      ['a', 'failed'],
      ['b', 'processed'],
      ['a', 'blocked'],
    ]);
    expect(run.outcomes[1]?.error).toBeInstanceOf(TransientError);
    expect(run.response.batchItemFailures).toEqual([{ itemIdentifier: run.outcomes[1]?.id }]);
    expect(run.counts).toMatchObject({ processed: 2, failed: 1, blocked: 1 });
    expect(calls.map((c) => `${c.userId}${c.n}`).sort()).toEqual(['a0', 'a1', 'b0']); // keys run concurrently
  });

  it('blocks every later record after a failure under shard ordering', async () => {
    // Arrange
    const { processor } = clicks((click) => {
      if (click.userId === 'a') throw new Error('boom');
    });
    const event = kinesisEvent([
      { json: { userId: 'a', n: 0 }, partitionKey: 'a' },
      { json: { userId: 'b', n: 0 }, partitionKey: 'b' },
    ]);

    // Act
    const run = await runProcessor(processor, event, { ordering: 'shard' });

    // Assert
    expect(run.outcomes.map((o) => o.fate)).toEqual(['failed', 'blocked']);
    expect(run.response.batchItemFailures).toEqual([{ itemIdentifier: run.outcomes[0]?.id }]);
  });

  it('quarantines an undecodable record without routing it', async () => {
    // Arrange
    const { processor, calls } = clicks();
    const event = kinesisEvent([
      { base64: INVALID_BASE64.badCharacter, partitionKey: 'u1' },
      { json: { userId: 'u1', n: 1 }, partitionKey: 'u1' },
    ]);

    // Act
    const run = await runProcessor(processor, event);

    // Assert
    expect(run.outcomes.map((o) => [o.processor, o.fate, o.error?.name])).toEqual([
      [undefined, 'quarantined', 'InvalidBase64Error'],
      ['clicks', 'processed', undefined],
    ]);
    expect(run.outcomes[0]?.partitionKey).toBe('u1');
    expect(run.quarantined).toHaveLength(1);
    expect(calls).toHaveLength(1);
  });

  it('defers the records when the context leaves less than the deadline margin', async () => {
    // Arrange
    const { processor, calls } = clicks();
    const event = kinesisEvent([{ json: { userId: 'u1', n: 1 } }]);

    // Act
    const run = await runProcessor(processor, event, { context: { getRemainingTimeInMillis: () => 1_000 } });

    // Assert
    expect(run.outcomes.map((o) => o.fate)).toEqual(['deferred']);
    expect(run.outcomes[0]?.error).toBeInstanceOf(DeadlineReachedError);
    expect(run.response.batchItemFailures).toEqual([{ itemIdentifier: run.outcomes[0]?.id }]);
    expect(calls).toEqual([]);
  });
});

describe('runProcessor: identities', () => {
  it('names KPL user records by sequence and sub-sequence number, and reports the aggregate’s sequence', async () => {
    // Arrange
    const { processor } = clicks((click) => {
      if (click.n === 2) throw new TransientError('retry me');
    });
    const bytes = kplAggregate([
      { json: { userId: 'a', n: 1 }, partitionKey: 'a' },
      { json: { userId: 'b', n: 2 }, partitionKey: 'b' },
    ]);
    const event = kinesisEvent([{ bytes, partitionKey: 'a' }]);
    const [sequence] = sequenceNumbers(event);

    // Act
    const run = await runProcessor(processor, event);

    // Assert
    expect(run.outcomes.map((o) => [o.id, o.partitionKey, o.fate])).toEqual([
      [`${sequence}:0`, 'a', 'processed'],
      [`${sequence}:1`, 'b', 'failed'],
    ]);
    expect(run.response.batchItemFailures).toEqual([{ itemIdentifier: sequence }]);
  });

  it('runs a DynamoDB processor on the images and names records by SequenceNumber', async () => {
    // Arrange
    const Order = z.object({ orderId: z.string(), status: z.enum(['NEW', 'PAID']) });
    const seen: string[] = [];
    const processor = defineProcessor({
      name: 'order-status',
      schema: Order,
      process(order, ctx) {
        seen.push(`${ctx.record.eventName}:${order.status}`);
      },
    });
    const event = dynamodbEvent([
      { eventName: 'INSERT', keys: { orderId: 'o-1' }, newImage: { orderId: 'o-1', status: 'NEW' } },
      {
        eventName: 'MODIFY',
        keys: { orderId: 'o-1' },
        oldImage: { orderId: 'o-1', status: 'NEW' },
        newImage: { orderId: 'o-1', status: 'PAID' },
      },
      { eventName: 'REMOVE', keys: { orderId: 'o-1' }, oldImage: { orderId: 'o-1', status: 'PAID' }, ttl: true },
    ]);

    // Act
    const run = await runProcessor(processor, event);

    // Assert
    expect(run.outcomes.map((o) => [o.id, o.eventID, o.partitionKey, o.fate])).toEqual(
      event.Records.map((r) => [r.dynamodb?.SequenceNumber, r.eventID, '{"orderId":"o-1"}', 'processed']),
    );
    expect(seen).toEqual(['INSERT:NEW', 'MODIFY:PAID', 'REMOVE:PAID']);
  });

  it('runs AWS’s sample DynamoDB event', async () => {
    // Arrange
    const processor = defineProcessor({ name: 'items', schema: z.object({ Id: z.number() }), process() {} });

    // Act
    const run = await runProcessor(processor, AWS_SAMPLE_DYNAMODB_EVENT);

    // Assert
    expect(run.outcomes.map((o) => [o.id, o.fate])).toEqual([
      ['4421584500000000017450439091', 'processed'],
      ['4421584500000000017450439092', 'processed'],
      ['4421584500000000017450439093', 'processed'],
    ]);
  });
});

describe('runProcessor: collaborators', () => {
  it('gives an idempotent processor an in-memory store; a shared store makes a redelivery a duplicate', async () => {
    // Arrange
    const { processor, calls } = clicks(() => {}, { idempotency: true });
    const event = kinesisEvent([{ json: { userId: 'u1', n: 1 } }]);
    const idempotency = new InMemoryIdempotencyStore();

    // Act
    const first = await runProcessor(processor, event, { idempotency });
    const redelivery = await runProcessor(processor, event, { idempotency });
    const freshStore = await runProcessor(processor, event);

    // Assert
    expect(first.outcomes.map((o) => o.fate)).toEqual(['processed']);
    expect(redelivery.outcomes.map((o) => o.fate)).toEqual(['duplicate']);
    expect(freshStore.outcomes.map((o) => o.fate)).toEqual(['processed']);
    expect(calls).toHaveLength(2);
  });

  it('writes quarantined records to the sink it is given, and reports them in the run', async () => {
    // Arrange
    const { processor } = clicks();
    const quarantine = new MemoryQuarantineSink();
    const event = kinesisEvent([{ json: { userId: 'u1' } }]);

    // Act
    const first = await runProcessor(processor, event, { quarantine });
    const second = await runProcessor(processor, event, { quarantine });

    // Assert
    expect(first.quarantined).toHaveLength(1);
    expect(second.quarantined).toHaveLength(1);
    expect(quarantine.entries).toEqual([...first.quarantined, ...second.quarantined]);
    expect(quarantine.entries[0]).toMatchObject({ service: 'shardflow-test', stream: 'test', source: 'kinesis' });
  });

  it('reports a record whose quarantine write fails for retry, and lists only what was stored', async () => {
    // Arrange
    const { processor } = clicks();
    const failing = {
      kind: 'broken',
      async write() {
        throw new Error('sink down');
      },
    };
    const event = kinesisEvent([{ json: { userId: 'u1' } }]);

    // Act
    const run = await runProcessor(processor, event, { quarantine: failing });

    // Assert
    expect(run.outcomes.map((o) => o.fate)).toEqual(['failed']);
    expect(run.quarantined).toEqual([]);
    expect(run.response.batchItemFailures).toEqual([{ itemIdentifier: run.outcomes[0]?.id }]);
  });

  it('passes the context to the processor', async () => {
    // Arrange
    let requestId: string | undefined;
    const processor = defineProcessor({
      name: 'ctx',
      schema: z.unknown(),
      process(_payload, ctx) {
        requestId = ctx.awsRequestId;
      },
    });

    // Act
    await runProcessor(processor, kinesisEvent([{ json: {} }]), { context: { awsRequestId: 'req-42' } });

    // Assert
    expect(requestId).toBe('req-42');
  });
});

describe('runProcessor: whole-batch failures', () => {
  it('rejects like the handler when a record has no sequence number', async () => {
    // Arrange
    const processor = defineProcessor({ name: 'items', schema: z.unknown(), process() {} });
    const [record] = dynamodbEvent([{ eventName: 'INSERT', keys: { id: '1' }, newImage: { id: '1' } }]).Records;

    // Act
    const run = runProcessor(processor, { Records: [withoutSequenceNumber(record!)] });

    // Assert
    await expect(run).rejects.toBeInstanceOf(UnattributableFailureError);
  });

  it('answers an empty event with no outcomes', async () => {
    // Arrange
    const { processor } = clicks();

    // Act
    const run = await runProcessor(processor, { Records: [] });

    // Assert
    expect(run).toMatchObject({ response: { batchItemFailures: [] }, outcomes: [], quarantined: [] });
  });

  it('rejects an event that is not a stream event', async () => {
    // Arrange
    const { processor } = clicks();
    const sqs = { Records: [{ eventSource: 'aws:sqs', body: '{}' }] } as never;

    // Act
    const run = runProcessor(processor, sqs);

    // Assert
    await expect(run).rejects.toBeInstanceOf(UnsupportedEventError);
  });
});
