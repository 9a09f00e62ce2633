import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateUserRecords, type UserRecord } from '../../../src/local/esm/kpl-aggregate.js';
import { KplDecodeError, KplEmptyAggregateError } from '../../../src/runtime/records/errors.js';
import { deaggregateKpl } from '../../../src/runtime/records/kpl.js';
import { withKplFrame } from '../../factories/index.js';

/**
 * The KPL codec on its own: golden vectors written by hand from the format
 * (https://github.com/awslabs/amazon-kinesis-producer/blob/master/aggregation-format.md), encode → decode
 * round trips, and corrupt protobuf bodies (framed with a valid MD5, so decoding is what fails).
 */

const IDENTITY = { eventID: 'shardId-000000000006:4959', sequenceNumber: '4959' };

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/**
 * Two user records sharing partition key "user-1"; the second also has explicit hash key "42".
 *
 *   0a 06 "user-1"                        partition_key_table[0]        (field 1, length-delimited)
 *   12 02 "42"                            explicit_hash_key_table[0]    (field 2, length-delimited)
 *   1a 0b                                 records[0], 11 bytes          (field 3, length-delimited)
 *     08 00                                 partition_key_index = 0     (field 1, varint)
 *     1a 07 '{"n":1}'                       data                        (field 3, length-delimited)
 *   1a 0d                                 records[1], 13 bytes
 *     08 00                                 partition_key_index = 0
 *     10 00                                 explicit_hash_key_index = 0 (field 2, varint)
 *     1a 07 '{"n":2}'                       data
 */
const GOLDEN_BODY = hex(`
  0a 06 75 73 65 72 2d 31
  12 02 34 32
  1a 0b 08 00 1a 07 7b 22 6e 22 3a 31 7d
  1a 0d 08 00 10 00 1a 07 7b 22 6e 22 3a 32 7d
`);
/** Magic + GOLDEN_BODY + MD5(GOLDEN_BODY), every byte spelled out. */
const GOLDEN_AGGREGATE = Buffer.concat([hex('f3 89 9a c2'), GOLDEN_BODY, hex('eaa012d15a0eaed0aae66dd2e939651f')]);

function decoded(aggregate: Uint8Array): Array<[string, string | undefined, string]> {
  return deaggregateKpl(aggregate, IDENTITY).map((u) => [
    u.partitionKey,
    u.explicitHashKey,
    Buffer.from(u.data).toString('utf8'),
  ]);
}

function decodeError(body: Uint8Array): unknown {
  try {
    deaggregateKpl(withKplFrame(body), IDENTITY);
  } catch (error) {
    return error;
  }
  throw new Error('expected deaggregateKpl to throw');
}

