import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PermanentError } from '../../../src/runtime/errors.js';
import { KEPT_DECODED_BYTES } from '../../../src/runtime/records/decode-context.js';
import {
  type DecodedEntry,
  decodeEvent,
  InvalidBase64Error,
  InvalidJsonError,
  InvalidUtf8Error,
  type KinesisRecord,
  MalformedRecordError,
  RecordTooLargeError,
  type UndecodableRecord,
} from '../../../src/runtime/records/index.js';
import {
  AWS_SAMPLE_KINESIS_EVENT,
  INVALID_BASE64,
  INVALID_UTF8_BYTES,
  KinesisEventFactory,
  withData,
} from '../../factories/index.js';

function kinesisRecord(entry: DecodedEntry | undefined): KinesisRecord {
  if (!entry?.ok || entry.record.source !== 'kinesis') throw new Error(`expected a decoded Kinesis record`);
  return entry.record;
}

function failure(entry: DecodedEntry | undefined): UndecodableRecord {
  if (entry === undefined || entry.ok) throw new Error('expected an undecodable record');
  return entry.failure;
}

describe('decodeEvent: Kinesis', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('decodes AWS’s documented sample event field by field', () => {
    // Arrange
    const event = AWS_SAMPLE_KINESIS_EVENT;

    // Act
    const { source, entries } = decodeEvent(event);

    // Assert
    expect(source).toBe('kinesis');
    expect(entries).toHaveLength(2);
    const first = kinesisRecord(entries[0]);
    expect(first.source).toBe('kinesis');
    expect(first.eventName).toBe('aws:kinesis:record');
    expect(first.index).toBe(0);
    expect(first.eventID).toBe('shardId-000000000006:49590338271490256608559692538361571095921575989136588898');
    expect(first.shardId).toBe('shardId-000000000006');
    expect(first.sequenceNumber).toBe('49590338271490256608559692538361571095921575989136588898');
    expect(first.subSequenceNumber).toBeUndefined();
    expect(first.explicitHashKey).toBeUndefined();
    expect(first.partitionKey).toBe('1');
    expect(first.streamName).toBe('lambda-stream');
    expect(first.eventSourceARN).toBe('arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream');
    expect(first.awsRegion).toBe('us-east-2');
    expect(first.approximateArrivalMs).toBe(1_545_084_650_987);
    expect(first.text()).toBe('Hello, this is a test.');
    expect(first.sizeBytes).toBe(22);
    expect(first.data).toEqual(Buffer.from('Hello, this is a test.'));
    expect(first.raw).toBe(event.Records[0]);
    const second = kinesisRecord(entries[1]);
    expect(second.index).toBe(1);
    expect(second.approximateArrivalMs).toBe(1_545_084_711_166);
    expect(second.text()).toBe('This is only a test.');
  });

  it('turns float-second arrival timestamps into whole milliseconds', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const event = kinesis.event([
      { text: 'a', approximateArrivalTimestamp: 1_700_000_000.001 },
      { text: 'b', approximateArrivalTimestamp: 1_700_000_000.999 },
    ]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    expect(event.Records[0]?.kinesis.approximateArrivalTimestamp).toBe(1_700_000_000.001);
    expect(kinesisRecord(entries[0]).approximateArrivalMs).toBe(1_700_000_000_001);
    expect(kinesisRecord(entries[1]).approximateArrivalMs).toBe(1_700_000_000_999);
  });

  it('exposes JSON, text and raw bytes of each record', () => {
    // Arrange
    const kinesis = new KinesisEventFactory({ streamName: 'clicks', shardId: 'shardId-000000000002' });
    const bytes = Uint8Array.of(0, 1, 2, 254, 255);
    const event = kinesis.event([
      { json: { page: '/home', n: 1 }, partitionKey: 'user-1' },
      { text: 'plain text ✓' },
      { bytes },
    ]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    const [json, text, raw] = entries.map(kinesisRecord);
    expect(json?.json()).toEqual({ page: '/home', n: 1 });
    expect(json?.partitionKey).toBe('user-1');
    expect(json?.shardId).toBe('shardId-000000000002');
    expect(json?.streamName).toBe('clicks');
    expect(text?.text()).toBe('plain text ✓');
    expect(raw?.data).toEqual(Buffer.from(bytes));
    expect(raw?.sizeBytes).toBe(5);
  });

  it('parses JSON at most once, however often json() is called', () => {
    // Arrange
    const event = new KinesisEventFactory().event([{ json: { orderId: 'o-1' } }]);
    const record = kinesisRecord(decodeEvent(event).entries[0]);
    const parse = vi.spyOn(JSON, 'parse');

    // Act
    const first = record.json();
    const second = record.json();
    const text = record.text();

    // Assert
    expect(parse).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(text).toBe('{"orderId":"o-1"}');
  });

  it('remembers a JSON failure: json() throws the same InvalidJsonError without parsing again', () => {
    // Arrange
    const event = new KinesisEventFactory().event([{ text: 'not json' }]);
    const record = kinesisRecord(decodeEvent(event).entries[0]);
    const parse = vi.spyOn(JSON, 'parse');

    // Act
    const errors = [0, 1].map(() => {
      try {
        record.json();
        return undefined;
      } catch (error) {
        return error;
      }
    });

    // Assert
    expect(parse).toHaveBeenCalledTimes(1);
    expect(errors[0]).toBeInstanceOf(InvalidJsonError);
    expect(errors[1]).toBe(errors[0]);
    const error = errors[0] as InvalidJsonError;
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.name).toBe('InvalidJsonError');
    expect(error.cause).toBeUndefined(); // the SyntaxError quotes the payload: not chained
    expect(error.sequenceNumber).toBe(record.sequenceNumber);
    expect(error.message).not.toContain('not json');
    expect(record.text()).toBe('not json');
  });

  it('rejects invalid UTF-8 in text() and json() with InvalidUtf8Error', () => {
    // Arrange
    const event = new KinesisEventFactory().event([{ bytes: INVALID_UTF8_BYTES }]);
    const record = kinesisRecord(decodeEvent(event).entries[0]);

    // Act
    const textCall = () => record.text();
    const jsonCall = () => record.json();

    // Assert
    expect(textCall).toThrow(InvalidUtf8Error);
    expect(jsonCall).toThrow(InvalidUtf8Error);
    expect(record.data).toEqual(Buffer.from(INVALID_UTF8_BYTES));
  });

  it('decodes any UTF-8 text, ASCII or not, exactly as Buffer does (text, json and data agree)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (value) => {
        // Arrange: ASCII takes the binary-string path, anything else the bytes path (U+FFFD included)
        const json = JSON.stringify({ value });
        const event = new KinesisEventFactory().event([{ text: json }]);
        const record = kinesisRecord(decodeEvent(event).entries[0]);

        // Act
        const text = record.text();
        const parsed = record.json();

        // Assert
        expect(text).toBe(json);
        expect(parsed).toEqual({ value });
        expect(record.data).toEqual(Buffer.from(json, 'utf8'));
        expect(record.sizeBytes).toBe(Buffer.byteLength(json, 'utf8'));
      }),
    );
  });

  it("decodes records past the batch's kept-data budget again when they are read, to the same text", () => {
    // Arrange: the first record fills the 1 MiB budget, so the later ones are checked, dropped and decoded again
    const big = JSON.stringify({ pad: 'x'.repeat(KEPT_DECODED_BYTES) });
    const event = new KinesisEventFactory().event([{ text: big }, { text: '{"n":1}' }, { text: '{"name":"Zoë"}' }]);
    const records = decodeEvent(event).entries.map(kinesisRecord);

    // Act
    const parsed = records.map((record) => record.json());
    const texts = records.map((record) => record.text());

    // Assert
    expect(parsed).toEqual([{ pad: 'x'.repeat(KEPT_DECODED_BYTES) }, { n: 1 }, { name: 'Zoë' }]);
    expect(texts).toEqual([big, '{"n":1}', '{"name":"Zoë"}']);
    expect(records.map((record) => record.sizeBytes)).toEqual([big.length, 7, 15]);
  });

  it('keeps a real U+FFFD and non-ASCII characters in the text', () => {
    // Arrange
    const text = '{"name":"Zoë \uFFFD 日本 🎉"}';
    const event = new KinesisEventFactory().event([{ text }]);
    const record = kinesisRecord(decodeEvent(event).entries[0]);

    // Act
    const parsed = record.json();

    // Assert
    expect(parsed).toEqual({ name: 'Zoë \uFFFD 日本 🎉' });
  });

  it.each(Object.entries(INVALID_BASE64))(
    'reports invalid base64 (%s) as InvalidBase64Error with identity kept',
    (_, data) => {
      // Arrange
      const kinesis = new KinesisEventFactory();
      const bad = withData(kinesis.record({ text: 'x', partitionKey: 'pk-bad' }), data);
      const event = kinesis.event([{ text: 'before' }, bad, { text: 'after' }]);

      // Act
      const { entries } = decodeEvent(event);

      // Assert
      expect(entries).toHaveLength(3);
      expect(kinesisRecord(entries[0]).text()).toBe('before');
      expect(kinesisRecord(entries[2]).text()).toBe('after');
      const failed = failure(entries[1]);
      expect(failed.error).toBeInstanceOf(InvalidBase64Error);
      expect(failed.source).toBe('kinesis');
      expect(failed.index).toBe(1);
      expect(failed.sequenceNumber).toBe(bad.kinesis.sequenceNumber);
      expect(failed.partitionKey).toBe('pk-bad');
      expect(failed.shardId).toBe('shardId-000000000006');
      expect(failed.eventID).toBe(bad.eventID);
      expect(failed.eventSourceARN).toBe(bad.eventSourceARN);
      expect(failed.raw).toBe(bad);
      expect(failed.error.message).not.toContain(data);
    },
  );

  it('reports a record over maxRecordBytes as RecordTooLargeError, before decoding it', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const event = kinesis.event([{ bytes: new Uint8Array(100) }, { bytes: new Uint8Array(101) }]);

    // Act
    const { entries } = decodeEvent(event, { maxRecordBytes: 100 });

    // Assert
    expect(kinesisRecord(entries[0]).sizeBytes).toBe(100);
    const error = failure(entries[1]).error as RecordTooLargeError;
    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect(error.sizeBytes).toBe(101);
    expect(error.maxBytes).toBe(100);
    expect(error.sequenceNumber).toBe(event.Records[1]?.kinesis.sequenceNumber);
  });

  it.each([
    ['kinesis.data', (r: Record<string, unknown>) => delete (r.kinesis as Record<string, unknown>).data],
    [
      'kinesis.partitionKey',
      (r: Record<string, unknown>) => delete (r.kinesis as Record<string, unknown>).partitionKey,
    ],
    [
      'kinesis.approximateArrivalTimestamp',
      (r: Record<string, unknown>) => delete (r.kinesis as Record<string, unknown>).approximateArrivalTimestamp,
    ],
    ['kinesis', (r: Record<string, unknown>) => delete r.kinesis],
    ['eventSourceARN', (r: Record<string, unknown>) => delete r.eventSourceARN],
    ['eventSource', (r: Record<string, unknown>) => delete r.eventSource],
  ])('reports a record without %s as MalformedRecordError naming the field', (field, mutate) => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const record = structuredClone(kinesis.record({ json: { ok: true }, partitionKey: 'pk-1' }));
    mutate(record as unknown as Record<string, unknown>);
    const event = kinesis.event([record, { json: { ok: true } }]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    const failed = failure(entries[0]);
    expect(failed.error).toBeInstanceOf(MalformedRecordError);
    expect((failed.error as MalformedRecordError).field).toBe(field);
    expect(failed.index).toBe(0);
    expect(entries[1]?.ok).toBe(true);
  });

  it('reports a record without a sequence number with sequenceNumber undefined', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();
    const record = structuredClone(kinesis.record({ text: 'x' }));
    delete (record.kinesis as Partial<typeof record.kinesis>).sequenceNumber;
    const event = kinesis.event([record]);

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    const failed = failure(entries[0]);
    expect(failed.error).toBeInstanceOf(MalformedRecordError);
    expect(failed.sequenceNumber).toBeUndefined();
    expect(failed.shardId).toBe('shardId-000000000006');
  });

  it('keeps a record that is not even an object as a failure in its slot', () => {
    // Arrange
    const good = new KinesisEventFactory().record({ text: 'ok' });
    const event = { Records: [good, null, 42] };

    // Act
    const { entries } = decodeEvent(event);

    // Assert
    expect(entries).toHaveLength(3);
    expect(entries[0]?.ok).toBe(true);
    expect(failure(entries[1]).error).toBeInstanceOf(MalformedRecordError);
    expect(failure(entries[2]).index).toBe(2);
    expect(failure(entries[2]).sequenceNumber).toBeUndefined();
  });

  it('round-trips any JSON value through a built Kinesis record', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ minLength: 1, maxLength: 256 }), (value, partitionKey) => {
        // Arrange
        const kinesis = new KinesisEventFactory();
        const event = kinesis.event([{ json: value, partitionKey }]);

        // Act
        const record = kinesisRecord(decodeEvent(event).entries[0]);

        // Assert
        expect(record.json()).toEqual(JSON.parse(JSON.stringify(value)));
        expect(record.partitionKey).toBe(partitionKey);
      }),
    );
  });

  it('round-trips any bytes through a built Kinesis record', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        // Arrange
        const event = new KinesisEventFactory().event([{ bytes }]);

        // Act
        const { entries } = decodeEvent(event);

        // Assert
        if (bytes.length >= 4 && bytes[0] === 0xf3 && bytes[1] === 0x89 && bytes[2] === 0x9a && bytes[3] === 0xc2) {
          return; // starts with the KPL magic: decoded as an aggregate (see kpl.test.ts)
        }
        expect(kinesisRecord(entries[0]).data).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('gives factory sequence numbers that increase as BigInt and as strings', () => {
    // Arrange
    const kinesis = new KinesisEventFactory();

    // Act
    const numbers = Array.from({ length: 50 }, () => kinesis.nextSequenceNumber());

    // Assert
    for (let i = 1; i < numbers.length; i++) {
      const previous = numbers[i - 1] as string;
      const current = numbers[i] as string;
      expect(BigInt(current) > BigInt(previous)).toBe(true);
      expect(current.length).toBe(56);
      expect(current > previous).toBe(true);
    }
  });
});
