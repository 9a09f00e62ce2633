import { canonicalKey } from './canonical-key.js';
import { asObject, type DecodeContext, stringField, undecodable } from './decode-context.js';
import { unmarshallImage } from './dynamodb-image.js';
import { MalformedRecordError, RecordTooLargeError } from './errors.js';
import type { AttributeValue, DynamoDBStreamRecord } from './lambda-events.js';
import type { DecodedEntry, DynamoDBEventName, DynamoDBRecord } from './stream-record.js';

type ShapeProblem = readonly [field: string, problem: string];

const NOT_AN_OBJECT: ShapeProblem = ['record', 'is not an object'];
const NO_EVENT_SOURCE: ShapeProblem = ['eventSource', 'is missing'];
const NO_EVENT_ID: ShapeProblem = ['eventID', 'is missing or empty'];
const NO_STREAM_RECORD: ShapeProblem = ['dynamodb', 'is missing'];
const NO_SEQUENCE_NUMBER: ShapeProblem = ['dynamodb.SequenceNumber', 'is missing or empty'];
const BAD_EVENT_NAME: ShapeProblem = ['eventName', 'is not INSERT, MODIFY or REMOVE'];
const NO_ARN: ShapeProblem = ['eventSourceARN', 'is missing or empty'];
const BAD_ARN: ShapeProblem = ['eventSourceARN', 'is not a DynamoDB stream ARN'];
const NO_REGION: ShapeProblem = ['awsRegion', 'is missing or not a string'];
const NO_KEYS: ShapeProblem = ['dynamodb.Keys', 'is missing'];
const NO_CREATION_TIME: ShapeProblem = ['dynamodb.ApproximateCreationDateTime', 'is missing or not a number'];
const NO_SIZE: ShapeProblem = ['dynamodb.SizeBytes', 'is missing or not a number'];

function isEventName(value: unknown): value is DynamoDBEventName {
  return value === 'INSERT' || value === 'MODIFY' || value === 'REMOVE';
}

function shapeProblem(
  record: Record<string, unknown> | undefined,
  change: Record<string, unknown> | undefined,
  eventID: string | undefined,
  sequenceNumber: string | undefined,
  eventSourceARN: string | undefined,
  tableName: string | undefined,
  sample: boolean,
): ShapeProblem | undefined {
  if (record === undefined) return NOT_AN_OBJECT;
  if (record.eventSource === undefined) return NO_EVENT_SOURCE;
  if (change === undefined) return NO_STREAM_RECORD;
  if (sequenceNumber === undefined) return NO_SEQUENCE_NUMBER;
  if (eventID === undefined) return NO_EVENT_ID;
  if (!isEventName(record.eventName)) return BAD_EVENT_NAME;
  if (eventSourceARN === undefined) return NO_ARN;
  if (tableName === undefined) return BAD_ARN;
  if (typeof record.awsRegion !== 'string') return NO_REGION;
  if (asObject(change.Keys) === undefined) return NO_KEYS;
  const created = change.ApproximateCreationDateTime;
  // Sample events (placeholder ARN) may leave it out; AWS-delivered records never do.
  if (!(sample && created === undefined) && (typeof created !== 'number' || !Number.isFinite(created))) {
    return NO_CREATION_TIME;
  }
  const size = change.SizeBytes;
  if (typeof size !== 'number' || !Number.isFinite(size)) return NO_SIZE;
  return undefined;
}

/** A TTL expiry: a REMOVE that DynamoDB's TTL process made (it alone carries the service identity). */
function isTtlDelete(eventName: DynamoDBEventName, userIdentity: unknown): boolean {
  if (eventName !== 'REMOVE') return false;
  const identity = asObject(userIdentity);
  return identity?.type === 'Service' && identity.principalId === 'dynamodb.amazonaws.com';
}

