import type { PAYLOAD_FORMATS } from '../config/settings/processor.js';
import type { AttributeValue, DynamoDBStreamRecord, KinesisStreamRecord } from './lambda-events.js';

/** The two stream sources shardflow understands. */
export type StreamSourceType = 'kinesis' | 'dynamodb';

/** How a Kinesis record's data is turned into the value a processor's schema validates (see `PAYLOAD_FORMATS`). */
export type PayloadFormat = (typeof PAYLOAD_FORMATS)[number];

/** DynamoDB Streams event names. */
export type DynamoDBEventName = 'INSERT' | 'MODIFY' | 'REMOVE';

/** Fields every decoded record has, whatever its source. */
interface StreamRecordBase {
  /** Position of the Lambda record this came from in `event.Records` (KPL sub-records share it). */
  readonly index: number;
  readonly eventID: string;
  readonly eventSourceARN: string;
  readonly awsRegion: string;
  /**
   * Shard the record belongs to. Kinesis: taken from `eventID` (`shardId-…:seq`).
   * DynamoDB: the Lambda event does not carry it per record; it is the event's top-level `shardId`
   * (tumbling-window events) or `undefined` (one batch always holds one shard).
   */
  readonly shardId: string | undefined;
  /** The sequence number reported as `itemIdentifier` when this record must be retried. */
  readonly sequenceNumber: string;
  /**
   * Ordering key: Kinesis `partitionKey`; DynamoDB the item's primary key, canonically serialised
   * (attribute names sorted) so that the same item always maps to the same string.
   */
  readonly partitionKey: string;
  /** Approximate arrival (Kinesis) or creation (DynamoDB) time, epoch milliseconds. */
  readonly approximateArrivalMs: number;
  /** Size of the record's payload in bytes (Kinesis data bytes; DynamoDB `SizeBytes`). */
  readonly sizeBytes: number;
}

/** A Kinesis record (or one user record of a KPL aggregate), decoded once. */
export interface KinesisRecord extends StreamRecordBase {
  readonly source: 'kinesis';
  readonly eventName: 'aws:kinesis:record';
  /** Stream name parsed from `eventSourceARN`. */
  readonly streamName: string;
  /** Index of the user record inside a KPL aggregate; `undefined` when the record is not aggregated. */
  readonly subSequenceNumber: number | undefined;
  /** Explicit hash key of a KPL user record, when set. */
  readonly explicitHashKey: string | undefined;
  /**
   * The decoded bytes (base64 decoded exactly once). For KPL sub-records, the user record's bytes. Read them as
   * text with {@link KinesisRecord.text} and as JSON with {@link KinesisRecord.json}. At run time a Node
   * `Buffer` (typed `Uint8Array`, which a Buffer is, so that these declarations need no `@types/node`):
   * `Buffer.from(data.buffer, data.byteOffset, data.byteLength)` gives Buffer methods without a copy.
   */
  readonly data: Uint8Array;
  /** The record as Lambda delivered it (for quarantine and on-failure output). */
  readonly raw: KinesisStreamRecord;
  /** `data` as UTF-8 text. Throws `InvalidUtf8Error` when it is not valid UTF-8. Memoised. */
  text(): string;
  /**
   * `data` parsed as JSON. Throws `InvalidJsonError`. Memoised: `json()` parses at most once (the engine's
   * own parse for validation is not kept, so a processor's first `json()` parses again).
   */
  json(): unknown;
}

/** A DynamoDB Streams record with its images unmarshalled into plain JavaScript values. */
export interface DynamoDBRecord extends StreamRecordBase {
  readonly source: 'dynamodb';
  readonly eventName: DynamoDBEventName;
  /** Table name parsed from `eventSourceARN` (`arn:…:table/<name>/stream/<label>`). */
  readonly tableName: string;
  readonly keys: Record<string, unknown>;
  readonly newImage: Record<string, unknown> | undefined;
  /**
   * The unmarshalled old image. Next to a `NewImage` (a MODIFY) it is unmarshalled on first read, at most
   * once, and an invalid one throws its `InvalidImageError` on each read; without one (a REMOVE) it is the
   * payload, unmarshalled when the record is decoded.
   */
  readonly oldImage: Record<string, unknown> | undefined;
  /** Marshalled images as delivered, for AWS-syntax filter patterns (`dynamodb.NewImage.x.S`). */
  readonly rawKeys: Record<string, AttributeValue>;
  readonly streamViewType: string | undefined;
  /** `true` when the record is a TTL expiry: a REMOVE whose `userIdentity` is `{ type: 'Service', principalId: 'dynamodb.amazonaws.com' }`. */
  readonly isTtlDelete: boolean;
  readonly raw: DynamoDBStreamRecord;
}

/** A decoded stream record. Discriminate on `source`. */
export type StreamRecord = KinesisRecord | DynamoDBRecord;

/**
 * A Lambda record that could not be decoded into a {@link StreamRecord} (bad base64, corrupt KPL,
 * unknown DynamoDB attribute type, over the size limit, …). It still has an identity, so the engine can
 * quarantine it or report it, in order with the records of its partition key.
 */
export interface UndecodableRecord {
  readonly source: StreamSourceType;
  readonly index: number;
  readonly eventID: string;
  readonly eventSourceARN: string;
  readonly shardId: string | undefined;
  /** `undefined` when the record has no sequence number at all: the whole batch must then fail. */
  readonly sequenceNumber: string | undefined;
  /** Best-effort ordering key (`partitionKey`, or serialised keys); `undefined` when unknown. */
  readonly partitionKey: string | undefined;
  readonly raw: KinesisStreamRecord | DynamoDBStreamRecord;
  /** The named decode error (a `PermanentError` subclass). */
  readonly error: Error;
}

/** One slot of a decoded batch, in event order. */
export type DecodedEntry = { ok: true; record: StreamRecord } | { ok: false; failure: UndecodableRecord };
