import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedEntry,
  decodeEvent,
  type KinesisRecord,
  KplDecodeError,
  KplDigestMismatchError,
  KplEmptyAggregateError,
  RecordTooLargeError,
  type UndecodableRecord,
} from '../../../src/runtime/records/index.js';
import {
  KinesisEventFactory,
  kplAggregate,
  kplEmptyAggregate,
  kplTruncated,
  kplWithBadDigest,
  withKplFrame,
} from '../../factories/index.js';

function kinesisRecord(entry: DecodedEntry | undefined): KinesisRecord {
  if (!entry?.ok || entry.record.source !== 'kinesis') throw new Error('expected a decoded Kinesis record');
  return entry.record;
}

function failure(entry: DecodedEntry | undefined): UndecodableRecord {
  if (entry === undefined || entry.ok) throw new Error('expected an undecodable record');
  return entry.failure;
}

const MAX_HASH_KEY = '340282366920938463463374607431768211455';

interface AwsKinesisAgg {
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    computeChecksums: boolean,
    done: (
      error: Error | null,
      users?: Array<{ partitionKey: string; explicitPartitionKey?: string; data: string }>,
    ) => void,
  ): void;
  RecordAggregator: new () => {
    addUserRecord(record: { partitionKey: string; explicitHashKey?: string; data: Buffer }): void;
    build(): { partitionKey: string; data: Buffer };
  };
}

const awsKinesisAgg = createRequire(import.meta.url)('aws-kinesis-agg') as AwsKinesisAgg;

