import type { DynamoDBStreamRecord } from '../records/lambda-events.js';
import type { KinesisRecord, StreamRecord } from '../records/stream-record.js';

/**
 * What Lambda applies Kinesis filter patterns to: the record's `kinesis` payload with `data` decoded
 * from base64 and parsed as JSON. `data` is absent when the bytes are not JSON.
 */
export interface KinesisFilterView {
  kinesisSchemaVersion: string;
  partitionKey: string;
  sequenceNumber: string;
  approximateArrivalTimestamp: number;
  data?: unknown;
}

/** The object AWS filter patterns are evaluated against, per source. */
export type FilterView = KinesisFilterView | DynamoDBStreamRecord;

/** Marks "the data is not JSON" without allocating or throwing further. */
export const NOT_JSON: unique symbol = Symbol('shardflow.notJson');

/**
 * The record's data parsed as JSON, or {@link NOT_JSON} when it cannot be (invalid UTF-8 or JSON).
 * Parsing is memoised by the record, so calling this for several routes costs one parse.
 *
 * @example
 * ```ts
 * const data = readJsonData(record);
 * if (data !== NOT_JSON) console.log(data);
 * ```
 */
export function readJsonData(record: KinesisRecord): unknown {
  try {
    return record.json();
  } catch {
    return NOT_JSON;
  }
}

/**
 * Writes the Kinesis filter view of `record` into `target` (reused by compiled matchers to avoid an
 * allocation per record). `data` is written only when `data` is given and is not {@link NOT_JSON};
 * otherwise it is set to `undefined`, which patterns treat as absent.
 *
 * @example
 * ```ts
 * const view = writeKinesisFilterView({} as KinesisFilterView, record, readJsonData(record));
 * ```
 */
export function writeKinesisFilterView(
  target: KinesisFilterView,
  record: KinesisRecord,
  data: unknown,
): KinesisFilterView {
  const kinesis = record.raw.kinesis;
  target.kinesisSchemaVersion = kinesis.kinesisSchemaVersion;
  // KPL sub-records carry their own partition key; `record.partitionKey` is the user record's.
  target.partitionKey = record.partitionKey;
  target.sequenceNumber = kinesis.sequenceNumber;
  target.approximateArrivalTimestamp = kinesis.approximateArrivalTimestamp;
  target.data = data === NOT_JSON ? undefined : data;
  return target;
}

/**
 * The object AWS applies event-filter patterns to (the ESM `FilterCriteria` view of a record):
 * - Kinesis: `{ kinesisSchemaVersion, partitionKey, sequenceNumber, approximateArrivalTimestamp, data }`
 *   with `data` parsed from JSON; when the data is not JSON, `data` is left out (AWS drops such a record
 *   under a pattern on `data`, while patterns on metadata only still apply);
 * - DynamoDB: the Lambda record itself (`eventName`, `dynamodb.Keys`, `dynamodb.NewImage`… marshalled).
 *
 * @example
 * ```ts
 * toFilterView(dynamodbRecord); // { eventID, eventName: 'INSERT', dynamodb: { NewImage: { status: { S: 'PAID' } } }, … }
 * toFilterView(kinesisRecord); // { kinesisSchemaVersion: '1.0', partitionKey: 'user-1', …, data: { type: 'click' } }
 * ```
 */
export function toFilterView(record: StreamRecord): FilterView {
  if (record.source === 'dynamodb') return record.raw;
  const kinesis = record.raw.kinesis;
  const view: KinesisFilterView = {
    kinesisSchemaVersion: kinesis.kinesisSchemaVersion,
    partitionKey: record.partitionKey,
    sequenceNumber: kinesis.sequenceNumber,
    approximateArrivalTimestamp: kinesis.approximateArrivalTimestamp,
  };
  const data = readJsonData(record);
  if (data !== NOT_JSON) view.data = data;
  return view;
}
