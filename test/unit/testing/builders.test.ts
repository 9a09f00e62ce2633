import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  AWS_SAMPLE_DYNAMODB_EVENT,
  AWS_SAMPLE_KINESIS_EVENT,
  DynamoDBEventFactory,
  dynamodbEvent,
  KPL_MAGIC,
  kinesisEvent,
  kplAggregate,
  kplEmptyAggregate,
  lambdaContext,
  MemoryQuarantineSink,
  TTL_USER_IDENTITY,
} from '../../../src/local/testing/index.js';
import { toQuarantineEntry } from '../../../src/runtime/processing/quarantine/index.js';
import { decodeEvent } from '../../../src/runtime/records/index.js';
import type { DynamoDBStreamEvent } from '../../../src/runtime/records/lambda-events.js';

/** The sample with the fields AWS computes and a builder only approximates (eventID, SizeBytes) blanked. */
function withoutComputedFields(event: DynamoDBStreamEvent): unknown {
  return event.Records.map((record) => ({
    ...record,
    eventID: '<computed>',
    dynamodb: { ...record.dynamodb, SizeBytes: 0 },
  }));
}

describe('kinesisEvent', () => {
  it('reproduces AWS’s sample Kinesis event verbatim, key order included', () => {
    // Arrange
    const [first, second] = AWS_SAMPLE_KINESIS_EVENT.Records;

    // Act
    const event = kinesisEvent(
      [
        {
          text: 'Hello, this is a test.',
          partitionKey: '1',
          sequenceNumber: first!.kinesis.sequenceNumber,
          approximateArrivalTimestamp: 1545084650.987,
        },
        {
          text: 'This is only a test.',
          partitionKey: '1',
          sequenceNumber: second!.kinesis.sequenceNumber,
          approximateArrivalTimestamp: 1545084711.166,
        },
      ],
      { region: 'us-east-2' },
    );

    // Assert
    expect(event).toStrictEqual(AWS_SAMPLE_KINESIS_EVENT);
    expect(JSON.stringify(event)).toBe(JSON.stringify(AWS_SAMPLE_KINESIS_EVENT));
  });

  it('encodes json, text, bytes and base64 payloads and numbers the shard’s records in order', () => {
    // Arrange
    const inputs = [
      { json: { page: '/' } },
      { text: 'plain ✓' },
      { bytes: Uint8Array.of(0, 255) },
      { base64: 'not base64!' },
    ];

    // Act
    const event = kinesisEvent(inputs, {
      stream: 'clicks',
      shardId: 'shardId-000000000002',
      accountId: '111122223333',
    });

    // Assert
    expect(event.Records.map((r) => r.kinesis.data)).toEqual([
      Buffer.from('{"page":"/"}').toString('base64'),
      Buffer.from('plain ✓').toString('base64'),
      'AP8=',
      'not base64!',
    ]);
    const sequences = event.Records.map((r) => BigInt(r.kinesis.sequenceNumber));
    expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(sequences).size).toBe(4);
    for (const record of event.Records) {
      expect(record.eventID).toBe(`shardId-000000000002:${record.kinesis.sequenceNumber}`);
      expect(record.eventSourceARN).toBe('arn:aws:kinesis:us-east-1:111122223333:stream/clicks');
      expect(record.kinesis.partitionKey).toBe('partition-key-1');
    }
  });

  it('carries a KPL aggregate that shardflow de-aggregates into its user records', () => {
    // Arrange
    const bytes = kplAggregate([
      { json: { n: 1 }, partitionKey: 'k1' },
      { json: { n: 2 }, partitionKey: 'k2' },
    ]);

    // Act
    const event = kinesisEvent([{ bytes, partitionKey: 'k1' }]);
    const { entries } = decodeEvent(event);

    // Assert
    expect(bytes.subarray(0, 4)).toEqual(KPL_MAGIC);
    expect(
      entries.map((e) => (e.ok && e.record.source === 'kinesis' ? [e.record.partitionKey, e.record.json()] : e)),
    ).toEqual([
      ['k1', { n: 1 }],
      ['k2', { n: 2 }],
    ]);
  });

  it('frames an empty aggregate that shardflow rejects as empty, not as corrupt', () => {
    // Arrange
    const event = kinesisEvent([{ bytes: kplEmptyAggregate(['k1']), partitionKey: 'k1' }]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    expect(entries[0]?.ok === false && entries[0].failure.error.name).toBe('KplEmptyAggregateError');
  });
});

