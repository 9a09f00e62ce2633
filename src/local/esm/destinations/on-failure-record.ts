import type { DynamoDBStreamRecord, KinesisStreamRecord } from '../../../runtime/records/lambda-events.js';
import type { LambdaStreamRecord, OnFailureRecord, StreamBatchInfo } from '../ports.js';
import { InvalidOnFailureInputError } from './errors.js';

/** Why a batch was discarded. */
export type OnFailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** What {@link buildOnFailureRecord} needs to describe one discarded batch. */
export interface OnFailureRecordInput {
  readonly source: 'kinesis' | 'dynamodb';
  readonly condition: OnFailureCondition;
  /**
   * `'Unhandled'` when the last invocation threw (or timed out), `null` when it returned a partial or
   * invalid response. Ignored for `RecordAgeExceeded`, whose record has no `responseContext`.
   */
  readonly functionError: 'Unhandled' | null;
  /** Request id of the last invocation. */
  readonly requestId: string;
  readonly functionArn: string;
  /** Invocations of these records so far (retries included, bisections not). */
  readonly approximateInvokeCount: number;
  readonly shardId: string;
  readonly streamArn: string;
  /** The discarded records, in stream order (at least one), exactly as Lambda delivered them. */
  readonly records: readonly LambdaStreamRecord[];
  /** When the batch was discarded: becomes `timestamp`. */
  readonly now: Date;
}

/**
 * Builds the record Lambda's event source mapping sends to an on-failure destination for a discarded
 * batch, field for field and in AWS's key order (Lambda docs, "Retain discarded batch records" for
 * Kinesis and DynamoDB):
 *
 * `requestContext{requestId, functionArn, condition, approximateInvokeCount}`,
 * `responseContext{statusCode: 200, executedVersion: "$LATEST", functionError}` (absent for
 * `RecordAgeExceeded`), `version: "1.0"`, `timestamp` (ISO-8601 with milliseconds), then
 * `KinesisBatchInfo` or `DDBStreamBatchInfo`
 * `{shardId, startSequenceNumber, endSequenceNumber, approximateArrivalOfFirstRecord,
 * approximateArrivalOfLastRecord, batchSize, streamArn}`.
 *
 * Arrival times follow AWS's samples: Kinesis from `approximateArrivalTimestamp` with milliseconds
 * (`2019-11-14T00:38:04.835Z`), DynamoDB from `ApproximateCreationDateTime` in whole seconds with no
 * fraction (`2019-11-14T00:13:19Z`). The result has no `payload`; the S3 and directory destinations add
 * it.
 *
 * @throws {InvalidOnFailureInputError} for an empty batch, a record of the other source, a record without
 *   sequence number or arrival time, or a negative/non-integer invoke count
 *
 * @example
 * ```ts
 * const record = buildOnFailureRecord({
 *   source: 'kinesis', condition: 'RetryAttemptsExhausted', functionError: 'Unhandled',
 *   requestId: 'c9b8fa9f-5a7f-4d2e-af9c-0c604cde93a5', functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:f',
 *   approximateInvokeCount: 4, shardId: 'shardId-000000000001', streamArn, records: batch, now: new Date(),
 * });
 * await destination.send({ record, records: batch, shardId: 'shardId-000000000001', esmUuid });
 * ```
 */
