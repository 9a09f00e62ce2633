import type { KinesisStreamRecord } from 'aws-lambda';
import {
  INVALID_BASE64,
  INVALID_UTF8_BYTES,
  type KinesisEventFactory,
  KPL_MAGIC,
  type KplUserRecordInput,
  kplEmptyAggregate,
  kplFromFields,
  kplTruncated,
  kplWithBadDigest,
  withData,
  withKplFrame,
} from '../../factories/index.js';
import type { KinesisRecordCase } from './corpus-types.js';
import { BAD_KEY, SECRET_CARD, SECRET_EMAIL, STRAY_KEY, secretJson, secretPayload } from './harness.js';

/**
 * Malformed Kinesis records. Each builds one Lambda record (AWS's documented shape, via the shared
 * factory) that the corpus runs between two good records of other partition keys. Payloads carry the
 * planted secrets wherever the input has a payload at all.
 */

const MIB = 1024 * 1024;
/** A small `maxRecordBytes` so that "at the limit" and "one byte over" stay cheap. */
const SMALL_LIMIT = 256;

/** Users of the KPL cases; the first carries the secrets. */
const KPL_USERS: readonly KplUserRecordInput[] = [
  { json: secretPayload({ userId: 'kpl-a' }), partitionKey: 'kpl-a' },
  { json: { userId: 'kpl-b', n: 2 }, partitionKey: 'kpl-b' },
];

/** A record of exactly `bytes` bytes of JSON the `json` processor accepts. */
function jsonOfSize(bytes: number): string {
  const skeleton = '{"userId":"","n":1}';
  return `{"userId":"${'u'.repeat(bytes - skeleton.length)}","n":1}`;
}

/** The secret payload in URL-safe base64 (`-`/`_`, no padding), which Lambda never sends. */
function urlSafeBase64(): string {
  let text = secretJson();
  while (text.length % 3 !== 0) text += ' ';
  // 0xFB 0xFF 0xBF encode to `+/+/` in standard base64, so the URL-safe form has `-_-_`.
  const bytes = Buffer.concat([Buffer.from(text), Buffer.from([0xfb, 0xff, 0xbf])]);
  return bytes.toString('base64url');
}

function secretBase64(): string {
  return Buffer.from(secretJson()).toString('base64');
}

/** The record without one of its `kinesis` fields. */
function withoutKinesisField(record: KinesisStreamRecord, field: keyof KinesisStreamRecord['kinesis']) {
  const kinesis: Record<string, unknown> = { ...record.kinesis };
  Reflect.deleteProperty(kinesis, field);
  return { ...record, kinesis };
}

/** The record without one of its top-level fields. */
function withoutField(record: KinesisStreamRecord, field: keyof KinesisStreamRecord): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record };
  Reflect.deleteProperty(copy, field);
  return copy;
}

const secretRecord = (kinesis: KinesisEventFactory) => kinesis.record({ json: secretPayload(), partitionKey: BAD_KEY });

