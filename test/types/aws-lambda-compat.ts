/**
 * Type-level test (compiled by `npm run typecheck`, never run): shardflow's own Lambda event and context types
 * and `@types/aws-lambda`'s are interchangeable. Events and contexts typed with `@types/aws-lambda` can be
 * passed to shardflow's handler; shardflow's handler is an `@types/aws-lambda` stream handler; shardflow's
 * event, record and response types are assignable to `@types/aws-lambda`'s. A mismatch is a compile error here.
 *
 * @example
 * ```sh
 * npm run typecheck
 * ```
 */
import type * as AwsLambda from 'aws-lambda';
import type {
  AttributeValue,
  DynamoDBStreamChange,
  DynamoDBStreamEvent,
  DynamoDBStreamRecord,
  KinesisStreamEvent,
  KinesisStreamRecord,
  LambdaContext,
  StreamBatchResponse,
  StreamEvent,
  StreamHandler,
} from 'shardflow';
import { expectTypeOf } from 'vitest';

type HandlerEvent = Parameters<StreamHandler>[0];
type HandlerContext = NonNullable<Parameters<StreamHandler>[1]>;

// @types/aws-lambda → shardflow: what Lambda (typed by @types/aws-lambda) hands over, shardflow's handler takes.
expectTypeOf<AwsLambda.KinesisStreamEvent>().toExtend<StreamEvent>();
expectTypeOf<AwsLambda.KinesisStreamTumblingWindowEvent>().toExtend<StreamEvent>();
expectTypeOf<AwsLambda.DynamoDBStreamEvent>().toExtend<StreamEvent>();
expectTypeOf<AwsLambda.KinesisStreamEvent>().toExtend<HandlerEvent>();
expectTypeOf<AwsLambda.DynamoDBStreamEvent>().toExtend<HandlerEvent>();
expectTypeOf<AwsLambda.Context>().toExtend<LambdaContext>();
expectTypeOf<AwsLambda.Context>().toExtend<HandlerContext>();
expectTypeOf<AwsLambda.KinesisStreamRecord>().toExtend<KinesisStreamRecord>();
expectTypeOf<AwsLambda.DynamoDBRecord>().toExtend<DynamoDBStreamRecord>();
expectTypeOf<AwsLambda.StreamRecord>().toExtend<DynamoDBStreamChange>();
expectTypeOf<AwsLambda.AttributeValue>().toExtend<AttributeValue>();

// shardflow's handler is an @types/aws-lambda stream handler (`export const handler: KinesisStreamHandler = …`).
expectTypeOf<StreamHandler>().toExtend<AwsLambda.KinesisStreamHandler>();
expectTypeOf<StreamHandler>().toExtend<AwsLambda.DynamoDBStreamHandler>();

// shardflow → @types/aws-lambda: events built with shardflow's types (tests, the local ESM) fit code typed with
// @types/aws-lambda, and so does the handler's response.
expectTypeOf<KinesisStreamEvent>().toExtend<AwsLambda.KinesisStreamEvent>();
expectTypeOf<DynamoDBStreamEvent>().toExtend<AwsLambda.DynamoDBStreamEvent>();
expectTypeOf<KinesisStreamRecord>().toExtend<AwsLambda.KinesisStreamRecord>();
expectTypeOf<DynamoDBStreamRecord>().toExtend<AwsLambda.DynamoDBRecord>();
expectTypeOf<DynamoDBStreamChange>().toExtend<AwsLambda.StreamRecord>();
expectTypeOf<AttributeValue>().toExtend<AwsLambda.AttributeValue>();
expectTypeOf<StreamBatchResponse>().toExtend<AwsLambda.KinesisStreamBatchResponse>();
expectTypeOf<StreamBatchResponse>().toExtend<AwsLambda.DynamoDBBatchResponse>();
expectTypeOf<StreamBatchResponse & { state: object }>().toExtend<AwsLambda.KinesisStreamStateResponse>();
