/**
 * Record decoding: Lambda Kinesis / DynamoDB Streams events → uniform {@link StreamRecord}s.
 *
 * @example
 * ```ts
 * import { decodeEvent } from './records/index.js';
 * const { entries } = decodeEvent(event);
 * ```
 */
export { streamNameFromArn, tableNameFromArn } from './arn.js';
export { decodeBase64Strict, decodedBase64Length } from './base64.js';
export { canonicalKey } from './canonical-key.js';
export { type DecodedEvent, type DecodeOptions, decodeEvent, detectSource, EventDecoder } from './decode-event.js';
export { unmarshallImage } from './dynamodb-image.js';
export {
  type DynamoDBImageName,
  InvalidBase64Error,
  InvalidImageError,
  InvalidJsonError,
  InvalidUtf8Error,
  KplDecodeError,
  KplDigestMismatchError,
  KplEmptyAggregateError,
  MalformedRecordError,
  RecordDecodeError,
  type RecordIdentity,
  RecordTooLargeError,
} from './errors.js';
export { deaggregateKpl, isKplAggregate, type KplUserRecord } from './kpl.js';
export type {
  DecodedEntry,
  DynamoDBEventName,
  DynamoDBRecord,
  KinesisRecord,
  PayloadFormat,
  StreamRecord,
  StreamSourceType,
  UndecodableRecord,
} from './stream-record.js';
