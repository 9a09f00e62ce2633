/**
 * shardflow — typed, stream-correct processing of Kinesis and DynamoDB Streams records in AWS Lambda.
 *
 * @example
 * ```ts
 * import { createHandler, defineConfig, defineProcessor, PermanentError } from 'shardflow';
 * // Local tooling lives in 'shardflow/local' and 'shardflow/testing'; deploy tooling in 'shardflow/deploy'.
 * ```
 * @packageDocumentation
 */
export type { AwsSdkClient } from './aws/sdk-client.js';
export { defineConfig } from './config/define-config.js';
export {
  ConfigRangeError,
  DuplicateNameError,
  MissingSettingError,
  UnsupportedSettingError,
} from './config/errors.js';
export type {
  AnyProcessor,
  BatchCommitInfo,
  BatchOptions,
  IdempotencyOptions,
  Processor,
  ProcessorContext,
  ProcessorSpec,
  WindowContext,
  WindowOptions,
} from './config/processor.js';
export { defineProcessor } from './config/processor.js';
export type {
  DynamoDBSourceConfig,
  EngineSettings,
  EsmMetric,
  EventSourceMappingSettings,
  KinesisSourceConfig,
  OnFailureDestinationConfig,
  OrderingMode,
  RouteConfig,
  ShardflowConfig,
  ShardflowConfigInput,
  StartingPosition,
  StreamConfig,
  UnmatchedPolicy,
} from './config/types.js';
export { ESM_LIMITS, validateConfig } from './config/validate-config.js';
export {
  ConfigError,
  PermanentError,
  ShardflowError,
  TransientError,
  UnattributableFailureError,
  UnknownProcessorError,
  UnsupportedEventError,
} from './errors.js';
export { createHandler, type HandlerOptions, type StreamHandler } from './handler.js';
export {
  type CreateLoggerOptions,
  createLogger,
  type LogDestination,
  type LogFn,
  type Logger,
} from './observability/logger.js';
export type { BatchResult, InvocationContext, RecordOutcome } from './processing/batch-engine.js';
export { BatchEngine } from './processing/batch-engine.js';
export { checkpointFailures } from './processing/checkpoint.js';
export type { AbortSignalLike, DeadlineSignal } from './processing/deadline-signal.js';
export {
  BatchCommitError,
  DeadlineReachedError,
  IdempotencyInProgressError,
  NonErrorThrownError,
  SchemaValidationError,
  UnmatchedRecordError,
  UnroutableRecordError,
  WindowCloseError,
} from './processing/errors.js';
export { Fate, type FateCounts, RETRY_FATES } from './processing/fates.js';
export * from './processing/idempotency/index.js';
export * from './processing/quarantine/index.js';
export * from './records/index.js';
export type {
  AttributeValue,
  BatchItemFailure,
  DynamoDBStreamChange,
  DynamoDBStreamEvent,
  DynamoDBStreamRecord,
  KinesisStreamEvent,
  KinesisStreamRecord,
  KinesisStreamRecordPayload,
  LambdaContext,
  StreamBatchResponse,
  StreamEvent,
  TumblingWindowFields,
} from './records/lambda-events.js';
export type {
  DecodedEntry,
  DynamoDBRecord,
  KinesisRecord,
  PayloadFormat,
  StreamRecord,
  UndecodableRecord,
} from './records/stream-record.js';
export {
  createRedactor,
  type DroppedData,
  parseRedactionPath,
  REDACTED,
  type RedactedData,
  type RedactedLambdaRecord,
  type Redactor,
} from './redaction/index.js';
export type { EventPattern, RouteMatch } from './routing/index.js';
export { configForStage } from './stages/config-for-stage.js';