/**
 * Decodes one Lambda DynamoDB Streams record into `out`: Keys, NewImage and OldImage unmarshalled,
 * `partitionKey` = canonical JSON of the keys. A record that cannot be decoded becomes one
 * `{ ok: false }` entry (with `sequenceNumber` `undefined` when the record has none, and the
 * partition key when the Keys could be read); this function never throws for bad record content.
 *
 * @example
 * ```ts
 * const out: DecodedEntry[] = [];
 * decodeDynamoDBRecord(event.Records[0], 0, new DecodeContext(Number.POSITIVE_INFINITY, undefined), out);
 * ```
 */
export function decodeDynamoDBRecord(raw: unknown, index: number, context: DecodeContext, out: DecodedEntry[]): void {
  const record = asObject(raw);
  const change = asObject(record?.dynamodb);
  const eventID = stringField(record, 'eventID');
  const eventSourceARN = stringField(record, 'eventSourceARN');
  const sequenceNumber = stringField(change, 'SequenceNumber');
  const tableName = eventSourceARN === undefined ? undefined : context.tableName(eventSourceARN);
  const shardId = context.eventShardId;
  const identity = { eventID, sequenceNumber };

  // Keys first: even a record that fails later keeps its ordering key.
  let keys: Record<string, unknown> | undefined;
  let partitionKey: string | undefined;
  let error: Error | undefined;
  if (change?.Keys !== undefined) {
    try {
      keys = unmarshallImage(change.Keys, 'Keys', identity);
      partitionKey = canonicalKey(keys);
    } catch (keysError) {
      error = keysError as Error;
    }
  }

  const sample = context.isPlaceholder(eventSourceARN);
  const problem = shapeProblem(record, change, eventID, sequenceNumber, eventSourceARN, tableName, sample);
  if (problem !== undefined) {
    error = new MalformedRecordError(identity, problem[0], problem[1]);
  } else if (error === undefined) {
    const lambdaRecord = raw as DynamoDBStreamRecord;
    const stream = change as NonNullable<DynamoDBStreamRecord['dynamodb']>;
    const sizeBytes = stream.SizeBytes as number;
    try {
      if (sizeBytes > context.maxRecordBytes) {
        throw new RecordTooLargeError(identity, sizeBytes, context.maxRecordBytes);
      }
      const newImage =
        stream.NewImage === undefined ? undefined : unmarshallImage(stream.NewImage, 'NewImage', identity);
      const oldImage =
        stream.OldImage === undefined ? undefined : unmarshallImage(stream.OldImage, 'OldImage', identity);
      const decoded: DynamoDBRecord = {
        source: 'dynamodb',
        index,
        eventID: eventID as string,
        eventName: lambdaRecord.eventName as DynamoDBEventName,
        eventSourceARN: eventSourceARN as string,
        awsRegion: lambdaRecord.awsRegion as string,
        shardId,
        sequenceNumber: sequenceNumber as string,
        partitionKey: partitionKey as string,
        approximateArrivalMs: Math.round(creationSeconds(stream.ApproximateCreationDateTime, context) * 1000),
        sizeBytes,
        tableName: tableName as string,
        keys: keys as Record<string, unknown>,
        newImage,
        oldImage,
        rawKeys: stream.Keys as Record<string, AttributeValue>,
        streamViewType: stream.StreamViewType,
        isTtlDelete: isTtlDelete(lambdaRecord.eventName as DynamoDBEventName, lambdaRecord.userIdentity),
        raw: lambdaRecord,
      };
      out.push({ ok: true, record: decoded });
      return;
    } catch (imageError) {
      error = imageError as Error;
    }
  }
  out.push(undecodable('dynamodb', index, raw, eventID, eventSourceARN, shardId, sequenceNumber, partitionKey, error));
}

/** `ApproximateCreationDateTime`, or 0 for a sample event's record without one (noted for the event's warning). */
function creationSeconds(value: number | undefined, context: DecodeContext): number {
  if (value !== undefined) return value;
  context.fillIn('dynamodb.ApproximateCreationDateTime');
  return 0;
}
