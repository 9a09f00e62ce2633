import type { DynamoDBStreamRecord, KinesisStreamRecord } from '../../runtime/records/lambda-events.js';

/*
 * Inputs Lambda could deliver but a processor never should see: invalid base64 and UTF-8, records
 * without a sequence number. shardflow quarantines the first kind and fails the whole batch for the
 * second (a record without a sequence number cannot be reported in `batchItemFailures`).
 */

/**
 * `kinesis.data` strings that are not valid base64 although Node would decode them without complaint.
 *
 * @example
 * ```ts
 * const event = kinesisEvent([{ base64: INVALID_BASE64.badCharacter }]);
 * // runProcessor(…, event): the record is quarantined (InvalidBase64Error)
 * ```
 */
export const INVALID_BASE64 = {
  /** A character outside the alphabet. */
  badCharacter: 'eyJhIjox!fQ==',
  /** Length not a multiple of 4 (missing padding). */
  missingPadding: 'eyJhIjoxfQ',
  /** URL-safe alphabet (`-`, `_`), which Lambda never sends. */
  urlSafe: 'ab-_',
  /** Padding in the middle. */
  interiorPadding: 'QQ==QQ==',
} as const;

/**
 * Bytes that are not valid UTF-8 (an invalid sequence: `C3 28`).
 *
 * @example
 * ```ts
 * const event = kinesisEvent([{ bytes: INVALID_UTF8_BYTES }]); // a `json` or `text` processor quarantines it
 * ```
 */
export const INVALID_UTF8_BYTES: Uint8Array = Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]);

/**
 * A copy of `record` with `kinesis.data` replaced verbatim (e.g. by {@link INVALID_BASE64} values).
 *
 * @example
 * ```ts
 * withData(kinesis.record({ text: 'ok' }), INVALID_BASE64.badCharacter);
 * ```
 */
export function withData(record: KinesisStreamRecord, base64: string): KinesisStreamRecord {
  return { ...record, kinesis: { ...record.kinesis, data: base64 } };
}

/**
 * A copy of `record` without `dynamodb.SequenceNumber` (an unattributable record: the whole batch fails).
 *
 * @example
 * ```ts
 * withoutSequenceNumber(orders.insert({ id: '1' }, { id: '1' }));
 * ```
 */
export function withoutSequenceNumber(record: DynamoDBStreamRecord): DynamoDBStreamRecord {
  const { SequenceNumber: _dropped, ...stream } = record.dynamodb ?? {};
  return { ...record, dynamodb: stream };
}
