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
export { createLogger, type Logger } from './observability/logger.js';
export type { BatchResult, InvocationContext, RecordOutcome, StreamBatchResponse } from './processing/batch-engine.js';
export { BatchEngine } from './processing/batch-engine.js';
export { type BatchItemFailure, checkpointFailures } from './processing/checkpoint.js';
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
  DecodedEntry,
  DynamoDBRecord,
  KinesisRecord,
  PayloadFormat,
  StreamRecord,
  UndecodableRecord,
} from './records/stream-record.js';
export type { EventPattern, RouteMatch } from './routing/index.js';
export { configForStage } from './stages/config-for-stage.js';
