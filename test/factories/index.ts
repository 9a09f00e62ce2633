/**
 * Event factories shared by the test suites: Lambda Kinesis and DynamoDB Streams events exactly as
 * AWS documents them, KPL aggregates, and corrupt inputs.
 *
 * @example
 * ```ts
 * import { DynamoDBEventFactory, KinesisEventFactory } from '../../factories/index.js';
 * const event = new KinesisEventFactory().event([{ json: { ok: true } }]);
 * ```
 */
export * from './dynamodb-events.js';
export * from './kinesis-events.js';