describe('KPL codec: golden vectors', () => {
  it('decodes the hand-built aggregate into its two user records', () => {
    // Act
    const users = decoded(GOLDEN_AGGREGATE);

    // Assert
    expect(users).toEqual([
      ['user-1', undefined, '{"n":1}'],
      ['user-1', '42', '{"n":2}'],
    ]);
  });

  it('encodes the same two user records into exactly the hand-built bytes', () => {
    // Arrange
    const users: UserRecord[] = [
      { partitionKey: 'user-1', data: Buffer.from('{"n":1}') },
      { partitionKey: 'user-1', explicitHashKey: '42', data: Buffer.from('{"n":2}') },
    ];

    // Act
    const aggregate = aggregateUserRecords(users);

    // Assert
    expect(aggregate.data.toString('hex')).toBe(GOLDEN_AGGREGATE.toString('hex'));
    expect(aggregate.partitionKey).toBe('user-1');
    expect(aggregate.explicitHashKey).toBeUndefined();
  });

  it('returns user record data as views into the aggregate, not copies', () => {
    // Act
    const users = deaggregateKpl(GOLDEN_AGGREGATE, IDENTITY);

    // Assert
    for (const user of users) {
      expect(Buffer.isBuffer(user.data)).toBe(true);
      expect(user.data.buffer).toBe(GOLDEN_AGGREGATE.buffer);
    }
    expect(users.map((u) => u.data.byteOffset - GOLDEN_AGGREGATE.byteOffset)).toEqual([4 + 18, 4 + 33]);
  });

  it('skips unknown fields (varint, fixed32, fixed64, length-delimited, groups) and reads past tags', () => {
    // Arrange: GOLDEN_BODY plus a Tag{key "a", value "b"} and an unknown varint in records[0], and unknown
    // fields 9 (bytes), 10 (a group holding a varint), 11 (fixed64) and 12 (fixed32) in AggregatedRecord.
    const body = hex(`
      0a 06 75 73 65 72 2d 31
      4a 02 ff ff
      12 02 34 32
      53 08 01 54
      1a 16 08 00 22 06 0a 01 61 12 01 62 28 96 01 1a 07 7b 22 6e 22 3a 31 7d
      59 01 02 03 04 05 06 07 08
      1a 0d 08 00 10 00 1a 07 7b 22 6e 22 3a 32 7d
      65 01 02 03 04
    `);

    // Act
    const users = decoded(withKplFrame(body));

    // Assert
    expect(users).toEqual([
      ['user-1', undefined, '{"n":1}'],
      ['user-1', '42', '{"n":2}'],
    ]);
  });

  it('resolves key indexes against tables that come after the user records', () => {
    // Arrange: records[0] = { partition_key_index: 1, data: 'x' }, then partition_key_table ['a', 'b'].
    const body = hex('1a 05 08 01 1a 01 78  0a 01 61  0a 01 62');

    // Act
    const users = decoded(withKplFrame(body));

    // Assert
    expect(users).toEqual([['b', undefined, 'x']]);
  });

  it('decodes invalid UTF-8 in a partition key with U+FFFD, as Buffer#toString does', () => {
    // Arrange: partition_key_table ["\xff" "k"], records[0] = { partition_key_index: 0, data: 'x' }.
    const body = hex('0a 02 ff 6b  1a 05 08 00 1a 01 78');

    // Act
    const users = decoded(withKplFrame(body));

    // Assert
    expect(users).toEqual([['\ufffdk', undefined, 'x']]);
  });

  it('skips up to 100 nested unknown groups', () => {
    // Arrange: a minimal valid aggregate, then 100 nested groups of field 10.
    const body = Buffer.concat([
      hex('0a 01 6b  1a 05 08 00 1a 01 78'),
      Buffer.alloc(100, 0x53),
      Buffer.alloc(100, 0x54),
    ]);

    // Act
    const users = decoded(withKplFrame(body));

    // Assert
    expect(users).toEqual([['k', undefined, 'x']]);
  });
});

describe('KPL codec: encode → decode round trips', () => {
  const partitionKey = fc.oneof(
    fc.constantFrom('0', '42', '007', '-1', '4294967296', '__proto__', 'constructor', ''),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const explicitHashKey = fc.option(
    fc.oneof(
      fc.constantFrom('0', '42'),
      fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map((key) => key.toString()),
    ),
    { nil: undefined },
  );
  const userRecord = fc.record({
    partitionKey,
    explicitHashKey,
    data: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 300 })),
  });

  it('gives back every user record, in order, with its keys and bytes', () => {
    fc.assert(
      fc.property(fc.array(userRecord, { minLength: 1, maxLength: 40 }), (users) => {
        // Arrange
        const input: UserRecord[] = users.map(({ partitionKey, explicitHashKey, data }) =>
          explicitHashKey === undefined ? { partitionKey, data } : { partitionKey, explicitHashKey, data },
        );
        const aggregate = aggregateUserRecords(input);

        // Act
        const output = deaggregateKpl(aggregate.data, IDENTITY);

        // Assert
        expect(output.map((u) => u.partitionKey)).toEqual(users.map((u) => u.partitionKey));
        expect(output.map((u) => u.explicitHashKey)).toEqual(users.map((u) => u.explicitHashKey));
        expect(output.map((u) => Buffer.from(u.data).toString('hex'))).toEqual(
          users.map((u) => Buffer.from(u.data).toString('hex')),
        );
      }),
    );
  });
});

