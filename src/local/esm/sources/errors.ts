import { ShardflowError } from '../../../runtime/errors.js';

/**
 * Base class of the errors a {@link StreamSource} throws on behalf of the stream API. The original SDK
 * error is kept as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await source.read(iterator, 100);
 * } catch (error) {
 *   if (error instanceof StreamSourceError) logger.warn({ err: error.cause }, error.message);
 * }
 * ```
 */
export class StreamSourceError extends ShardflowError {}

/**
 * The shard iterator is too old (Kinesis: 5 minutes; DynamoDB Streams: 15 minutes). Get a new one from
 * the last checkpoint with `AFTER_SEQUENCE_NUMBER`; it is not a failure of any record.
 *
 * @example
 * ```ts
 * try {
 *   page = await source.read(iterator, 100);
 * } catch (error) {
 *   if (!(error instanceof ExpiredIteratorError)) throw error;
 *   iterator = await source.getIterator(shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint });
 * }
 * ```
 */
export class ExpiredIteratorError extends StreamSourceError {}

/**
 * The read was throttled or hit a limit (`ProvisionedThroughputExceededException`,
 * `LimitExceededException`, `ThrottlingException`, …). Back off and read again with the same iterator;
 * throttles never count as retries of a batch.
 *
 * @example
 * ```ts
 * if (error instanceof ReadThrottledError) await sleep(backoffMs);
 * ```
 */
export class ReadThrottledError extends StreamSourceError {}

/**
 * DynamoDB Streams `TrimmedDataAccessException`: the requested position is older than the stream's
 * 24-hour retention, so those records are gone. Restart from `TRIM_HORIZON`.
 *
 * @example
 * ```ts
 * if (error instanceof TrimmedDataError) iterator = await source.getIterator(shardId, { type: 'TRIM_HORIZON' });
 * ```
 */
export class TrimmedDataError extends StreamSourceError {}

/**
 * The iterator position is not supported by this stream API (`AT_TIMESTAMP` on DynamoDB Streams).
 *
 * @example
 * ```ts
 * await ddbSource.getIterator(shardId, { type: 'AT_TIMESTAMP', timestamp: new Date() }); // throws
 * ```
 */
export class UnsupportedPositionError extends StreamSourceError {}

/**
 * An iterator handed to `read()` was not produced by the same kind of source (e.g. a raw AWS iterator
 * passed to `KinesisSource.read`, which expects the token its `getIterator` returned).
 *
 * @example
 * ```ts
 * await kinesisSource.read('not-a-token', 100); // throws InvalidIteratorError
 * ```
 */
export class InvalidIteratorError extends StreamSourceError {}

const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'KMSThrottlingException',
]);

/**
 * Turns an error of a Kinesis or DynamoDB Streams SDK call into the named {@link StreamSourceError}
 * the ESM reacts to; any other error is returned unchanged.
 *
 * @param error - what the SDK call threw
 * @param action - what was being done, for the message (e.g. `GetRecords on orders`)
 *
 * @example
 * ```ts
 * try {
 *   return await client.send(new GetRecordsCommand({ ShardIterator }));
 * } catch (error) {
 *   throw toStreamSourceError(error, 'GetRecords');
 * }
 * ```
 */
export function toStreamSourceError(error: unknown, action: string): unknown {
  if (!(error instanceof Error)) return error;
  const detail = `${action}: ${error.name}: ${error.message}`;
  if (error.name === 'ExpiredIteratorException') return new ExpiredIteratorError(detail, { cause: error });
  if (error.name === 'TrimmedDataAccessException') return new TrimmedDataError(detail, { cause: error });
  if (THROTTLING_ERROR_NAMES.has(error.name) || isSdkThrottle(error)) {
    return new ReadThrottledError(detail, { cause: error });
  }
  return error;
}

function isSdkThrottle(error: Error): boolean {
  const sdk = error as { $retryable?: { throttling?: boolean }; $metadata?: { httpStatusCode?: number } };
  return sdk.$retryable?.throttling === true || sdk.$metadata?.httpStatusCode === 429;
}
