import { streamNameFromArn, tableNameFromArn } from './arn.js';
import type { DynamoDBStreamRecord, KinesisStreamRecord } from './lambda-events.js';
import type { DecodedEntry, StreamSourceType } from './stream-record.js';

/**
 * Per-event state shared by the record decoders: the size limit, the event-level `shardId`, and the
 * last ARN → name lookups (every record of a batch normally carries the same ARN, so it is parsed once).
 * One instance per decoded event; nothing survives between invocations.
 *
 * @example
 * ```ts
 * const context = new DecodeContext(Number.POSITIVE_INFINITY, undefined);
 * context.streamName('arn:aws:kinesis:us-east-1:123456789012:stream/clicks'); // 'clicks'
 * ```
 */
export class DecodeContext {
  readonly maxRecordBytes: number;
  /** Top-level `shardId` of the event (tumbling-window events), if any. */
  readonly eventShardId: string | undefined;
  private lastStreamArn: string | undefined;
  private lastStreamName: string | undefined;
  private lastTableArn: string | undefined;
  private lastTableName: string | undefined;

  constructor(maxRecordBytes: number, eventShardId: string | undefined) {
    this.maxRecordBytes = maxRecordBytes;
    this.eventShardId = eventShardId;
  }

  /** Stream name of a Kinesis ARN, cached for repeated ARNs. */
  streamName(arn: string): string | undefined {
    if (arn !== this.lastStreamArn) {
      this.lastStreamArn = arn;
      this.lastStreamName = streamNameFromArn(arn);
    }
    return this.lastStreamName;
  }

  /** Table name of a DynamoDB stream ARN, cached for repeated ARNs. */
  tableName(arn: string): string | undefined {
    if (arn !== this.lastTableArn) {
      this.lastTableArn = arn;
      this.lastTableName = tableNameFromArn(arn);
    }
    return this.lastTableName;
  }
}

/**
 * Builds the `{ ok: false }` slot for a record that could not be decoded, with as much identity as is known.
 *
 * @example
 * ```ts
 * entries.push(undecodable('kinesis', 3, raw, eventID, arn, shardId, seq, partitionKey, error));
 * ```
 */
export function undecodable(
  source: StreamSourceType,
  index: number,
  raw: unknown,
  eventID: string | undefined,
  eventSourceARN: string | undefined,
  shardId: string | undefined,
  sequenceNumber: string | undefined,
  partitionKey: string | undefined,
  error: Error,
): DecodedEntry {
  return {
    ok: false,
    failure: {
      source,
      index,
      eventID: eventID ?? '',
      eventSourceARN: eventSourceARN ?? '',
      shardId,
      sequenceNumber,
      partitionKey,
      raw: raw as KinesisStreamRecord | DynamoDBStreamRecord,
      error,
    },
  };
}

/**
 * A non-empty string field, or `undefined`.
 *
 * @example
 * ```ts
 * stringField({ a: 'x' }, 'a'); // 'x'
 * ```
 */
export function stringField(object: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = object?.[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * The value when it is a non-null, non-array object, else `undefined`.
 *
 * @example
 * ```ts
 * asObject({ a: 1 }); // { a: 1 }
 * asObject([1]); // undefined
 * ```
 */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
