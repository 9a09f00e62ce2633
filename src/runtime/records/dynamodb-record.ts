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

/** Marks the old image as not unmarshalled yet (`undefined` means "no OldImage"). */
const NOT_YET = Symbol('not yet');

/**
 * A decoded DynamoDB Streams record. `Keys` and `NewImage` are unmarshalled when it is decoded; `OldImage`
 * too when it is the payload (no `NewImage`: a REMOVE). Next to a `NewImage` the old image is unmarshalled
 * on first read of {@link DecodedDynamoDBRecord.oldImage} (`ctx.oldImage`, `ctx.previous`), at most once: a
 * processor that never reads it does not pay for it. An invalid one then throws its `InvalidImageError` on
 * that read, and on every later read. The memo slot is `#private`, so it does not show up in logs.
 *
 * @example
 * ```ts
 * const [entry] = decodeEvent(event).entries;
 * if (entry?.ok && entry.record.source === 'dynamodb') entry.record.oldImage; // unmarshalled now
 * ```
 */
export class DecodedDynamoDBRecord implements DynamoDBRecord {
  // `declare`d: the constructor creates each field once, in this order (see DecodedKinesisRecord).
  declare readonly source: 'dynamodb';
  declare readonly index: number;
  declare readonly eventID: string;
  declare readonly eventName: DynamoDBEventName;
  declare readonly eventSourceARN: string;
  declare readonly awsRegion: string;
  declare readonly shardId: string | undefined;
  declare readonly sequenceNumber: string;
  declare readonly partitionKey: string;
  declare readonly approximateArrivalMs: number;
  declare readonly sizeBytes: number;
  declare readonly tableName: string;
  declare readonly keys: Record<string, unknown>;
  declare readonly newImage: Record<string, unknown> | undefined;
  declare readonly rawKeys: Record<string, AttributeValue>;
  declare readonly streamViewType: string | undefined;
  declare readonly isTtlDelete: boolean;
  declare readonly raw: DynamoDBStreamRecord;
  #oldImage: Record<string, unknown> | undefined | typeof NOT_YET;
  #oldImageError: Error | undefined;

  constructor(
    raw: DynamoDBStreamRecord,
    stream: NonNullable<DynamoDBStreamRecord['dynamodb']>,
    index: number,
    shardId: string | undefined,
    tableName: string,
    partitionKey: string,
    approximateArrivalMs: number,
    keys: Record<string, unknown>,
    newImage: Record<string, unknown> | undefined,
    oldImage: Record<string, unknown> | undefined | typeof NOT_YET,
  ) {
    const eventName = raw.eventName as DynamoDBEventName;
    this.source = 'dynamodb';
    this.index = index;
    this.eventID = raw.eventID as string;
    this.eventName = eventName;
    this.eventSourceARN = raw.eventSourceARN as string;
    this.awsRegion = raw.awsRegion as string;
    this.shardId = shardId;
    this.sequenceNumber = stream.SequenceNumber as string;
    this.partitionKey = partitionKey;
    this.approximateArrivalMs = approximateArrivalMs;
    this.sizeBytes = stream.SizeBytes as number;
    this.tableName = tableName;
    this.keys = keys;
    this.newImage = newImage;
    this.rawKeys = stream.Keys as Record<string, AttributeValue>;
    this.streamViewType = stream.StreamViewType;
    this.isTtlDelete = isTtlDelete(eventName, raw.userIdentity);
    this.raw = raw;
    this.#oldImage = oldImage;
  }

  /**
   * The unmarshalled `OldImage`, `undefined` when the record has none. Unmarshalled on first read when the
   * record also has a `NewImage`; throws `InvalidImageError` (a `PermanentError`: the record is quarantined
   * when it reaches the engine) when the old image is not what DynamoDB emits.
   */
  get oldImage(): Record<string, unknown> | undefined {
    if (this.#oldImage !== NOT_YET) return this.#oldImage;
    if (this.#oldImageError !== undefined) throw this.#oldImageError;
    const identity = { eventID: this.eventID, sequenceNumber: this.sequenceNumber };
    try {
      this.#oldImage = unmarshallImage(this.raw.dynamodb?.OldImage, 'OldImage', identity);
    } catch (error) {
      this.#oldImageError = error as Error;
      throw error;
    }
    return this.#oldImage;
  }

  /** Every field, the old image included when it can be unmarshalled: what `JSON.stringify` and loggers see. */
  toJSON(): Record<string, unknown> {
    let oldImage: Record<string, unknown> | undefined;
    try {
      oldImage = this.oldImage;
    } catch {
      oldImage = undefined;
    }
    return {
      source: this.source,
      index: this.index,
      eventID: this.eventID,
      eventName: this.eventName,
      eventSourceARN: this.eventSourceARN,
      awsRegion: this.awsRegion,
      shardId: this.shardId,
      sequenceNumber: this.sequenceNumber,
      partitionKey: this.partitionKey,
      approximateArrivalMs: this.approximateArrivalMs,
      sizeBytes: this.sizeBytes,
      tableName: this.tableName,
      keys: this.keys,
      newImage: this.newImage,
      oldImage,
      rawKeys: this.rawKeys,
      streamViewType: this.streamViewType,
      isTtlDelete: this.isTtlDelete,
      raw: this.raw,
    };
  }
}

/** The sequence number of a raw record's `dynamodb` object, `undefined` when missing or empty. */
function dynamodbSequenceNumber(change: Record<string, unknown> | undefined): string | undefined {
  return stringField(change, 'SequenceNumber');
}

/**
 * Whether a raw DynamoDB Streams record has a sequence number, as {@link decodeDynamoDBRecord} reads it: a
 * record without one cannot be reported in `batchItemFailures`, so it fails its whole batch.
 *
 * @example
 * ```ts
 * hasDynamoDBSequenceNumber(event.Records[0]); // true for every record AWS delivers
 * ```
 */
export function hasDynamoDBSequenceNumber(raw: unknown): boolean {
  return dynamodbSequenceNumber(asObject(asObject(raw)?.dynamodb)) !== undefined;
}

/**
 * Decodes one Lambda DynamoDB Streams record into `out`: Keys and NewImage unmarshalled (OldImage too when
 * there is no NewImage; otherwise on first read, see {@link DecodedDynamoDBRecord}), `partitionKey` =
 * canonical JSON of the keys. A record that cannot be decoded becomes one `{ ok: false }` entry (with
 * `sequenceNumber` `undefined` when the record has none, and the partition key when the Keys could be
 * read); this function never throws for bad record content.
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
  const sequenceNumber = dynamodbSequenceNumber(change);
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
    const stream = change as NonNullable<DynamoDBStreamRecord['dynamodb']>;
    const sizeBytes = stream.SizeBytes as number;
    try {
      if (sizeBytes > context.maxRecordBytes) {
        throw new RecordTooLargeError(identity, sizeBytes, context.maxRecordBytes);
      }
      const newImage =
        stream.NewImage === undefined ? undefined : unmarshallImage(stream.NewImage, 'NewImage', identity);
      // The old image is the payload only without a new one; next to one it waits for its first reader.
      const oldImage =
        stream.OldImage === undefined
          ? undefined
          : newImage === undefined
            ? unmarshallImage(stream.OldImage, 'OldImage', identity)
            : NOT_YET;
      const decoded = new DecodedDynamoDBRecord(
        raw as DynamoDBStreamRecord,
        stream,
        index,
        shardId,
        tableName as string,
        partitionKey as string,
        Math.round(creationSeconds(stream.ApproximateCreationDateTime, context) * 1000),
        keys as Record<string, unknown>,
        newImage,
        oldImage,
      );
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