describe('dynamodbEvent', () => {
  it('reproduces AWS’s sample DynamoDB event apart from the computed eventID and SizeBytes', () => {
    // Arrange
    const table = new DynamoDBEventFactory({
      tableName: 'ExampleTableWithStream',
      region: 'eu-central-1',
      streamLabel: '2015-06-27T00:48:05.899',
      firstSequenceNumber: '4421584500000000017450439091',
    });
    const at = { approximateCreationDateTime: 1428537600 };

    // Act
    const event = table.event([
      table.record({
        eventName: 'INSERT',
        keys: { Id: 101 },
        newImage: { Message: 'New item!', Id: 101 },
        ttl: true,
        ...at,
      }),
      table.record({
        eventName: 'MODIFY',
        keys: { Id: 101 },
        newImage: { Message: 'This item has changed', Id: 101 },
        oldImage: { Message: 'New item!', Id: 101 },
        ...at,
      }),
      table.record({
        eventName: 'REMOVE',
        keys: { Id: 101 },
        oldImage: { Message: 'This item has changed', Id: 101 },
        ...at,
      }),
    ]);

    // Assert
    expect(withoutComputedFields(event)).toStrictEqual(withoutComputedFields(AWS_SAMPLE_DYNAMODB_EVENT));
    expect(new Set(event.Records.map((r) => r.eventID)).size).toBe(3);
  });

  it('marshals plain values, writes binaries as base64 and marks TTL deletes', () => {
    // Arrange
    const changes = [
      {
        eventName: 'INSERT' as const,
        keys: { pk: 'a', sk: 1 },
        newImage: { pk: 'a', sk: 1, tags: ['x'], blob: Uint8Array.of(1) },
      },
      { eventName: 'REMOVE' as const, keys: { pk: 'a', sk: 1 }, oldImage: { pk: 'a', sk: 1, gone: null }, ttl: true },
    ];

    // Act
    const event = dynamodbEvent(changes, { table: 'orders', region: 'eu-west-1', accountId: '111122223333' });

    // Assert
    const [insert, remove] = event.Records;
    expect(insert?.dynamodb?.NewImage).toEqual({
      pk: { S: 'a' },
      sk: { N: '1' },
      tags: { L: [{ S: 'x' }] },
      blob: { B: 'AQ==' },
    });
    expect(insert?.userIdentity).toBeUndefined();
    expect(remove?.dynamodb?.OldImage).toEqual({ pk: { S: 'a' }, sk: { N: '1' }, gone: { NULL: true } });
    expect(remove?.userIdentity).toEqual(TTL_USER_IDENTITY);
    expect(insert?.eventSourceARN).toBe(
      'arn:aws:dynamodb:eu-west-1:111122223333:table/orders/stream/2024-01-01T00:00:00.000',
    );
    expect(event.Records.map((r) => [r.eventSource, r.eventVersion, r.awsRegion])).toEqual([
      ['aws:dynamodb', '1.1', 'eu-west-1'],
      ['aws:dynamodb', '1.1', 'eu-west-1'],
    ]);
    expect(BigInt(remove!.dynamodb!.SequenceNumber!)).toBeGreaterThan(BigInt(insert!.dynamodb!.SequenceNumber!));
  });

  it('keeps only the images the stream view type carries', () => {
    // Arrange
    const change = {
      eventName: 'MODIFY' as const,
      keys: { id: '1' },
      oldImage: { id: '1', v: 1 },
      newImage: { id: '1', v: 2 },
    };

    // Act
    const [keysOnly] = dynamodbEvent([change], { streamViewType: 'KEYS_ONLY' }).Records;
    const [newOnly] = dynamodbEvent([change], { streamViewType: 'NEW_IMAGE' }).Records;

    // Assert
    expect(keysOnly?.dynamodb).not.toHaveProperty('NewImage');
    expect(keysOnly?.dynamodb).not.toHaveProperty('OldImage');
    expect(keysOnly?.dynamodb?.StreamViewType).toBe('KEYS_ONLY');
    expect(newOnly?.dynamodb?.NewImage).toEqual({ id: { S: '1' }, v: { N: '2' } });
    expect(newOnly?.dynamodb).not.toHaveProperty('OldImage');
  });
});

describe('lambdaContext', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts down a 60 s budget from its creation', () => {
    // Arrange
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const context = lambdaContext();

    // Act
    vi.setSystemTime(1_700_000_010_000);
    const remaining = context.getRemainingTimeInMillis();
    vi.setSystemTime(1_700_000_090_000);
    const afterTimeout = context.getRemainingTimeInMillis();

    // Assert
    expect(remaining).toBe(50_000);
    expect(afterTimeout).toBe(0);
    expect(context.functionName).toBe('shardflow-test');
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:shardflow-test');
  });

  it('takes overrides and ignores undefined ones', () => {
    // Arrange
    const overrides = { functionName: 'orders', awsRequestId: 'req-1', functionVersion: undefined };

    // Act
    const context = lambdaContext(overrides);

    // Assert
    expect(context).toMatchObject({ functionName: 'orders', awsRequestId: 'req-1', functionVersion: '$LATEST' });
    expect(context.invokedFunctionArn).toMatch(/:function:orders$/);
  });
});

describe('MemoryQuarantineSink', () => {
  it('keeps every entry it is given, in write order', async () => {
    // Arrange
    const sink = new MemoryQuarantineSink();
    const [first, second] = AWS_SAMPLE_KINESIS_EVENT.Records;
    const entry = (record: unknown) => {
      const decoded = decodeEvent({ Records: [record] }).entries[0]!;
      return toQuarantineEntry({
        record: decoded.ok ? decoded.record : decoded.failure,
        error: new Error('poison'),
        context: { service: 'test', stream: 'clicks' },
      });
    };

    // Act
    await sink.write([entry(first)]);
    await sink.write([entry(second)]);

    // Assert
    expect(sink.kind).toBe('memory');
    expect(sink.entries.map((e) => e.eventID)).toEqual([first!.eventID, second!.eventID]);
  });
});
