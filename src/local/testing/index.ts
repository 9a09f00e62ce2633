/**
 * shardflow/testing — what you need to unit-test your processors with vitest or jest: Lambda Kinesis,
 * KPL and DynamoDB Streams events in AWS's documented shapes, an in-memory idempotency store and
 * quarantine sink, a Lambda context, and {@link runProcessor} / {@link runHandler}, which run the real
 * handler over an event and return each record's fate. Local tooling: never import it from code that
 * goes into a Lambda bundle.
 *
 * @example
 * ```ts
 * import { kinesisEvent, runProcessor } from 'shardflow/testing';
 * import { expect, it } from 'vitest';
 * import orderFacts from './order-facts.js';
 *
 * it('processes an order', async () => {
 *   // Arrange
 *   const event = kinesisEvent([{ json: { orderId: 'o-1', totalCents: 1250 }, partitionKey: 'o-1' }]);
 *
 *   // Act
 *   const run = await runProcessor(orderFacts, event);
 *
 *   // Assert
 *   expect(run.outcomes.map((o) => o.fate)).toEqual(['processed']);
 *   expect(run.response).toEqual({ batchItemFailures: [] });
 * });
 * ```
 * @packageDocumentation
 */
export {
  InMemoryIdempotencyStore,
  type InMemoryIdempotencyStoreOptions,
} from '../../runtime/processing/idempotency/in-memory-store.js';
export type { AggregatedRecordFields } from '../esm/kpl-aggregate.js';
export {
  AWS_SAMPLE_DYNAMODB_EVENT,
  AWS_SAMPLE_KINESIS_EVENT,
  SAMPLE_KINESIS_SEQUENCE_NUMBER,
} from './aws-sample-events.js';
export { INVALID_BASE64, INVALID_UTF8_BYTES, withData, withoutSequenceNumber } from './corrupt-records.js';
export {
  type AttributeMap,
  type DynamoDBChangeInput,
  type DynamoDBEventExtras,
  DynamoDBEventFactory,
  type DynamoDBEventFactoryOptions,
  type DynamoDBEventOptions,
  dynamodbEvent,
  type StreamViewType,
  TTL_USER_IDENTITY,
  toAttributeMap,
} from './dynamodb-events.js';
export {
  KinesisEventFactory,
  type KinesisEventFactoryOptions,
  type KinesisEventOptions,
  type KinesisRecordInput,
  kinesisEvent,
} from './kinesis-events.js';
export type { KinesisPayload } from './kinesis-payload.js';
export {
  KPL_MAGIC,
  type KplUserRecordInput,
  kplAggregate,
  kplBody,
  kplEmptyAggregate,
  kplFromFields,
  kplTruncated,
  kplWithBadDigest,
  withKplFrame,
} from './kpl-aggregates.js';
export { type LambdaContextOverrides, lambdaContext } from './lambda-context.js';
export { MemoryQuarantineSink } from './memory-quarantine-sink.js';
export { type RunHandlerOptions, runHandler } from './run-handler.js';
export { type RunProcessorOptions, runProcessor } from './run-processor.js';
export type { TestRecordOutcome, TestRun } from './test-run.js';
