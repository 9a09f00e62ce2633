import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedEntry,
  type DynamoDBRecord,
  decodeEvent,
  InvalidImageError,
  MalformedRecordError,
  RecordTooLargeError,
  type UndecodableRecord,
} from '../../../src/runtime/records/index.js';
import {
  type AttributeMap,
  AWS_SAMPLE_DYNAMODB_EVENT,
  DynamoDBEventFactory,
  withoutSequenceNumber,
} from '../../factories/index.js';

function dynamoRecord(entry: DecodedEntry | undefined): DynamoDBRecord {
  if (!entry?.ok || entry.record.source !== 'dynamodb') throw new Error('expected a decoded DynamoDB record');
  return entry.record;
}

function failure(entry: DecodedEntry | undefined): UndecodableRecord {
  if (entry === undefined || entry.ok) throw new Error('expected an undecodable record');
  return entry.failure;
}

describe('decodeEvent: DynamoDB Streams', () => {
  it('decodes AWS’s sample event field by field', () => {
    // Arrange
    const event = AWS_SAMPLE_DYNAMODB_EVENT;

    // Act
    const { source, entries } = decodeEvent(event);

    // Assert
    expect(source).toBe('dynamodb');
    expect(entries).toHaveLength(3);
    const [insert, modify, remove] = entries.map(dynamoRecord);
    expect(event.Records[0]?.eventVersion).toBe('1.1');
    expect(insert).toMatchObject({
      source: 'dynamodb',
      index: 0,
      eventID: 'c4ca4238a0b923820dcc509a6f75849b',
      eventName: 'INSERT',
      eventSourceARN:
        'arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
      awsRegion: 'eu-central-1',
      shardId: undefined,
      sequenceNumber: '4421584500000000017450439091',
      partitionKey: '{"Id":101}',
      approximateArrivalMs: 1_428_537_600_000,
      sizeBytes: 26,
      tableName: 'ExampleTableWithStream',
      keys: { Id: 101 },
      newImage: { Message: 'New item!', Id: 101 },
      oldImage: undefined,
      rawKeys: { Id: { N: '101' } },
      streamViewType: 'NEW_AND_OLD_IMAGES',
      // AWS's sample puts the TTL service identity on an INSERT; only a REMOVE can be a TTL expiry.
      isTtlDelete: false,
    });
    expect(insert?.raw).toBe(event.Records[0]);
    expect(modify?.eventName).toBe('MODIFY');
    expect(modify?.oldImage).toEqual({ Message: 'New item!', Id: 101 });
    expect(modify?.newImage).toEqual({ Message: 'This item has changed', Id: 101 });
    expect(modify?.isTtlDelete).toBe(false);
    expect(remove?.eventName).toBe('REMOVE');
    expect(remove?.newImage).toBeUndefined();
    expect(remove?.oldImage).toEqual({ Message: 'This item has changed', Id: 101 });
    expect(remove?.sizeBytes).toBe(38);
  });

  it('flags TTL deletes: REMOVE records with the service userIdentity, and no others', () => {
    // Arrange
    const orders = new DynamoDBEventFactory({ tableName: 'orders' });
    const event = orders.event([
      orders.remove({ orderId: 'o-1' }, { orderId: 'o-1' }, { ttl: true }),
      orders.remove({ orderId: 'o-2' }, { orderId: 'o-2' }),
      orders.record({ eventName: 'INSERT', keys: { orderId: 'o-3' }, newImage: { orderId: 'o-3' }, ttl: true }),
      orders.record({
        eventName: 'MODIFY',
        keys: { orderId: 'o-4' },
        oldImage: { orderId: 'o-4' },
        newImage: { orderId: 'o-4', n: 1 },
        ttl: true,
      }),
    ]);

    // Act
    const [expired, deleted, inserted, modified] = decodeEvent(event).entries.map(dynamoRecord);

    // Assert
    expect(event.Records[0]?.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    expect(expired?.isTtlDelete).toBe(true);
    expect(deleted?.isTtlDelete).toBe(false);
    expect(inserted?.isTtlDelete).toBe(false);
    expect(modified?.isTtlDelete).toBe(false);
    expect(expired?.tableName).toBe('orders');
  });

  it('serialises composite keys canonically, with attribute names sorted', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const a = orders.insert({ sk: 2, pk: 'customer#1' }, { pk: 'customer#1', sk: 2 });
    const b = orders.insert({ pk: 'customer#1', sk: 2 }, { pk: 'customer#1', sk: 2 });

    // Act
    const [first, second] = decodeEvent(orders.event([a, b])).entries.map(dynamoRecord);

    // Assert
    expect(first?.partitionKey).toBe('{"pk":"customer#1","sk":2}');
    expect(second?.partitionKey).toBe(first?.partitionKey);
  });

  it('takes the shard id of a tumbling-window event from its top level', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const event = orders.event([orders.insert({ id: '1' }, { id: '1' })], {
      shardId: 'shardId-00000001704067200000-abcdef12',
      window: { start: '2024-01-01T00:00:00Z', end: '2024-01-01T00:01:00Z' },
      state: {},
      isFinalInvokeForWindow: false,
      isWindowTerminatedEarly: false,
    });

    // Act
    const record = dynamoRecord(decodeEvent(event).entries[0]);

    // Assert
    expect(record.shardId).toBe('shardId-00000001704067200000-abcdef12');
  });

  it('unmarshalls binaries, binary sets, string and number sets, lists and maps', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const item = {
      id: 'o-1',
      blob: Uint8Array.of(0, 1, 42, 65),
      blobs: new Set([Uint8Array.of(0, 1, 42, 65), Uint8Array.of(65, 42, 1, 0)]),
      tags: new Set(['a', 'b']),
      scores: new Set([1, 2.5]),
      nested: { list: [1, 'two', { deep: Uint8Array.of(9) }], flag: true, none: null },
    };
    const event = orders.event([orders.insert({ id: 'o-1' }, item)]);

    // Act
    const record = dynamoRecord(decodeEvent(event).entries[0]);

    // Assert
    expect(event.Records[0]?.dynamodb?.NewImage?.blobs).toEqual({ BS: ['AAEqQQ==', 'QSoBAA=='] });
    const image = record.newImage as Record<string, unknown>;
    expect(image.blob).toEqual(Buffer.from([0, 1, 42, 65]));
    expect(image.blobs).toEqual(new Set([Buffer.from([0, 1, 42, 65]), Buffer.from([65, 42, 1, 0])]));
    expect(image.tags).toEqual(new Set(['a', 'b']));
    expect(image.scores).toEqual(new Set([1, 2.5]));
    expect(image.nested).toEqual({ list: [1, 'two', { deep: Buffer.from([9]) }], flag: true, none: null });
  });

  it('reports a number beyond 2^53 as InvalidImageError, keeping the partition key', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = orders.record({
      eventName: 'INSERT',
      keys: { id: 'o-big' },
      rawNewImage: { id: { S: 'o-big' }, total: { N: '9007199254740993' } },
    });
    const event = orders.event([record]);

    // Act
    const failed = failure(decodeEvent(event).entries[0]);

    // Assert
    const error = failed.error as InvalidImageError;
    expect(error).toBeInstanceOf(InvalidImageError);
    expect(error.image).toBe('NewImage');
    expect(error.sequenceNumber).toBe(record.dynamodb?.SequenceNumber);
    expect(error.message).not.toContain('9007199254740993');
    expect(failed.partitionKey).toBe('{"id":"o-big"}');
    expect(failed.sequenceNumber).toBe(record.dynamodb?.SequenceNumber);
  });

  it('unmarshalls a MODIFY’s OldImage on first read: an invalid one throws its InvalidImageError on every read', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = orders.record({
      eventName: 'MODIFY',
      keys: { id: 'o-1' },
      newImage: { id: 'o-1', status: 'PAID' },
      rawOldImage: { id: { S: 'o-1' }, total: { N: '9007199254740993' } },
    });

    // Act
    const decoded = dynamoRecord(decodeEvent(orders.event([record])).entries[0]);
    const first = (() => {
      try {
        return decoded.oldImage;
      } catch (error) {
        return error;
      }
    })();

    // Assert: decoding succeeded; the old image fails when read, the same error each time
    expect(decoded.newImage).toEqual({ id: 'o-1', status: 'PAID' });
    expect(first).toBeInstanceOf(InvalidImageError);
    expect(first).toMatchObject({ image: 'OldImage', path: 'OldImage.total', sequenceNumber: decoded.sequenceNumber });
    expect(() => decoded.oldImage).toThrow(first as Error);
    expect(JSON.parse(JSON.stringify(decoded))).not.toHaveProperty('oldImage');
  });

  it('gives a valid MODIFY old image on read, once, and in JSON', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const event = orders.event([orders.modify({ id: 'o-1' }, { id: 'o-1', v: 1 }, { id: 'o-1', v: 2 })]);

    // Act
    const decoded = dynamoRecord(decodeEvent(event).entries[0]);

    // Assert
    expect(decoded.oldImage).toEqual({ id: 'o-1', v: 1 });
    expect(decoded.oldImage).toBe(decoded.oldImage);
    expect(JSON.parse(JSON.stringify(decoded))).toMatchObject({ oldImage: { id: 'o-1', v: 1 }, newImage: { v: 2 } });
  });

  it('reports a REMOVE whose OldImage (its payload) is invalid as undecodable', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const event = orders.event([
      orders.record({
        eventName: 'REMOVE',
        keys: { id: 'o-1' },
        rawOldImage: { id: { S: 'o-1' }, bad: { Z: '1' } } as unknown as AttributeMap,
      }),
    ]);

    // Act
    const failed = failure(decodeEvent(event).entries[0]);

    // Assert
    expect(failed.error).toBeInstanceOf(InvalidImageError);
    expect((failed.error as InvalidImageError).image).toBe('OldImage');
  });

  it('accepts numbers up to ±(2^53 - 1) and decimals', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = orders.record({
      eventName: 'INSERT',
      keys: { id: 'n' },
      rawNewImage: { max: { N: '9007199254740991' }, min: { N: '-9007199254740991' }, price: { N: '12.50' } },
    });

    // Act
    const decoded = dynamoRecord(decodeEvent(orders.event([record])).entries[0]);

    // Assert
    expect(decoded.newImage).toEqual({ max: 9_007_199_254_740_991, min: -9_007_199_254_740_991, price: 12.5 });
  });

  it.each([
    ['an unknown attribute type', { id: { S: 'x' }, bad: { Z: 'what' } }, 'NewImage'],
    ['an attribute value without a type', { id: { S: 'x' }, bad: {} }, 'NewImage'],
    ['a binary that is not base64', { id: { S: 'x' }, bad: { B: 'not base64!' } }, 'NewImage'],
    ['a binary set with a bad member', { id: { S: 'x' }, bad: { BS: ['AAEqQQ==', '***'] } }, 'NewImage'],
  ] as const)('reports %s as InvalidImageError', (_, rawNewImage, image) => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = orders.record({
      eventName: 'INSERT',
      keys: { id: 'x' },
      rawNewImage: structuredClone(rawNewImage) as unknown as AttributeMap,
    });
    const event = orders.event([record, orders.insert({ id: 'y' }, { id: 'y' })]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    const failed = failure(entries[0]);
    expect(failed.error).toBeInstanceOf(InvalidImageError);
    expect((failed.error as InvalidImageError).image).toBe(image);
    expect(failed.source).toBe('dynamodb');
    expect(failed.partitionKey).toBe('{"id":"x"}');
    expect(entries[1]?.ok).toBe(true);
  });

  it('reports unreadable Keys as InvalidImageError with no partition key', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = orders.record({ eventName: 'INSERT', keys: {}, rawKeys: { id: { Q: 'x' } as never } });

    // Act
    const failed = failure(decodeEvent(orders.event([record])).entries[0]);

    // Assert
    expect((failed.error as InvalidImageError).image).toBe('Keys');
    expect(failed.partitionKey).toBeUndefined();
    expect(failed.sequenceNumber).toBe(record.dynamodb?.SequenceNumber);
  });

  it('reports a record without SequenceNumber as a failure with sequenceNumber undefined', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = withoutSequenceNumber(orders.insert({ id: 'o-1' }, { id: 'o-1' }));

    // Act
    const failed = failure(decodeEvent(orders.event([record])).entries[0]);

    // Assert
    expect(failed.error).toBeInstanceOf(MalformedRecordError);
    expect((failed.error as MalformedRecordError).field).toBe('dynamodb.SequenceNumber');
    expect(failed.sequenceNumber).toBeUndefined();
    expect(failed.eventID).toBe(record.eventID);
    expect(failed.partitionKey).toBe('{"id":"o-1"}');
  });

  it('reports a record without Keys as MalformedRecordError', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = structuredClone(orders.insert({ id: 'o-1' }, { id: 'o-1' }));
    delete record.dynamodb?.Keys;

    // Act
    const failed = failure(decodeEvent(orders.event([record])).entries[0]);

    // Assert
    expect((failed.error as MalformedRecordError).field).toBe('dynamodb.Keys');
    expect(failed.sequenceNumber).toBe(record.dynamodb?.SequenceNumber);
  });

  it('reports an unknown eventName as MalformedRecordError', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = { ...orders.insert({ id: 'o-1' }, { id: 'o-1' }), eventName: 'UPSERT' as never };

    // Act
    const failed = failure(decodeEvent(orders.event([record])).entries[0]);

    // Assert
    expect((failed.error as MalformedRecordError).field).toBe('eventName');
  });

  it('reports a record whose SizeBytes exceeds maxRecordBytes as RecordTooLargeError', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();
    const record = orders.insert({ id: 'o-1' }, { id: 'o-1', note: 'x'.repeat(200) });

    // Act
    const failed = failure(decodeEvent(orders.event([record]), { maxRecordBytes: 100 }).entries[0]);

    // Assert
    expect(failed.error).toBeInstanceOf(RecordTooLargeError);
    expect(failed.partitionKey).toBe('{"id":"o-1"}');
  });

  it('follows the stream view type when building images', () => {
    // Arrange
    const keysOnly = new DynamoDBEventFactory({ streamViewType: 'KEYS_ONLY' });
    const event = keysOnly.event([keysOnly.modify({ id: '1' }, { id: '1', v: 1 }, { id: '1', v: 2 })]);

    // Act
    const record = dynamoRecord(decodeEvent(event).entries[0]);

    // Assert
    expect(record.streamViewType).toBe('KEYS_ONLY');
    expect(record.newImage).toBeUndefined();
    expect(record.oldImage).toBeUndefined();
    expect(record.keys).toEqual({ id: '1' });
  });

  it('gives factory sequence numbers that increase as BigInt and have a fixed width', () => {
    // Arrange
    const orders = new DynamoDBEventFactory();

    // Act
    const numbers = Array.from({ length: 20 }, () => orders.insert({ id: '1' }, { id: '1' }).dynamodb?.SequenceNumber);

    // Assert
    expect(numbers[0]).toBe('111100000000000000000001');
    for (let i = 1; i < numbers.length; i++) {
      expect(BigInt(numbers[i] as string) > BigInt(numbers[i - 1] as string)).toBe(true);
      expect(numbers[i]?.length).toBe(24);
    }
  });

  it('round-trips any item of strings, safe integers and booleans through a built record', () => {
    const value = fc.oneof(fc.string(), fc.maxSafeInteger(), fc.boolean());
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => k !== 'id' && k !== '__proto__'),
          value,
        ),
        (attributes) => {
          // Arrange
          const orders = new DynamoDBEventFactory();
          const item = { ...attributes, id: 'k' };
          const event = orders.event([orders.insert({ id: 'k' }, item)]);

          // Act
          const record = dynamoRecord(decodeEvent(event).entries[0]);

          // Assert
          expect(record.newImage).toEqual(item);
        },
      ),
    );
  });
});
