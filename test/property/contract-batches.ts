import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { canonicalKey } from '../../src/runtime/records/canonical-key.js';
import {
  type AttributeMap,
  DynamoDBEventFactory,
  INVALID_UTF8_BYTES,
  KinesisEventFactory,
  kplEmptyAggregate,
  kplTruncated,
  kplWithBadDigest,
  toAttributeMap,
  withoutSequenceNumber,
} from '../factories/index.js';
import { THROWN_SHAPES } from '../unit/processing/thrown-shapes.js';

/**
 * The random batches of the handler contract test: plans (what each record is and what its processor
 * does), the Lambda events built from them with the shared factories, and the units the engine must
 * account for (one per record, one per user record of a KPL aggregate), each with what may become of it.
 */

/** What a processor does with a record that reaches it. */
export type Behaviour =
  | { readonly kind: 'ok' }
  | { readonly kind: 'transient' }
  | { readonly kind: 'error' }
  | { readonly kind: 'permanent' }
  | { readonly kind: 'non-error'; readonly shape: number }
  /** Runs past the deadline: the fake clock jumps below the deadline margin, then the processor returns. */
  | { readonly kind: 'hang' };

export const behaviourArbitrary: fc.Arbitrary<Behaviour> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'ok' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'transient' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'error' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'permanent' as const }) },
  {
    weight: 2,
    arbitrary: fc.nat({ max: THROWN_SHAPES.length - 1 }).map((shape) => ({ kind: 'non-error' as const, shape })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'hang' as const }) },
);

const KINESIS_KEYS = ['user-a', 'user-b', 'user-c', 'user-d'] as const;
const ITEMS = ['o-1', 'o-2', 'o-3', 'o-4'] as const;

type KinesisShape =
  | 'good'
  | 'schema'
  | 'bad-base64'
  | 'bad-utf8'
  | 'bad-json'
  | 'kpl'
  | 'kpl-truncated'
  | 'kpl-bad-digest'
  | 'kpl-empty';

/** One Kinesis record of a plan. */
export interface KinesisRecordPlan {
  readonly key: string;
  readonly shape: KinesisShape;
  readonly behaviour: Behaviour;
  /** User records of a KPL aggregate (`kpl*` shapes). */
  readonly users: readonly { readonly key: string; readonly behaviour: Behaviour }[];
}

/** Attribute values DynamoDB cannot emit (JSON text, so that `__proto__` is an own key). */
export const INVALID_ATTRIBUTE_VALUES: readonly string[] = [
  '{"BOOL":"false"}',
  '{"N":""}',
  '{"N":"0x10"}',
  '{"N":" 1"}',
  '{"N":"Infinity"}',
  '{"N":"1e400"}',
  '{"N":"9007199254740993"}',
  '{"S":42}',
  '{"S":"a","N":"1"}',
  '{"NULL":false}',
  '{"SS":["a","a"]}',
  '{"SS":[]}',
  '{"NS":["1","x"]}',
  '{"BS":["QQ"]}',
  '{"B":"not base64"}',
  '{"L":{"0":{"S":"a"}}}',
  '{"M":[]}',
  '{"X":"1"}',
  '{}',
  '"plain"',
  '{"M":{"__proto__":{"M":{"isAdmin":{"BOOL":true}}}}}',
  '{"L":[{"L":[{"M":{"__proto__":{"M":{"isAdmin":{"BOOL":true},"polluted":{"N":"1"}}}}}]}]}',
  '{"L":[{"M":{"a":{"L":[{"M":{"__proto__":{"S":"x"}}}]}}}]}',
  `${'{"M":{"a":'.repeat(33)}{"S":"deep"}${'}}'.repeat(33)}`,
];

type DynamoDBShape =
  | { readonly kind: 'good' }
  | { readonly kind: 'schema' }
  | { readonly kind: 'invalid'; readonly value: number; readonly where: 'top' | 'list' | 'map' | 'contacts' }
  | { readonly kind: 'proto-attribute' }
  | { readonly kind: 'bad-keys' };

/** One DynamoDB Streams record of a plan. */
export interface DynamoDBRecordPlan {
  readonly item: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly shape: DynamoDBShape;
  readonly behaviour: Behaviour;
}

/** A whole batch: its records, the stream's ordering, and where (if anywhere) a sequence number is missing. */
export type BatchPlan = (
  | { readonly source: 'kinesis'; readonly records: readonly KinesisRecordPlan[] }
  | { readonly source: 'dynamodb'; readonly records: readonly DynamoDBRecordPlan[] }
) & {
  readonly ordering: 'partitionKey' | 'shard' | 'none';
  readonly concurrency: number;
  /** Index (modulo the batch size) of a record without a sequence number: the whole batch must fail. */
  readonly missingSequenceNumber: number | undefined;
};

