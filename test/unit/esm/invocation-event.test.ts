import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invocationEvent } from '../../../src/local/esm/invocation-event.js';
import { kinesisLambdaRecord, kinesisLambdaRecordSizer } from '../../../src/local/esm/lambda-event.js';
import type { LambdaStreamRecord, SourceRecord } from '../../../src/local/esm/ports.js';
import { sourceRecords } from './esm-fixtures.js';

const STREAM = { streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', region: 'us-east-1' };

/** A source record that builds its invocation records anew, as the Kinesis source does. */
function freshSourceRecord(record: SourceRecord, build: () => LambdaStreamRecord): SourceRecord {
  return { ...record, invocationRecord: build };
}

describe('invocationEvent', () => {
  it('equals the JSON round trip of the records and the window fields, sharing no object with them', () => {
    // Arrange
    const [plain, viaBuilder] = sourceRecords(2);
    const built = freshSourceRecord(viaBuilder!, () => structuredClone(viaBuilder!.lambdaRecord));
    const state = { counts: { a: 1 }, skipped: undefined };
    const fields = { window: { start: 's', end: 'e' }, state, isFinalInvokeForWindow: false };
    // Act
    const event = invocationEvent([plain!, built], fields);
    // Assert
    const expected = JSON.parse(
      JSON.stringify({ Records: [plain!.lambdaRecord, viaBuilder!.lambdaRecord], ...fields }),
    ) as unknown;
    expect(event).toStrictEqual(expected);
    expect(JSON.stringify(event)).toBe(JSON.stringify(expected));
    expect(event.Records[0]).not.toBe(plain!.lambdaRecord);
    expect(event.Records[1]).not.toBe(viaBuilder!.lambdaRecord);
    expect(event.state).not.toBe(state);
  });

  it('lets the function change its event without touching what the ESM holds', () => {
    // Arrange
    const records = sourceRecords(3);
    const before = JSON.stringify(records.map((record) => record.lambdaRecord));
    // Act
    const event = invocationEvent(records);
    for (const record of event.Records) (record as { eventID: string }).eventID = 'changed';
    // Assert
    expect(JSON.stringify(records.map((record) => record.lambdaRecord))).toBe(before);
    expect(Object.keys(event)).toEqual(['Records']);
  });
});

describe('kinesisLambdaRecordSizer', () => {
  it('counts the UTF-8 bytes of the JSON of every record it is made for, without writing it', () => {
    fc.assert(
      fc.property(
        fc.record({
          invokeIdentityArn: fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
          shardId: fc.string({ unit: 'binary' }),
          sequenceNumber: fc.oneof(fc.stringMatching(/^\d{1,56}$/), fc.string({ unit: 'binary' })),
          partitionKey: fc.string({ unit: 'binary', maxLength: 256 }),
          data: fc.uint8Array({ maxLength: 64 }),
          approximateArrivalMs: fc.oneof(
            fc.integer({ min: 0, max: 4_102_444_800_000 }),
            fc.double({ min: 0, max: 1e13 }),
          ),
        }),
        (input) => {
          // Arrange
          const fixed = { ...STREAM, invokeIdentityArn: input.invokeIdentityArn };
          const size = kinesisLambdaRecordSizer(fixed);
          // Act
          const bytes = size(input);
          // Assert
          const record = kinesisLambdaRecord({ ...fixed, ...input });
          expect(bytes).toBe(Buffer.byteLength(JSON.stringify(record)));
        },
      ),
    );
  });
});
