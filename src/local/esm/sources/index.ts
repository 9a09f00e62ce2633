/**
 * Stream sources of the local event source mapping: read access to Kinesis data streams and DynamoDB
 * streams through their real APIs (kinesalite, DynamoDB Local or AWS), producing Lambda event records.
 *
 * @example
 * ```ts
 * import { createStreamSource } from './esm/sources/index.js';
 * const source = createStreamSource('kinesis', { client, streamArn, region: 'us-east-1' });
 * ```
 */
export {
  createStreamSource,
  type DynamoDBStreamSourceSettings,
  type KinesisStreamSourceSettings,
} from './create-stream-source.js';
export { DynamoDBStreamsSource, type DynamoDBStreamsSourceOptions } from './dynamodb-streams-source.js';
export {
  ExpiredIteratorError,
  InvalidIteratorError,
  ReadThrottledError,
  StreamSourceError,
  TrimmedDataError,
  toStreamSourceError,
  UnsupportedPositionError,
} from './errors.js';
export { KinesisSource, type KinesisSourceOptions } from './kinesis-source.js';
export { toLambdaImage } from './lambda-attribute-value.js';