const kinesisRecordArbitrary: fc.Arbitrary<KinesisRecordPlan> = fc.record({
  key: fc.constantFrom(...KINESIS_KEYS),
  shape: fc.oneof(
    { weight: 12, arbitrary: fc.constant<KinesisShape>('good') },
    {
      weight: 1,
      arbitrary: fc.constantFrom<KinesisShape>(
        'schema',
        'bad-base64',
        'bad-utf8',
        'bad-json',
        'kpl-truncated',
        'kpl-bad-digest',
        'kpl-empty',
      ),
    },
    { weight: 2, arbitrary: fc.constant<KinesisShape>('kpl') },
  ),
  behaviour: behaviourArbitrary,
  users: fc.array(fc.record({ key: fc.constantFrom(...KINESIS_KEYS), behaviour: behaviourArbitrary }), {
    minLength: 1,
    maxLength: 3,
  }),
});

const dynamodbShapeArbitrary: fc.Arbitrary<DynamoDBShape> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'good' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'schema' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('invalid' as const),
      value: fc.nat({ max: INVALID_ATTRIBUTE_VALUES.length - 1 }),
      where: fc.constantFrom('top' as const, 'list' as const, 'map' as const, 'contacts' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'proto-attribute' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bad-keys' as const }) },
);

const dynamodbRecordArbitrary: fc.Arbitrary<DynamoDBRecordPlan> = fc.record({
  item: fc.constantFrom(...ITEMS),
  eventName: fc.constantFrom('INSERT' as const, 'MODIFY' as const, 'REMOVE' as const),
  shape: dynamodbShapeArbitrary,
  behaviour: behaviourArbitrary,
});

const settingsArbitrary = fc.record({
  ordering: fc.constantFrom('partitionKey' as const, 'partitionKey' as const, 'shard' as const, 'none' as const),
  concurrency: fc.integer({ min: 1, max: 8 }),
  missingSequenceNumber: fc.oneof(
    { weight: 11, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.nat() },
  ),
});

/** Random batches of either source, 1 to 12 records. */
export const batchPlanArbitrary: fc.Arbitrary<BatchPlan> = fc.oneof(
  fc
    .tuple(fc.array(kinesisRecordArbitrary, { minLength: 1, maxLength: 12 }), settingsArbitrary)
    .map(([records, settings]) => ({ source: 'kinesis' as const, records, ...settings })),
  fc
    .tuple(fc.array(dynamodbRecordArbitrary, { minLength: 1, maxLength: 12 }), settingsArbitrary)
    .map(([records, settings]) => ({ source: 'dynamodb' as const, records, ...settings })),
);

/** What may become of a unit: it reaches the processor with a behaviour, or fails with a named error first. */
export type UnitExpectation =
  | { readonly kind: 'processor'; readonly behaviour: Behaviour }
  | { readonly kind: 'permanent'; readonly error: string };

/** One record the engine must account for (a Lambda record, or one user record of a KPL aggregate). */
export interface Unit {
  readonly index: number;
  readonly subSequenceNumber: number | undefined;
  readonly sequenceNumber: string;
  /** The tag in its payload (how the processor recognises it), when it has a payload. */
  readonly tag: string;
  /** Ordering key the engine must use; `undefined` when the record has no readable key. */
  readonly orderingKey: string | undefined;
  readonly expectation: UnitExpectation;
}

/** The built event, its units, and every secret planted in it (at the redaction paths). */
export interface BuiltBatch {
  readonly event: { Records: unknown[] };
  readonly units: readonly Unit[];
  readonly secrets: readonly string[];
  /** Sequence numbers of the Lambda records. */
  readonly sequenceNumbers: ReadonlySet<string>;
}

/**
 * The redaction paths the contract runs with: from the top of a payload or item, and one level down for
 * objects logged under a key.
 */
export const REDACT_PATHS = [
  'email',
  'card.number',
  'contacts[*].email',
  'headers["x-api-key"]',
  'customerId',
  '*.email',
  '*.card.number',
  '*.contacts[*].email',
  '*.headers["x-api-key"]',
  '*.customerId',
] as const;

let nonce = 0;

/**
 * Builds the Lambda event of a plan with the shared factories (AWS's documented shapes), planting unique
 * secrets at every redaction path of every payload.
 *
 * @example
 * ```ts
 * const { event, units, secrets } = buildBatch(plan);
 * ```
 */