describe('KPL codec: corrupt protobuf bodies end as KplDecodeError', () => {
  // Every body below carries a valid MD5 (withKplFrame), so the digest check passes and decoding must fail.
  const cases: Array<{ name: string; body: string; subSequenceNumber?: number }> = [
    { name: 'a tag varint cut off at the end', body: '0a 01 6b 1a 05 08 00 1a 01 78 80' },
    { name: 'a partition_key_index varint cut off at the end', body: '0a 01 6b 1a 02 08 80', subSequenceNumber: 0 },
    {
      name: 'a varint of more than 10 bytes',
      body: '0a 01 6b 1a 10 08 80 80 80 80 80 80 80 80 80 80 80 00 1a 01 78',
      subSequenceNumber: 0,
    },
    { name: 'a string length of 2^32 - 1', body: '0a ff ff ff ff 0f 6b' },
    { name: 'a string longer than the body', body: '0a 05 6b 1a 01' },
    { name: 'a user record longer than the body', body: '0a 01 6b 1a 7f 08 00 1a 01 78', subSequenceNumber: 0 },
    {
      name: 'data running past the end of its user record',
      body: '0a 01 6b 1a 03 08 00 1a 01 78',
      subSequenceNumber: 0,
    },
    { name: 'wire type 6', body: '0a 01 6b 1a 05 08 00 1a 01 78 0e' },
    { name: 'wire type 7 inside a user record', body: '0a 01 6b 1a 06 08 00 1a 01 78 0f', subSequenceNumber: 0 },
    { name: 'field number 0', body: '0a 01 6b 1a 05 08 00 1a 01 78 02 00' },
    { name: 'a tag that overflows uint32', body: '0a 01 6b 1a 05 08 00 1a 01 78 ff ff ff ff 7f 00' },
    { name: 'partition_key_table sent as a varint', body: '08 05 0a 01 6b 1a 05 08 00 1a 01 78' },
    { name: 'records sent as fixed32', body: '0a 01 6b 1d 01 02 03 04' },
    { name: 'data sent as a varint', body: '0a 01 6b 1a 04 08 00 18 01', subSequenceNumber: 0 },
    { name: 'an end group without a start group', body: '0a 01 6b 1a 05 08 00 1a 01 78 54' },
    { name: 'a group closed with another field number', body: '0a 01 6b 1a 05 08 00 1a 01 78 53 64' },
    { name: 'a group never closed', body: '0a 01 6b 1a 05 08 00 1a 01 78 53 08 01' },
    { name: '101 nested groups', body: `0a 01 6b 1a 05 08 00 1a 01 78 ${'53 '.repeat(101)}${'54 '.repeat(101)}` },
    { name: 'a user record without data', body: '0a 01 6b 1a 02 08 00', subSequenceNumber: 0 },
    { name: 'a user record without partition_key_index', body: '0a 01 6b 1a 03 1a 01 78', subSequenceNumber: 0 },
    {
      name: 'a second user record without data',
      body: '0a 01 6b 1a 05 08 00 1a 01 78 1a 02 08 00',
      subSequenceNumber: 1,
    },
    { name: 'a tag without key', body: '0a 01 6b 1a 09 08 00 1a 01 78 22 02 12 00', subSequenceNumber: 0 },
    { name: 'a tag running past its length', body: '0a 01 6b 1a 09 08 00 1a 01 78 22 01 0a 00', subSequenceNumber: 0 },
    {
      name: 'partition_key_index 2^32 (not wrapped to 0)',
      body: '0a 01 6b 1a 09 08 80 80 80 80 10 1a 01 78',
      subSequenceNumber: 0,
    },
    {
      name: 'partition_key_index 2^64 - 1',
      body: '0a 01 6b 1a 0e 08 ff ff ff ff ff ff ff ff ff 01 1a 01 78',
      subSequenceNumber: 0,
    },
    {
      name: 'an explicit_hash_key_index with an empty table',
      body: '0a 01 6b 1a 07 08 00 10 00 1a 01 78',
      subSequenceNumber: 0,
    },
  ];

  it.each(cases)('$name', ({ body, subSequenceNumber }) => {
    // Act
    const error = decodeError(hex(body));

    // Assert
    expect(error).toBeInstanceOf(KplDecodeError);
    const decodeFailure = error as KplDecodeError;
    expect(decodeFailure.name).toBe('KplDecodeError');
    expect(decodeFailure.sequenceNumber).toBe(IDENTITY.sequenceNumber);
    expect(decodeFailure.eventID).toBe(IDENTITY.eventID);
    expect(decodeFailure.subSequenceNumber).toBe(subSequenceNumber);
  });

  it('never lets anything but a KPL error escape, whatever the body', () => {
    // Bytes biased towards the tags and lengths of the format, so that many bodies get deep into it.
    const byte = fc.oneof(
      fc.constantFrom(0x0a, 0x12, 0x1a, 0x08, 0x10, 0x22, 0x53, 0x54, 0x7b, 0x00, 0x01, 0x02, 0x7f, 0x80, 0xff),
      fc.integer({ min: 0, max: 255 }),
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 120 }), (bytes) => {
        // Act
        let outcome: unknown;
        try {
          outcome = deaggregateKpl(withKplFrame(Uint8Array.from(bytes)), IDENTITY);
        } catch (error) {
          outcome = error;
        }

        // Assert
        if (outcome instanceof Error) {
          expect(outcome instanceof KplDecodeError || outcome instanceof KplEmptyAggregateError).toBe(true);
        } else {
          expect(Array.isArray(outcome)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
