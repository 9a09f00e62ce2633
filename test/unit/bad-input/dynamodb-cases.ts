import type { DynamoDBRecord } from 'aws-lambda';
import type { AttributeMap, DynamoDBEventFactory } from '../../factories/index.js';
import type { DynamoDBRecordCase } from './corpus-types.js';
import { SECRET_CARD, SECRET_EMAIL, STRAY_KEY } from './harness.js';

/**
 * Malformed DynamoDB Streams records. Each builds one Lambda record (AWS's documented shape, via the
 * shared factory) that the corpus runs between two good INSERTs of other items. Images carry the
 * planted secrets.
 */

/** `id` of the bad item. */
const BAD_ID = 'bad-item';

/** A marshalled NewImage with the secrets, plus `extra` attributes (may hold malformed values). */
function secretImage(extra: Record<string, unknown> = {}): AttributeMap {
  return {
    id: { S: BAD_ID },
    email: { S: SECRET_EMAIL },
    card: { M: { number: { S: SECRET_CARD } } },
    ...extra,
  } as AttributeMap;
}

/** An INSERT of the bad item whose NewImage is `newImage`, used verbatim. */
function insertWith(d: DynamoDBEventFactory, newImage: AttributeMap, keys: AttributeMap = { id: { S: BAD_ID } }) {
  return d.record({ eventName: 'INSERT', keys: {}, rawKeys: keys, rawNewImage: newImage });
}

/** The record with `dynamodb` fields replaced (`undefined` removes one). */
function withChange(record: DynamoDBRecord, fields: Record<string, unknown>): Record<string, unknown> {
  const change: Record<string, unknown> = { ...record.dynamodb };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) Reflect.deleteProperty(change, name);
    else change[name] = value;
  }
  return { ...record, dynamodb: change };
}

/** A NewImage nested `depth` maps deep (DynamoDB itself stops at 32 levels; the event can claim more). */
function deeplyNestedImage(depth: number): AttributeMap {
  let value: unknown = { S: SECRET_EMAIL };
  for (let i = 0; i < depth; i++) value = { M: { a: value } };
  return { id: { S: BAD_ID }, nested: value } as AttributeMap;
}