export function buildOnFailureRecord(input: OnFailureRecordInput): OnFailureRecord {
  const first = input.records[0];
  const last = input.records[input.records.length - 1];
  if (first === undefined || last === undefined) {
    throw new InvalidOnFailureInputError('an on-failure record needs at least one discarded record');
  }
  if (!Number.isInteger(input.approximateInvokeCount) || input.approximateInvokeCount < 0) {
    throw new InvalidOnFailureInputError(
      `approximateInvokeCount must be a non-negative integer, got ${input.approximateInvokeCount}`,
    );
  }
  if (Number.isNaN(input.now.getTime())) throw new InvalidOnFailureInputError('now is an invalid Date');
  input.records.forEach((record, index) => {
    assertSource(input.source, record, index);
  });
  const position = input.source === 'kinesis' ? kinesisPosition : dynamodbPosition;
  const start = position(first, 0);
  const end = position(last, input.records.length - 1);
  const batchInfo: StreamBatchInfo = {
    shardId: input.shardId,
    startSequenceNumber: start.sequenceNumber,
    endSequenceNumber: end.sequenceNumber,
    approximateArrivalOfFirstRecord: start.arrival,
    approximateArrivalOfLastRecord: end.arrival,
    batchSize: input.records.length,
    streamArn: input.streamArn,
  };
  const requestContext = {
    requestId: input.requestId,
    functionArn: input.functionArn,
    condition: input.condition,
    approximateInvokeCount: input.approximateInvokeCount,
  };
  const head =
    input.condition === 'RecordAgeExceeded'
      ? { requestContext }
      : {
          requestContext,
          responseContext: {
            statusCode: 200 as const,
            executedVersion: '$LATEST' as const,
            functionError: input.functionError,
          },
        };
  const tail = { version: '1.0' as const, timestamp: input.now.toISOString() };
  return input.source === 'kinesis'
    ? { ...head, ...tail, KinesisBatchInfo: batchInfo }
    : { ...head, ...tail, DDBStreamBatchInfo: batchInfo };
}

/**
 * Formats a Kinesis `approximateArrivalTimestamp` (epoch seconds with a fraction) as the on-failure
 * record does: ISO-8601 UTC with milliseconds.
 *
 * @example
 * ```ts
 * kinesisArrivalIso(1573691884.835); // '2019-11-14T00:38:04.835Z'
 * ```
 */
export function kinesisArrivalIso(epochSeconds: number): string {
  return new Date(Math.round(epochSeconds * 1000)).toISOString();
}

/**
 * Formats a DynamoDB `ApproximateCreationDateTime` (epoch seconds) as the on-failure record does:
 * ISO-8601 UTC in whole seconds, without a fraction.
 *
 * @example
 * ```ts
 * dynamodbArrivalIso(1573690399); // '2019-11-14T00:13:19Z'
 * ```
 */
export function dynamodbArrivalIso(epochSeconds: number): string {
  return new Date(Math.floor(epochSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface RecordPosition {
  readonly sequenceNumber: string;
  readonly arrival: string;
}

function isKinesisRecord(record: LambdaStreamRecord): record is KinesisStreamRecord {
  return typeof (record as Partial<KinesisStreamRecord>).kinesis === 'object';
}

function assertSource(source: 'kinesis' | 'dynamodb', record: LambdaStreamRecord, index: number): void {
  const kinesis = isKinesisRecord(record);
  if (kinesis !== (source === 'kinesis')) {
    throw new InvalidOnFailureInputError(
      `records[${index}] is not a ${source === 'kinesis' ? 'Kinesis' : 'DynamoDB Streams'} record (eventSource ${String(record.eventSource)})`,
    );
  }
}

function kinesisPosition(record: LambdaStreamRecord, index: number): RecordPosition {
  const { sequenceNumber, approximateArrivalTimestamp } = (record as KinesisStreamRecord).kinesis;
  if (typeof sequenceNumber !== 'string' || sequenceNumber === '') {
    throw new InvalidOnFailureInputError(`records[${index}] has no kinesis.sequenceNumber`);
  }
  if (!Number.isFinite(approximateArrivalTimestamp)) {
    throw new InvalidOnFailureInputError(`records[${index}] has no kinesis.approximateArrivalTimestamp`);
  }
  return { sequenceNumber, arrival: kinesisArrivalIso(approximateArrivalTimestamp) };
}

function dynamodbPosition(record: LambdaStreamRecord, index: number): RecordPosition {
  const stream = (record as DynamoDBStreamRecord).dynamodb;
  const sequenceNumber = stream?.SequenceNumber;
  const created = stream?.ApproximateCreationDateTime;
  if (typeof sequenceNumber !== 'string' || sequenceNumber === '') {
    throw new InvalidOnFailureInputError(`records[${index}] has no dynamodb.SequenceNumber`);
  }
  if (typeof created !== 'number' || !Number.isFinite(created)) {
    throw new InvalidOnFailureInputError(`records[${index}] has no dynamodb.ApproximateCreationDateTime`);
  }
  return { sequenceNumber, arrival: dynamodbArrivalIso(created) };
}
