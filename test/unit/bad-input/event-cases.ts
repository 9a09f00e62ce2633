import { readFileSync } from 'node:fs';
import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { DynamoDBEventFactory, KinesisEventFactory } from '../../factories/index.js';
import type { EventCase } from './corpus-types.js';
import { SECRET_CARD, SECRET_EMAIL, secretPayload } from './harness.js';

/**
 * Events the handler must reject as a whole: not a stream event at all, a malformed `Records`, mixed
 * sources, or a record without a sequence number (a failure Lambda could not attribute, so the whole
 * batch must fail rather than be dropped). AWS sample events of other services are JSON fixtures in
 * `test/fixtures/bad-input/`.
 */

/** An AWS sample event of another service, from `test/fixtures/bad-input/`. */
function awsSample(file: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/bad-input/${file}`, import.meta.url), 'utf8'));
}

/** A Kinesis event of a good record, `bad`, and another good record; reports `bad`'s eventID. */
function kinesisAround(bad: (k: KinesisEventFactory) => Record<string, unknown> | null) {
  const kinesis = new KinesisEventFactory({ streamName: 'lambda-stream' });
  const first = kinesis.record({ json: { userId: 'good-1', n: 1 }, partitionKey: 'good-1' });
  const culprit = bad(kinesis);
  const last = kinesis.record({ json: { userId: 'good-2', n: 2 }, partitionKey: 'good-2' });
  const eventID = culprit?.eventID;
  return {
    event: { Records: [first, culprit, last] },
    ...(typeof eventID === 'string' ? { culpritEventID: eventID } : {}),
  };
}

/** A DynamoDB event of a good INSERT, `bad`, and another good INSERT; reports `bad`'s eventID. */
function dynamodbAround(bad: (d: DynamoDBEventFactory) => Record<string, unknown>) {
  const dynamodb = new DynamoDBEventFactory({ tableName: 'orders' });
  const first = dynamodb.insert({ id: 'good-1' }, { id: 'good-1', status: 'NEW' });
  const culprit = bad(dynamodb);
  const last = dynamodb.insert({ id: 'good-2' }, { id: 'good-2', status: 'NEW' });
  return { event: { Records: [first, culprit, last] }, culpritEventID: culprit.eventID as string };
}

function secretKinesisRecord(k: KinesisEventFactory): KinesisStreamRecord {
  return k.record({ json: secretPayload(), partitionKey: 'bad-key' });
}

function secretInsert(d: DynamoDBEventFactory): DynamoDBRecord {
  return d.insert({ id: 'bad-item' }, { id: 'bad-item', email: SECRET_EMAIL, card: { number: SECRET_CARD } });
}

function withKinesis(record: KinesisStreamRecord, fields: Record<string, unknown>): Record<string, unknown> {
  const kinesis: Record<string, unknown> = { ...record.kinesis };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) Reflect.deleteProperty(kinesis, name);
    else kinesis[name] = value;
  }
  return { ...record, kinesis };
}

function withDynamodb(record: DynamoDBRecord, fields: Record<string, unknown>): Record<string, unknown> {
  const change: Record<string, unknown> = { ...record.dynamodb };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) Reflect.deleteProperty(change, name);
    else change[name] = value;
  }
  return { ...record, dynamodb: change };
}

function without(record: object, field: string): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...record };
  Reflect.deleteProperty(copy, field);
  return copy;
}

const unsupported = (name: string, source: 'kinesis' | 'dynamodb', event: () => unknown): EventCase => ({
  kind: 'event',
  name,
  source,
  build: () => ({ event: event() }),
  expectedError: 'UnsupportedEventError',
  expectedFate: 'whole-batch-failure',
});

const unattributable = (name: string, source: 'kinesis' | 'dynamodb', build: EventCase['build']): EventCase => ({
  kind: 'event',
  name,
  source,
  build,
  expectedError: 'UnattributableFailureError',
  expectedFate: 'whole-batch-failure',
});

/** The event-level corpus. */
export const EVENT_CASES: readonly EventCase[] = [
  // --- not a stream event -------------------------------------------------------------------------
  unsupported('event is null', 'kinesis', () => null),
  unsupported('event is a string', 'kinesis', () => 'Records'),
  unsupported('event is a number', 'dynamodb', () => 42),
  unsupported('SQS event (AWS sample)', 'kinesis', () => awsSample('sqs-event.json')),
  unsupported('SNS event (AWS sample; EventSource is capitalised)', 'kinesis', () => awsSample('sns-event.json')),
  unsupported('S3 put event (AWS sample)', 'dynamodb', () => awsSample('s3-put-event.json')),
  unsupported('API Gateway proxy event (AWS sample; no Records)', 'kinesis', () =>
    awsSample('api-gateway-proxy-event.json'),
  ),
  unsupported('EventBridge scheduled event (AWS sample)', 'dynamodb', () =>
    awsSample('eventbridge-scheduled-event.json'),
  ),
  // --- Records ------------------------------------------------------------------------------------
  unsupported('Records missing ({})', 'kinesis', () => ({})),
  unsupported('Records is an object, not an array', 'kinesis', () => ({
    Records: { 0: secretKinesisRecord(new KinesisEventFactory()) },
  })),
  unsupported('Records is a string', 'dynamodb', () => ({ Records: 'aws:dynamodb' })),
  unsupported('Records holds only null', 'kinesis', () => ({ Records: [null] })),
  unsupported('Records holds only strings', 'kinesis', () => ({ Records: ['aws:kinesis'] })),
  {
    kind: 'event',
    name: 'Records is empty',
    source: 'kinesis',
    build: () => ({ event: { Records: [] } }),
    expectedError: undefined,
    expectedFate: 'processed',
  },
  // --- mixed or unknown sources -------------------------------------------------------------------
  unsupported('event mixing Kinesis and DynamoDB records', 'kinesis', () => ({
    Records: [
      secretKinesisRecord(new KinesisEventFactory()),
      secretInsert(new DynamoDBEventFactory({ tableName: 'orders' })),
    ],
  })),
  unsupported('event mixing a Kinesis record with an SQS record', 'kinesis', () => ({
    Records: [
      secretKinesisRecord(new KinesisEventFactory()),
      ...(awsSample('sqs-event.json') as { Records: unknown[] }).Records,
    ],
  })),
  unsupported('Kinesis record with eventSource "aws:kafka"', 'kinesis', () => ({
    Records: [{ ...secretKinesisRecord(new KinesisEventFactory()), eventSource: 'aws:kafka' }],
  })),
  // --- records without a sequence number: the whole batch fails ----------------------------------
  unattributable('Kinesis record missing kinesis', 'kinesis', () =>
    kinesisAround((k) => without(secretKinesisRecord(k), 'kinesis')),
  ),
  unattributable('Kinesis record missing kinesis.sequenceNumber', 'kinesis', () =>
    kinesisAround((k) => withKinesis(secretKinesisRecord(k), { sequenceNumber: undefined })),
  ),
  unattributable('Kinesis sequenceNumber is an empty string', 'kinesis', () =>
    kinesisAround((k) => withKinesis(secretKinesisRecord(k), { sequenceNumber: '' })),
  ),
  unattributable('Kinesis sequenceNumber is a number', 'kinesis', () =>
    kinesisAround((k) => withKinesis(secretKinesisRecord(k), { sequenceNumber: 4.959e55 })),
  ),
  unattributable('null record between Kinesis records', 'kinesis', () => kinesisAround(() => null)),
  unattributable('DynamoDB record missing dynamodb', 'dynamodb', () =>
    dynamodbAround((d) => without(secretInsert(d), 'dynamodb')),
  ),
  unattributable('DynamoDB record missing dynamodb.SequenceNumber', 'dynamodb', () =>
    dynamodbAround((d) => withDynamodb(secretInsert(d), { SequenceNumber: undefined })),
  ),
  unattributable('DynamoDB SequenceNumber is a number (123)', 'dynamodb', () =>
    dynamodbAround((d) => withDynamodb(secretInsert(d), { SequenceNumber: 123 })),
  ),
];