/** The Kinesis half of the record-level corpus. */
export const KINESIS_CASES: readonly KinesisRecordCase[] = [
  // --- base64 -------------------------------------------------------------------------------------
  {
    kind: 'record',
    source: 'kinesis',
    name: 'garbage base64 (a character outside the alphabet)',
    bad: (k) => {
      const base64 = secretBase64();
      return withData(secretRecord(k), `${base64.slice(0, 8)}!${base64.slice(9)}`);
    },
    expectedError: 'InvalidBase64Error',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'truncated base64 (length not a multiple of 4)',
    bad: (k) => withData(secretRecord(k), secretBase64().slice(0, -3)),
    expectedError: 'InvalidBase64Error',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'base64 truncated at a 4-character boundary (valid base64 of cut-off JSON)',
    bad: (k) => withData(secretRecord(k), secretBase64().slice(0, -4)),
    expectedError: 'InvalidJsonError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'base64 with URL-safe characters (- and _)',
    bad: (k) => withData(secretRecord(k), urlSafeBase64()),
    expectedError: 'InvalidBase64Error',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'base64 with padding in the middle',
    bad: (k) => withData(secretRecord(k), INVALID_BASE64.interiorPadding),
    expectedError: 'InvalidBase64Error',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'base64 with non-zero trailing bits (QR== instead of QQ==)',
    bad: (k) => withData(secretRecord(k), 'eyJhIjoxfR=='),
    expectedError: 'InvalidBase64Error',
    expectedFate: 'quarantine',
  },
  // --- text and JSON ------------------------------------------------------------------------------
  {
    kind: 'record',
    source: 'kinesis',
    name: 'invalid UTF-8 inside a JSON string',
    bad: (k) =>
      k.record({
        bytes: Buffer.concat([
          Buffer.from('{"userId":"bad-'),
          Buffer.from(INVALID_UTF8_BYTES.subarray(1, 3)),
          Buffer.from(`","n":7,"card":{"number":"${SECRET_CARD}"},"email":"${SECRET_EMAIL}"}`),
        ]),
        partitionKey: BAD_KEY,
      }),
    expectedError: 'InvalidUtf8Error',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'invalid UTF-8 for a text processor',
    processor: 'text',
    bad: (k) => k.record({ bytes: INVALID_UTF8_BYTES, partitionKey: BAD_KEY }),
    expectedError: 'InvalidUtf8Error',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'non-JSON data for a JSON processor (AWS sample "Hello, this is a test.")',
    bad: (k) => k.record({ base64: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==', partitionKey: BAD_KEY }),
    expectedError: 'InvalidJsonError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'JSON with an unquoted value next to a secret',
    bad: (k) =>
      k.record({
        text: `{"userId":"bad-user","n":7,"card":{"number":"${SECRET_CARD}"},"email":${SECRET_EMAIL}}`,
        partitionKey: BAD_KEY,
      }),
    expectedError: 'InvalidJsonError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'short non-JSON text holding a card number',
    bad: (k) => k.record({ text: `pan ${SECRET_CARD}`, partitionKey: BAD_KEY }),
    expectedError: 'InvalidJsonError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'empty data ("")',
    bad: (k) => k.record({ base64: '', partitionKey: BAD_KEY }),
    expectedError: 'InvalidJsonError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'JSON null',
    bad: (k) => k.record({ text: 'null', partitionKey: BAD_KEY }),
    expectedError: 'SchemaValidationError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'JSON array where an object is expected',
    bad: (k) => k.record({ json: [secretPayload()], partitionKey: BAD_KEY }),
    expectedError: 'SchemaValidationError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'schema violation (n is a string) with secrets in the payload',
    bad: (k) => k.record({ json: secretPayload({ n: 'seven' }), partitionKey: BAD_KEY }),
    expectedError: 'SchemaValidationError',
    expectedFate: 'quarantine',
  },
  // --- JSON bombs and size limits ----------------------------------------------------------------
  {
    kind: 'record',
    source: 'kinesis',
    name: 'JSON bomb: 100k-deep nested arrays (200 KB, under the 1 MiB default limit)',
    bad: (k) => k.record({ text: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, partitionKey: BAD_KEY }),
    expectedError: 'SchemaValidationError',
    expectedFate: 'quarantine',
  },
  {
    // A stack overflow inside zod is reported as a SchemaValidationError (the schema could not validate).
    kind: 'record',
    source: 'kinesis',
    name: 'JSON bomb: 100k-deep nested objects for a recursive z.json() schema',
    processor: 'json-value',
    bad: (k) => k.record({ text: `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, partitionKey: BAD_KEY }),
    expectedError: 'SchemaValidationError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'JSON bomb: a 5 MB string over the default 1 MiB maxRecordBytes',
    bad: (k) => k.record({ json: secretPayload({ note: 'x'.repeat(5 * MIB) }), partitionKey: BAD_KEY }),
    expectedError: 'RecordTooLargeError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'a 5 MB string under maxRecordBytes 10 MiB (decoded once, unknown key stripped)',
    stream: { maxRecordBytes: 10 * MIB },
    bad: (k) => k.record({ json: secretPayload({ note: 'x'.repeat(5 * MIB) }), partitionKey: BAD_KEY }),
    expectedError: undefined,
    expectedFate: 'processed',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: `a record exactly at maxRecordBytes (${SMALL_LIMIT} bytes)`,
    stream: { maxRecordBytes: SMALL_LIMIT },
    bad: (k) => k.record({ text: jsonOfSize(SMALL_LIMIT), partitionKey: BAD_KEY }),
    expectedError: undefined,
    expectedFate: 'processed',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: `a record one byte over maxRecordBytes (${SMALL_LIMIT + 1} bytes)`,
    stream: { maxRecordBytes: SMALL_LIMIT },
    bad: (k) => k.record({ text: jsonOfSize(SMALL_LIMIT + 1), partitionKey: BAD_KEY }),
    expectedError: 'RecordTooLargeError',
    expectedFate: 'quarantine',
  },
  // --- prototype pollution (details in prototype-pollution.test.ts) ------------------------------
  {
    kind: 'record',
    source: 'kinesis',
    name: 'prototype pollution: {"__proto__":{"polluted":1}} in JSON data',
    bad: (k) => k.record({ text: '{"userId":"bad-user","n":7,"__proto__":{"polluted":1}}', partitionKey: BAD_KEY }),
    expectedError: undefined,
    expectedFate: 'processed',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'prototype pollution: {"constructor":{"prototype":{"polluted":1}}} in JSON data',
    bad: (k) =>
      k.record({
        text: '{"userId":"bad-user","n":7,"constructor":{"prototype":{"polluted":1}}}',
        partitionKey: BAD_KEY,
      }),
    expectedError: undefined,
    expectedFate: 'processed',
  },
  // --- KPL ----------------------------------------------------------------------------------------
  {
    kind: 'record',
    source: 'kinesis',
    name: 'KPL aggregate with a bad MD5 digest',
    bad: (k) => k.record({ bytes: kplWithBadDigest(KPL_USERS), partitionKey: BAD_KEY }),
    expectedError: 'KplDigestMismatchError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'KPL aggregate with a truncated protobuf (valid digest of the cut body)',
    bad: (k) => k.record({ bytes: kplTruncated(KPL_USERS, 3), partitionKey: BAD_KEY }),
    expectedError: 'KplDecodeError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'KPL aggregate with zero user records',
    bad: (k) => k.record({ bytes: kplEmptyAggregate(['kpl-a']), partitionKey: BAD_KEY }),
    expectedError: 'KplEmptyAggregateError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'KPL user record whose partition_key_index is out of range',
    bad: (k) =>
      k.record({
        bytes: kplFromFields({
          partitionKeyTable: ['kpl-a'],
          explicitHashKeyTable: [],
          records: [
            { partitionKeyIndex: 0, data: Buffer.from(secretJson({ userId: 'kpl-a' })) },
            { partitionKeyIndex: 5, data: Buffer.from(secretJson({ userId: 'kpl-b' })) },
          ],
        }),
        partitionKey: BAD_KEY,
      }),
    expectedError: 'KplDecodeError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'KPL user record whose explicit_hash_key_index is out of range',
    bad: (k) =>
      k.record({
        bytes: kplFromFields({
          partitionKeyTable: ['kpl-a'],
          explicitHashKeyTable: ['340282366920938463463374607431768211455'],
          records: [{ partitionKeyIndex: 0, explicitHashKeyIndex: 3, data: Buffer.from(secretJson()) }],
        }),
        partitionKey: BAD_KEY,
      }),
    expectedError: 'KplDecodeError',
    expectedFate: 'quarantine',
  },
  {
    // 0x7B is the tag of unknown field 15 with wire type 3 (start group): a decoder that skips groups
    // recursively without a limit overflows the stack on 100k of them (the kind of recursion DoS
    // reported against protobufjs as GHSA-685m-2w69-288q); shardflow's reader stops at 100 levels.
    kind: 'record',
    source: 'kinesis',
    name: 'KPL protobuf of 100k nested unknown groups (recursion bomb, valid digest)',
    bad: (k) => k.record({ bytes: withKplFrame(Buffer.alloc(100_000, 0x7b)), partitionKey: BAD_KEY }),
    expectedError: 'KplDecodeError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'KPL magic bytes followed by less than an MD5 digest',
    bad: (k) => k.record({ bytes: Buffer.concat([KPL_MAGIC, Buffer.from([0x0a, 0x01, 0x41])]), partitionKey: BAD_KEY }),
    expectedError: 'KplDecodeError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'KPL aggregate whose middle user record is cut-off JSON',
    bad: (k) =>
      k.aggregatedRecord([
        { json: { userId: 'kpl-a', n: 1 }, partitionKey: 'kpl-a' },
        { text: secretJson({ userId: 'kpl-b' }).slice(0, -4), partitionKey: 'kpl-b' },
        { json: { userId: 'kpl-c', n: 3 }, partitionKey: 'kpl-c' },
      ]),
    expectedError: 'InvalidJsonError',
    expectedFate: 'quarantine',
    outcomes: ['processed', 'quarantine', 'processed'],
  },
  // --- missing fields and wrong types (record-level: the sequence number is present) --------------
  {
    kind: 'record',
    source: 'kinesis',
    name: 'record missing kinesis.data',
    bad: (k) => withoutKinesisField(secretRecord(k), 'data'),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'kinesis.data is a number',
    bad: (k) => {
      const record = secretRecord(k);
      return { ...record, kinesis: { ...record.kinesis, data: 12345 } };
    },
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'record missing kinesis.partitionKey',
    bad: (k) => withoutKinesisField(secretRecord(k), 'partitionKey'),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'kinesis.approximateArrivalTimestamp is an ISO string',
    bad: (k) => {
      const record = secretRecord(k);
      return { ...record, kinesis: { ...record.kinesis, approximateArrivalTimestamp: '2018-12-17T22:10:50.987Z' } };
    },
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'eventID without a shard id',
    bad: (k) => ({ ...secretRecord(k), eventID: 'garbage' }),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'eventSourceARN that is not a Kinesis stream ARN',
    bad: (k) => ({ ...secretRecord(k), eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:my-queue' }),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'record missing eventSource (its neighbours have aws:kinesis)',
    bad: (k) => withoutField(secretRecord(k), 'eventSource'),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: 'record missing awsRegion',
    bad: (k) => withoutField(secretRecord(k), 'awsRegion'),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  // --- routing ------------------------------------------------------------------------------------
  {
    kind: 'record',
    source: 'kinesis',
    name: "no route matches, unmatched: 'quarantine' (the default)",
    bad: (k) => k.record({ json: secretPayload(), partitionKey: STRAY_KEY }),
    expectedError: 'UnmatchedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: "no route matches, unmatched: 'skip'",
    stream: { unmatched: 'skip' },
    bad: (k) => k.record({ json: secretPayload(), partitionKey: STRAY_KEY }),
    expectedError: undefined,
    expectedFate: 'skip',
  },
  {
    kind: 'record',
    source: 'kinesis',
    name: "no route matches, unmatched: 'fail'",
    stream: { unmatched: 'fail' },
    bad: (k) => k.record({ json: secretPayload(), partitionKey: STRAY_KEY }),
    expectedError: 'UnroutableRecordError',
    expectedFate: 'retry',
  },
];