/** The DynamoDB half of the record-level corpus. */
export const DYNAMODB_CASES: readonly DynamoDBRecordCase[] = [
  // --- attribute values ---------------------------------------------------------------------------
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'N beyond 2^53 in NewImage',
    bad: (d) => insertWith(d, secretImage({ total: { N: '9007199254740993' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'N beyond 2^53 in Keys',
    bad: (d) => insertWith(d, secretImage(), { id: { S: BAD_ID }, version: { N: '-90071992547409930000' } }),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'N that overflows to Infinity (1e400)',
    bad: (d) => insertWith(d, secretImage({ total: { N: '1e400' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'N that is not a number ("12abc")',
    bad: (d) => insertWith(d, secretImage({ total: { N: '12abc' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'binary set (BS) of valid base64 (processor receives a Set of bytes)',
    bad: (d) => insertWith(d, secretImage({ tags: { BS: ['AQ==', 'Ag=='] } })),
    expectedError: undefined,
    expectedFate: 'processed',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'binary set (BS) with an element that is not base64',
    bad: (d) => insertWith(d, secretImage({ tags: { BS: ['AQ==', 'not base64!'] } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'binary (B) without padding',
    bad: (d) => insertWith(d, secretImage({ blob: { B: 'QQ' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'unknown attribute type {"X":"1"}',
    bad: (d) => insertWith(d, secretImage({ weird: { X: '1' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'attribute value without a type ({})',
    bad: (d) => insertWith(d, secretImage({ empty: {} })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'Keys attribute value without a type',
    bad: (d) => insertWith(d, secretImage(), { id: {} } as unknown as AttributeMap),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'NewImage that is a string, not an attribute map',
    bad: (d) => withChange(insertWith(d, secretImage()), { NewImage: `${SECRET_EMAIL} ${SECRET_CARD}` }),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'NewImage nested 100k maps deep',
    // Swapped in after building: the factory's SizeBytes estimate would itself overflow the stack.
    bad: (d) => withChange(insertWith(d, secretImage()), { NewImage: deeplyNestedImage(100_000) }),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    // AWS never sends an empty Keys map: every item has a partition key.
    kind: 'record',
    source: 'dynamodb',
    name: 'empty Keys ({})',
    bad: (d) => insertWith(d, secretImage(), {}),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'BOOL holding the string "false" (util-dynamodb would read true)',
    bad: (d) => insertWith(d, secretImage({ isAdmin: { BOOL: 'false' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'N that is empty (util-dynamodb would read 0)',
    bad: (d) => insertWith(d, secretImage({ total: { N: '' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'N in hex "0x10" (util-dynamodb would read 16)',
    bad: (d) => insertWith(d, secretImage({ total: { N: '0x10' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'S holding a number',
    bad: (d) => insertWith(d, secretImage({ status: { S: 42 } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'attribute value with two type keys',
    bad: (d) => insertWith(d, secretImage({ status: { S: 'NEW', N: '1' } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'NULL false (util-dynamodb would read null)',
    bad: (d) => insertWith(d, secretImage({ note: { NULL: false } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'string set with duplicates',
    bad: (d) => insertWith(d, secretImage({ labels: { SS: ['a', 'a'] } })),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'map nested 33 levels deep (DynamoDB stops at 32)',
    bad: (d) => insertWith(d, deeplyNestedImage(33)),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'Keys attribute of type BOOL',
    bad: (d) => insertWith(d, secretImage(), { id: { BOOL: true } } as unknown as AttributeMap),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  // --- missing fields and wrong types (record-level: SequenceNumber is present) --------------------
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'record missing dynamodb.Keys',
    bad: (d) => withChange(insertWith(d, secretImage()), { Keys: undefined }),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'record missing dynamodb.SizeBytes',
    bad: (d) => withChange(insertWith(d, secretImage()), { SizeBytes: undefined }),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'ApproximateCreationDateTime as an ISO string (the API shape, not the Lambda one)',
    bad: (d) => withChange(insertWith(d, secretImage()), { ApproximateCreationDateTime: '2024-01-01T00:00:00Z' }),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'eventName UPSERT',
    bad: (d) => ({ ...insertWith(d, secretImage()), eventName: 'UPSERT' }),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'record missing eventID',
    bad: (d) => {
      const record: Record<string, unknown> = { ...insertWith(d, secretImage()) };
      Reflect.deleteProperty(record, 'eventID');
      return record;
    },
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'eventSourceARN of a Kinesis stream on a DynamoDB record',
    bad: (d) => ({
      ...insertWith(d, secretImage()),
      eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/lambda-stream',
    }),
    expectedError: 'MalformedRecordError',
    expectedFate: 'quarantine',
  },
  // --- size limit ---------------------------------------------------------------------------------
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'SizeBytes exactly at maxRecordBytes (1000)',
    stream: { maxRecordBytes: 1000 },
    bad: (d) => withChange(insertWith(d, secretImage()), { SizeBytes: 1000 }),
    expectedError: undefined,
    expectedFate: 'processed',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'SizeBytes one byte over maxRecordBytes (1001 > 1000)',
    stream: { maxRecordBytes: 1000 },
    bad: (d) => withChange(insertWith(d, secretImage()), { SizeBytes: 1001 }),
    expectedError: 'RecordTooLargeError',
    expectedFate: 'quarantine',
  },
  // --- prototype pollution (details in prototype-pollution.test.ts) -------------------------------
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'prototype pollution: "__proto__" attribute in NewImage',
    bad: (d) =>
      insertWith(d, JSON.parse(`{"id":{"S":"${BAD_ID}"},"__proto__":{"M":{"polluted":{"N":"1"}}}}`) as AttributeMap),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'prototype pollution: "__proto__" map inside a list of lists',
    bad: (d) =>
      insertWith(
        d,
        JSON.parse(
          `{"id":{"S":"${BAD_ID}"},"grid":{"L":[{"L":[{"M":{"__proto__":{"M":{"isAdmin":{"BOOL":true}}}}}]}]}}`,
        ) as AttributeMap,
      ),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'prototype pollution: "__proto__" attribute of a map in a list',
    bad: (d) =>
      insertWith(
        d,
        JSON.parse(
          `{"id":{"S":"${BAD_ID}"},"items":{"L":[{"M":{"__proto__":{"M":{"polluted":{"N":"1"}}}}}]}}`,
        ) as AttributeMap,
      ),
    expectedError: 'InvalidImageError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'prototype pollution: "constructor" → "prototype" attribute in NewImage',
    bad: (d) =>
      insertWith(
        d,
        JSON.parse(
          `{"id":{"S":"${BAD_ID}"},"constructor":{"M":{"prototype":{"M":{"polluted":{"N":"1"}}}}}}`,
        ) as AttributeMap,
      ),
    expectedError: undefined,
    expectedFate: 'processed',
  },
  // --- validation and routing ---------------------------------------------------------------------
  {
    kind: 'record',
    source: 'dynamodb',
    name: 'schema violation (status is a number) with secrets in the image',
    bad: (d) => insertWith(d, secretImage({ status: { N: '5' } })),
    expectedError: 'SchemaValidationError',
    expectedFate: 'quarantine',
  },
  {
    kind: 'record',
    source: 'dynamodb',
    name: "no route matches a DynamoDB record, unmatched: 'quarantine'",
    bad: (d) => insertWith(d, secretImage({ id: { S: STRAY_KEY } }), { id: { S: STRAY_KEY } }),
    expectedError: 'UnmatchedRecordError',
    expectedFate: 'quarantine',
  },
];
