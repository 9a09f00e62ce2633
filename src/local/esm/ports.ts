import type { DynamoDBStreamRecord, KinesisStreamRecord } from '../../runtime/records/lambda-events.js';

/** A Lambda stream event record, exactly as Lambda sends it. */
export type LambdaStreamRecord = KinesisStreamRecord | DynamoDBStreamRecord;

/** One record read from a shard, normalised from the Kinesis or DynamoDB Streams API response. */
export interface SourceRecord {
  /** The record's sequence number (Kinesis `SequenceNumber`, DynamoDB `dynamodb.SequenceNumber`). */
  readonly sequenceNumber: string;
  /** Ordering key: Kinesis `PartitionKey`; DynamoDB the item's keys, canonical JSON (sorted names). */
  readonly partitionKey: string;
  /** Epoch ms: Kinesis `ApproximateArrivalTimestamp`, DynamoDB `ApproximateCreationDateTime`. */
  readonly approximateArrivalMs: number;
  /** Bytes this record adds to an invoke payload (UTF-8 length of `JSON.stringify(lambdaRecord)`). */
  readonly payloadBytes: number;
  /**
   * The record converted to the exact Lambda event shape (Dates → epoch seconds, PascalCase → camelCase,
   * base64). The ESM's own copy (filters, destinations): never hand it to the function as it is.
   */
  readonly lambdaRecord: LambdaStreamRecord;
  /**
   * A new copy of `lambdaRecord` for one invocation, as the function receives it: equal to
   * `JSON.parse(JSON.stringify(lambdaRecord))` and sharing no object with anything else. Sources that can
   * build it more cheaply than a copy provide it; without it, the ESM copies `lambdaRecord`.
   */
  invocationRecord?(): LambdaStreamRecord;
}

/** A shard as the stream describes it. */
export interface ShardDescription {
  readonly shardId: string;
  readonly parentShardId?: string | undefined;
  readonly adjacentParentShardId?: string | undefined;
  readonly startingSequenceNumber: string;
  /** Set once the shard is closed (split/merge, or a DynamoDB shard rolled over). */
  readonly endingSequenceNumber?: string | undefined;
}

/** Where to start reading a shard. */
export type IteratorPosition =
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: Date }
  | { readonly type: 'AT_SEQUENCE_NUMBER'; readonly sequenceNumber: string }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

/** One GetRecords page. */
export interface ReadResult {
  readonly records: SourceRecord[];
  /** `undefined` when the shard is closed and fully read (SHARD_END). */
  readonly nextIterator: string | undefined;
  /** Kinesis `MillisBehindLatest` (DynamoDB: undefined). */
  readonly millisBehindLatest?: number | undefined;
}

/**
 * Read access to one stream (Kinesis data stream or DynamoDB stream) through its real API — the same
 * code path talks to kinesalite, DynamoDB Local or AWS.
 */
export interface StreamSource {
  readonly kind: 'kinesis' | 'dynamodb';
  /** The stream ARN, used as `eventSourceARN`. */
  readonly streamArn: string;
  /** Every shard, open and closed, with parents (paginated internally). */
  listShards(): Promise<ShardDescription[]>;
  getIterator(shardId: string, position: IteratorPosition): Promise<string>;
  /** GetRecords. Throws `ExpiredIteratorError` (iterator too old) or `ReadThrottledError` (throttled/limits). */
  read(iterator: string, limit: number): Promise<ReadResult>;
}

/** `KinesisBatchInfo` / `DDBStreamBatchInfo` of an on-failure record. */
export interface StreamBatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  /** ISO-8601: Kinesis with milliseconds, DynamoDB whole seconds (…T12:00:00Z). */
  readonly approximateArrivalOfFirstRecord: string;
  readonly approximateArrivalOfLastRecord: string;
  readonly batchSize: number;
  readonly streamArn: string;
}

/** The record Lambda's ESM sends to an on-failure destination (see docs/local-esm.md), exactly. */
export interface OnFailureRecord {
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
    readonly approximateInvokeCount: number;
  };
  /** Absent for `RecordAgeExceeded`. */
  readonly responseContext?: {
    readonly statusCode: 200;
    readonly executedVersion: '$LATEST';
    /** `'Unhandled'` for a thrown error (or timeout), `null` for partial or invalid responses. */
    readonly functionError: 'Unhandled' | null;
  };
  readonly version: '1.0';
  /** ISO-8601 with milliseconds. */
  readonly timestamp: string;
  readonly KinesisBatchInfo?: StreamBatchInfo;
  readonly DDBStreamBatchInfo?: StreamBatchInfo;
  /** S3 destinations only: the records themselves. */
  readonly payload?: { readonly Records: LambdaStreamRecord[] };
}

/** What a destination needs to deliver one on-failure record. */
export interface OnFailureDelivery {
  readonly record: OnFailureRecord;
  /** The discarded records, for destinations that carry them (S3). */
  readonly records: readonly LambdaStreamRecord[];
  readonly shardId: string;
  /** The event source mapping's UUID (S3 key layout `aws/lambda/<uuid>/<shardId>/YYYY/MM/DD/…`). */
  readonly esmUuid: string;
}

/** An on-failure destination (S3, SQS, SNS, local directory). `send` resolves once stored. */
export interface OnFailureDestination {
  readonly kind: string;
  send(delivery: OnFailureDelivery): Promise<void>;
  /** Reads back what was sent (S3 and local directory; SQS/SNS cannot be listed without consuming). */
  list?(): Promise<OnFailureRecord[]>;
}

/** A shard's persisted progress. */
export interface ShardCheckpoint {
  /** Last sequence number whose record is fully handled; `undefined` before the first checkpoint. */
  readonly sequenceNumber: string | undefined;
  /** `true` once the shard is closed and every record in it is handled (children may start). */
  readonly ended: boolean;
}

/** Persists checkpoints so a stopped or killed runner resumes where it was. */
export interface CheckpointStore {
  readonly kind: string;
  /** Every shard checkpoint of one event source mapping (keyed by shardId). */
  load(mappingId: string): Promise<Map<string, ShardCheckpoint>>;
  /** Durably records one shard's checkpoint (atomic: a crash leaves the old or the new value). */
  save(mappingId: string, shardId: string, checkpoint: ShardCheckpoint): Promise<void>;
}
