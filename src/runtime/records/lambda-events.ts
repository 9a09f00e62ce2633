/**
 * The Lambda events and context shardflow reads, typed from AWS's documentation ("Using AWS Lambda with Amazon
 * Kinesis", "Using AWS Lambda with Amazon DynamoDB", "Lambda context object in Node.js"). shardflow's own
 * declarations, so that a user's project needs no `@types/aws-lambda`; structurally compatible with it, so an
 * event or context typed with `@types/aws-lambda` can be passed as it is.
 *
 * @example
 * ```ts
 * import type { KinesisStreamEvent, LambdaContext } from 'shardflow';
 * const response = await handler(event satisfies KinesisStreamEvent, context satisfies LambdaContext);
 * ```
 * @packageDocumentation
 */

/** `Records[].kinesis` of a Lambda Kinesis event. `data` is base64; `approximateArrivalTimestamp` is float seconds. */
export interface KinesisStreamRecordPayload {
  approximateArrivalTimestamp: number;
  data: string;
  kinesisSchemaVersion: string;
  partitionKey: string;
  sequenceNumber: string;
}

/** One record of a Lambda Kinesis event (`eventSource: 'aws:kinesis'`, `eventID: '<shardId>:<sequenceNumber>'`). */
export interface KinesisStreamRecord {
  awsRegion: string;
  eventID: string;
  eventName: string;
  eventSource: string;
  eventSourceARN: string;
  eventVersion: string;
  invokeIdentityArn: string;
  kinesis: KinesisStreamRecordPayload;
}

/** The event Lambda's Kinesis event source mapping invokes a function with. */
export interface KinesisStreamEvent {
  Records: KinesisStreamRecord[];
}

/** The value types of a DynamoDB `AttributeValue`, by type key. */
interface AttributeValueTypes {
  B: string;
  BOOL: boolean;
  BS: string[];
  L: AttributeValue[];
  M: { [name: string]: AttributeValue };
  N: string;
  NS: string[];
  NULL: boolean;
  S: string;
  SS: string[];
}

/** A DynamoDB attribute value as a Lambda event carries it: exactly one type key (`{ S: 'x' }`, `{ N: '1' }`, …). */
export type AttributeValue = {
  [K in keyof AttributeValueTypes]: { [P in K]: AttributeValueTypes[P] } & {
    [P in Exclude<keyof AttributeValueTypes, K>]?: never;
  };
}[keyof AttributeValueTypes];

/** `Records[].dynamodb` of a Lambda DynamoDB Streams event. `ApproximateCreationDateTime` is epoch seconds. */
export interface DynamoDBStreamChange {
  ApproximateCreationDateTime?: number | undefined;
  Keys?: { [name: string]: AttributeValue } | undefined;
  NewImage?: { [name: string]: AttributeValue } | undefined;
  OldImage?: { [name: string]: AttributeValue } | undefined;
  SequenceNumber?: string | undefined;
  SizeBytes?: number | undefined;
  StreamViewType?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | undefined;
}

/**
 * One record of a Lambda DynamoDB Streams event (`eventSource: 'aws:dynamodb'`). A TTL delete carries
 * `userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }`.
 */
export interface DynamoDBStreamRecord {
  awsRegion?: string | undefined;
  dynamodb?: DynamoDBStreamChange | undefined;
  eventID?: string | undefined;
  eventName?: 'INSERT' | 'MODIFY' | 'REMOVE' | undefined;
  eventSource?: string | undefined;
  eventSourceARN?: string | undefined;
  eventVersion?: string | undefined;
  // biome-ignore lint/suspicious/noExplicitAny: AWS documents no shape beyond TTL deletes' `{ type, principalId }`.
  userIdentity?: any;
}

/** The event Lambda's DynamoDB Streams event source mapping invokes a function with. */
export interface DynamoDBStreamEvent {
  Records: DynamoDBStreamRecord[];
}

/**
 * The window fields Lambda adds to a stream event when the mapping has `TumblingWindowInSeconds`. `state` is
 * what the previous invocation of the window returned (`null` or absent on a window's first invocation).
 */
export interface TumblingWindowFields {
  window?: { start: string; end: string };
  // biome-ignore lint/suspicious/noExplicitAny: the state is whatever the previous invocation returned.
  state?: { [key: string]: any } | null;
  shardId?: string;
  eventSourceARN?: string;
  isFinalInvokeForWindow?: boolean;
  isWindowTerminatedEarly?: boolean;
}

/** A stream event as shardflow's handler accepts it: Kinesis or DynamoDB Streams, with window fields if any. */
export type StreamEvent = (KinesisStreamEvent | DynamoDBStreamEvent) & TumblingWindowFields;

/**
 * What shardflow reads from the Lambda context object: its request id, function identity and the time left.
 * The runtime's context (and `@types/aws-lambda`'s `Context`) has more; any object with these fields will do.
 */
export interface LambdaContext {
  awsRequestId: string;
  functionName: string;
  functionVersion?: string;
  invokedFunctionArn: string;
  memoryLimitInMB?: string;
  getRemainingTimeInMillis(): number;
}

/** One entry of the `batchItemFailures` list Lambda reads when `ReportBatchItemFailures` is on. */
export interface BatchItemFailure {
  itemIdentifier: string;
}

/**
 * What a stream handler returns: the partial batch response (`batchItemFailures`, the sequence numbers Lambda
 * retries from) and, for tumbling-window events, the `state` Lambda hands to the window's next invocation.
 * Assignable to `@types/aws-lambda`'s `KinesisStreamBatchResponse` and `DynamoDBBatchResponse`.
 */
export interface StreamBatchResponse {
  batchItemFailures: BatchItemFailure[];
  state?: { [key: string]: unknown };
}
