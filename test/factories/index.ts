/**
 * Event factories shared by the test suites: Lambda Kinesis and DynamoDB Streams events exactly as
 * AWS documents them, KPL aggregates, and corrupt inputs. They are the public `shardflow/testing`
 * builders (src/local/testing), re-exported here so the suites import them from one place.
 *
 * @example
 * ```ts
 * import { DynamoDBEventFactory, KinesisEventFactory } from '../../factories/index.js';
 * const event = new KinesisEventFactory().event([{ json: { ok: true } }]);
 * ```
 */
export * from '../../src/local/testing/index.js';