export function buildBatch(plan: BatchPlan): BuiltBatch {
  const run = (nonce++).toString(36);
  const secrets: string[] = [];
  const secret = (what: string) => {
    const value = `zq${run}${what}zq`;
    secrets.push(value);
    return value;
  };
  const planted = (tag: string) => ({
    email: secret(`${tag}e`),
    card: { number: secret(`${tag}c`), brand: 'visa' },
    contacts: [{ email: secret(`${tag}m1`) }, { email: secret(`${tag}m2`), name: 'B' }],
    headers: { 'x-api-key': secret(`${tag}k`), accept: 'json' },
  });
  const built =
    plan.source === 'kinesis'
      ? buildKinesis(plan.records, planted, secret)
      : buildDynamoDB(plan.records, planted, secret);
  const records: unknown[] = built.records;
  if (plan.missingSequenceNumber !== undefined) {
    const at = plan.missingSequenceNumber % records.length;
    records[at] =
      plan.source === 'kinesis'
        ? withoutKinesisSequence(records[at] as KinesisStreamRecord)
        : withoutSequenceNumber(records[at] as DynamoDBRecord);
  }
  const sequenceNumbers = new Set(built.units.map((unit) => unit.sequenceNumber));
  return { event: { Records: records }, units: built.units, secrets, sequenceNumbers };
}

function withoutKinesisSequence(record: KinesisStreamRecord): KinesisStreamRecord {
  const { sequenceNumber: _dropped, ...kinesis } = record.kinesis;
  return { ...record, kinesis: kinesis as KinesisStreamRecord['kinesis'] };
}

type Planted = (tag: string) => Record<string, unknown>;

function buildKinesis(
  plans: readonly KinesisRecordPlan[],
  planted: Planted,
  secret: (what: string) => string,
): { records: KinesisStreamRecord[]; units: Unit[] } {
  const kinesis = new KinesisEventFactory({ streamName: 'clicks' });
  const records: KinesisStreamRecord[] = [];
  const units: Unit[] = [];
  plans.forEach((plan, index) => {
    const tag = `r${index}`;
    const payload = { userId: plan.key, tag, n: index, customerId: secret(`${tag}u`), ...planted(tag) };
    const text = JSON.stringify(payload);
    const users = plan.users.map((user, sub) => {
      const userTag = `${tag}.${sub}`;
      return {
        json: { userId: user.key, tag: userTag, n: index, customerId: secret(`${userTag}u`), ...planted(userTag) },
        partitionKey: user.key,
      };
    });
    const unit = (expectation: UnitExpectation, sequenceNumber: string): Unit => ({
      index,
      subSequenceNumber: undefined,
      sequenceNumber,
      tag,
      orderingKey: plan.key,
      expectation,
    });
    let record: KinesisStreamRecord;
    switch (plan.shape) {
      case 'good':
        record = kinesis.record({ json: payload, partitionKey: plan.key });
        units.push(unit({ kind: 'processor', behaviour: plan.behaviour }, record.kinesis.sequenceNumber));
        break;
      case 'schema':
        record = kinesis.record({ json: { ...payload, n: 'not a number' }, partitionKey: plan.key });
        units.push(unit({ kind: 'permanent', error: 'SchemaValidationError' }, record.kinesis.sequenceNumber));
        break;
      case 'bad-base64': {
        const base64 = Buffer.from(text).toString('base64');
        record = kinesis.record({ base64: `${base64.slice(0, 8)}!${base64.slice(8)}`, partitionKey: plan.key });
        units.push(unit({ kind: 'permanent', error: 'InvalidBase64Error' }, record.kinesis.sequenceNumber));
        break;
      }
      case 'bad-utf8':
        record = kinesis.record({
          bytes: Buffer.concat([Buffer.from(text), INVALID_UTF8_BYTES]),
          partitionKey: plan.key,
        });
        units.push(unit({ kind: 'permanent', error: 'InvalidUtf8Error' }, record.kinesis.sequenceNumber));
        break;
      case 'bad-json':
        record = kinesis.record({ text: text.slice(0, -1), partitionKey: plan.key });
        units.push(unit({ kind: 'permanent', error: 'InvalidJsonError' }, record.kinesis.sequenceNumber));
        break;
      case 'kpl':
        record = kinesis.aggregatedRecord(users);
        plan.users.forEach((user, sub) => {
          units.push({
            index,
            subSequenceNumber: sub,
            sequenceNumber: record.kinesis.sequenceNumber,
            tag: `${tag}.${sub}`,
            orderingKey: user.key,
            expectation: { kind: 'processor', behaviour: user.behaviour },
          });
        });
        break;
      case 'kpl-truncated':
        record = kinesis.record({ bytes: kplTruncated(users), partitionKey: plan.key });
        units.push(unit({ kind: 'permanent', error: 'KplDecodeError' }, record.kinesis.sequenceNumber));
        break;
      case 'kpl-bad-digest':
        record = kinesis.record({ bytes: kplWithBadDigest(users), partitionKey: plan.key });
        units.push(unit({ kind: 'permanent', error: 'KplDigestMismatchError' }, record.kinesis.sequenceNumber));
        break;
      case 'kpl-empty':
        record = kinesis.record({ bytes: kplEmptyAggregate([plan.key]), partitionKey: plan.key });
        units.push(unit({ kind: 'permanent', error: 'KplEmptyAggregateError' }, record.kinesis.sequenceNumber));
        break;
    }
    records.push(record);
  });
  return { records, units };
}