describe('decodeEvent: KPL aggregated records', () => {
  it('de-aggregates user records that share one sequence number, with sub-sequence numbers 0..n-1', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const aggregated = kinesis.aggregatedRecord([
      { json: { n: 0 }, partitionKey: 'user-a' },
      { json: { n: 1 }, partitionKey: 'user-b', explicitHashKey: MAX_HASH_KEY },
      { json: { n: 2 }, partitionKey: 'user-a' },
    ]);
    const event = kinesis.event([{ json: { plain: true } }, aggregated, { json: { plain: 'after' } }]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    expect(entries).toHaveLength(5);
    const [before, u0, u1, u2, after] = entries.map(kinesisRecord);
    expect(before?.subSequenceNumber).toBeUndefined();
    expect(after?.index).toBe(2);
    const users = [u0, u1, u2] as KinesisRecord[];
    expect(users.map((r) => r.sequenceNumber)).toEqual(Array(3).fill(aggregated.kinesis.sequenceNumber));
    expect(users.map((r) => r.subSequenceNumber)).toEqual([0, 1, 2]);
    expect(users.map((r) => r.index)).toEqual([1, 1, 1]);
    expect(users.map((r) => r.partitionKey)).toEqual(['user-a', 'user-b', 'user-a']);
    expect(users.map((r) => r.explicitHashKey)).toEqual([undefined, MAX_HASH_KEY, undefined]);
    expect(users.map((r) => r.json())).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(users.map((r) => r.sizeBytes)).toEqual([7, 7, 7]);
    expect(users.every((r) => r.eventID === aggregated.eventID && r.shardId === 'shardId-000000000006')).toBe(true);
    expect(users.every((r) => r.raw === aggregated)).toBe(true);
  });

  it('de-aggregates any list of user records back to the same payloads and keys', () => {
    const user = fc.record({
      text: fc.string({ maxLength: 64 }),
      partitionKey: fc.string({ minLength: 1, maxLength: 32 }),
    });
    fc.assert(
      fc.property(fc.array(user, { minLength: 1, maxLength: 20 }), (users) => {
        // Arrange
        const kinesis = new KinesisEventFactory();
        const event = kinesis.event([kinesis.aggregatedRecord(users)]);

        // Act
        const records = decodeEvent(event).entries.map(kinesisRecord);

        // Assert
        expect(records.map((r) => r.text())).toEqual(users.map((u) => u.text));
        expect(records.map((r) => r.partitionKey)).toEqual(users.map((u) => u.partitionKey));
        expect(records.map((r) => r.subSequenceNumber)).toEqual(users.map((_, i) => i));
      }),
    );
  });

  it('agrees with aws-kinesis-agg’s own deaggregateSync on the factory’s aggregates', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const record = kinesis.aggregatedRecord([
      { text: 'zero', partitionKey: '42' },
      { text: 'one', partitionKey: 'k', explicitHashKey: '7' },
      { text: 'two', partitionKey: '0', explicitHashKey: MAX_HASH_KEY },
    ]);
    let reference: Array<{ partitionKey: string; explicitPartitionKey?: string; data: string }> = [];
    awsKinesisAgg.deaggregateSync(record.kinesis, true, (error, users) => {
      if (error) throw error;
      reference = users ?? [];
    });

    // Act
    const records = decodeEvent(kinesis.event([record])).entries.map(kinesisRecord);

    // Assert
    expect(records.map((r) => r.partitionKey)).toEqual(['42', 'k', '0']);
    expect(records.map((r) => r.partitionKey)).toEqual(reference.map((u) => u.partitionKey));
    expect(records.map((r) => r.explicitHashKey)).toEqual([undefined, '7', MAX_HASH_KEY]);
    // Where a user record has no explicit hash key, deaggregateSync reports the proto2 default
    // (index 0 of the table, here '7') instead of none; only compare the records that set one.
    expect(records.slice(1).map((r) => r.explicitHashKey)).toEqual(
      reference.slice(1).map((u) => u.explicitPartitionKey),
    );
    expect(records.map((r) => Buffer.from(r.data).toString('base64'))).toEqual(reference.map((u) => u.data));
  });

  it('decodes aggregates built by aws-kinesis-agg’s RecordAggregator', () => {
    // Arrange
    const aggregator = new awsKinesisAgg.RecordAggregator();
    aggregator.addUserRecord({ partitionKey: 'user-a', data: Buffer.from('{"n":1}') });
    aggregator.addUserRecord({ partitionKey: 'user-b', explicitHashKey: MAX_HASH_KEY, data: Buffer.from('{"n":2}') });
    const built = aggregator.build();
    const kinesis = new KinesisEventFactory();
    const event = kinesis.event([{ bytes: built.data, partitionKey: built.partitionKey }]);

    // Act
    const records = decodeEvent(event).entries.map(kinesisRecord);

    // Assert
    expect(records.map((r) => [r.partitionKey, r.explicitHashKey, r.json()])).toEqual([
      ['user-a', undefined, { n: 1 }],
      ['user-b', MAX_HASH_KEY, { n: 2 }],
    ]);
  });

  it('reports a digest mismatch as KplDigestMismatchError with the parent identity', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const bad = kinesis.record({ bytes: kplWithBadDigest([{ text: 'a', partitionKey: 'k1' }]), partitionKey: 'k1' });
    const event = kinesis.event([bad]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    expect(entries).toHaveLength(1);
    const failed = failure(entries[0]);
    expect(failed.error).toBeInstanceOf(KplDigestMismatchError);
    expect(failed.sequenceNumber).toBe(bad.kinesis.sequenceNumber);
    expect(failed.partitionKey).toBe('k1');
    expect(failed.shardId).toBe('shardId-000000000006');
    const error = failed.error as KplDigestMismatchError;
    expect(error.recordDigest).not.toBe(error.computedDigest);
    expect(error.sequenceNumber).toBe(bad.kinesis.sequenceNumber);
  });

  it('reports a truncated protobuf behind the magic bytes as KplDecodeError', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const users = [
      { text: 'first user record', partitionKey: 'k1' },
      { text: 'second', partitionKey: 'k2' },
    ];
    const event = kinesis.event([{ bytes: kplTruncated(users), partitionKey: 'k1' }]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    expect(entries).toHaveLength(1);
    const failed = failure(entries[0]);
    expect(failed.error).toBeInstanceOf(KplDecodeError);
    expect(failed.error.cause).toBeDefined();
    expect(failed.sequenceNumber).toBe(event.Records[0]?.kinesis.sequenceNumber);
  });

  it('reports data that is only the magic bytes as KplDecodeError (too short for a digest)', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const event = kinesis.event([{ bytes: Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2, 0x00) }]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    expect(failure(entries[0]).error).toBeInstanceOf(KplDecodeError);
  });

  it('reports a user record whose partition key index is outside the table as KplDecodeError', () => {
    // Arrange: protobuf AggregatedRecord{ records: [{ partition_key_index: 5, data: 'x' }] }, empty key table.
    const body = Uint8Array.of(0x1a, 0x05, 0x08, 0x05, 0x1a, 0x01, 0x78);
    const kinesis = new KinesisEventFactory();
    const event = kinesis.event([{ bytes: withKplFrame(body) }]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    const error = failure(entries[0]).error as KplDecodeError;
    expect(error).toBeInstanceOf(KplDecodeError);
    expect(error.subSequenceNumber).toBe(0);
  });

  it('reports an aggregate with zero user records as KplEmptyAggregateError', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const event = kinesis.event([{ bytes: kplEmptyAggregate(['k1']), partitionKey: 'k1' }, { text: 'next' }]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    expect(entries).toHaveLength(2);
    expect(failure(entries[0]).error).toBeInstanceOf(KplEmptyAggregateError);
    expect(kinesisRecord(entries[1]).text()).toBe('next');
  });

  it('applies maxRecordBytes to the aggregate as a whole', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const aggregate = kplAggregate([
      { text: 'a'.repeat(60), partitionKey: 'k1' },
      { text: 'b'.repeat(60), partitionKey: 'k2' },
    ]);
    const event = kinesis.event([{ bytes: aggregate }]);

    // Act
    const { entries } = decodeEvent(event, { maxRecordBytes: aggregate.length - 1 });

    // Assert
    expect(entries).toHaveLength(1);
    expect(failure(entries[0]).error).toBeInstanceOf(RecordTooLargeError);
  });
});