function buildDynamoDB(
  plans: readonly DynamoDBRecordPlan[],
  planted: Planted,
  secret: (what: string) => string,
): { records: DynamoDBRecord[]; units: Unit[] } {
  const dynamodb = new DynamoDBEventFactory({ tableName: 'orders' });
  const customers = new Map<string, string>();
  const customerOf = (item: string) => {
    let customer = customers.get(item);
    if (customer === undefined) {
      customer = secret(`cust-${item}`);
      customers.set(item, customer);
    }
    return customer;
  };
  const records: DynamoDBRecord[] = [];
  const units: Unit[] = [];
  plans.forEach((plan, index) => {
    const tag = `r${index}`;
    const keys = { orderId: plan.item, customerId: customerOf(plan.item) };
    const image = { ...keys, tag, status: 'NEW', ...planted(tag) };
    const imageMap = toAttributeMap(plan.shape.kind === 'schema' ? { ...image, status: 7 } : image);
    let rawImage: AttributeMap = imageMap;
    let rawKeys: AttributeMap | undefined;
    let expectation: UnitExpectation = { kind: 'processor', behaviour: plan.behaviour };
    let orderingKey: string | undefined = canonicalKey(keys);
    switch (plan.shape.kind) {
      case 'schema':
        expectation = { kind: 'permanent', error: 'SchemaValidationError' };
        break;
      case 'invalid':
        rawImage = withInvalidValue(imageMap, INVALID_ATTRIBUTE_VALUES[plan.shape.value]!, plan.shape.where);
        expectation = { kind: 'permanent', error: 'InvalidImageError' };
        break;
      case 'proto-attribute':
        rawImage = JSON.parse(
          `${JSON.stringify(imageMap).slice(0, -1)},"__proto__":{"M":{"isAdmin":{"BOOL":true}}}}`,
        ) as AttributeMap;
        expectation = { kind: 'permanent', error: 'InvalidImageError' };
        break;
      case 'bad-keys':
        rawKeys = { ...toAttributeMap(keys), extra: { BOOL: true } } as AttributeMap;
        expectation = { kind: 'permanent', error: 'InvalidImageError' };
        orderingKey = undefined;
        break;
      case 'good':
        break;
    }
    const withImages =
      plan.eventName === 'INSERT'
        ? { rawNewImage: rawImage }
        : plan.eventName === 'MODIFY'
          ? { rawNewImage: rawImage, rawOldImage: toAttributeMap({ ...image, status: 'OLD' }) }
          : { rawOldImage: rawImage };
    const record = dynamodb.record({
      eventName: plan.eventName,
      keys,
      ...(rawKeys === undefined ? {} : { rawKeys }),
      ...withImages,
    });
    records.push(record);
    units.push({
      index,
      subSequenceNumber: undefined,
      sequenceNumber: record.dynamodb!.SequenceNumber!,
      tag,
      orderingKey,
      expectation,
    });
  });
  return { records, units };
}

function withInvalidValue(image: AttributeMap, valueJson: string, where: 'top' | 'list' | 'map' | 'contacts') {
  const value = JSON.parse(valueJson) as unknown;
  const copy: Record<string, unknown> = { ...image };
  if (where === 'top') copy.bad = value;
  else if (where === 'list') copy.bad = { L: [{ N: '1' }, value] };
  else if (where === 'map') copy.bad = { M: { ok: { S: 'fine' }, inner: value } };
  else {
    const contacts = (image.contacts as { L: unknown[] }).L;
    copy.contacts = { L: [...contacts, value] };
  }
  return copy as AttributeMap;
}
