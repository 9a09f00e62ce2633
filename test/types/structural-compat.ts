/**
 * Type-level test (compiled by `npm run typecheck`, never run): the structural types shardflow's public
 * declarations use instead of Node, pino and AWS SDK types (so that a project needs none of their
 * declarations to use `shardflow`) accept the real things.
 *
 * @example
 * ```sh
 * npm run typecheck
 * ```
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger as PinoLogger } from 'pino';
import type {
  AbortSignalLike,
  AwsSdkClient,
  DeadlineSignal,
  HandlerOptions,
  KinesisRecord,
  Logger,
  ProcessorContext,
} from 'shardflow';
import { expectTypeOf } from 'vitest';

// SDK v3 clients are AwsSdkClients, and fit the handler's `clients` option.
expectTypeOf<DynamoDBClient>().toExtend<AwsSdkClient>();
expectTypeOf<KinesisClient>().toExtend<AwsSdkClient>();
expectTypeOf<S3Client>().toExtend<AwsSdkClient>();
expectTypeOf<SQSClient>().toExtend<AwsSdkClient>();
expectTypeOf<{ dynamodb: DynamoDBClient; s3: S3Client; sqs: SQSClient; kinesis: KinesisClient }>().toExtend<
  NonNullable<HandlerOptions['clients']>
>();

// A pino logger is a shardflow Logger (HandlerOptions.logger, ctx.logger).
expectTypeOf<PinoLogger>().toExtend<Logger>();
expectTypeOf<PinoLogger>().toExtend<NonNullable<HandlerOptions['logger']>>();

// ctx.signal: an AbortSignal wherever the project declares one (here @types/node), else a DeadlineSignal.
expectTypeOf<AbortSignal>().toExtend<DeadlineSignal>();
expectTypeOf<AbortSignalLike>().toEqualTypeOf<AbortSignal>();
expectTypeOf<ProcessorContext<unknown>['signal']>().toEqualTypeOf<AbortSignal>();

// Decoded Kinesis bytes are typed Uint8Array; a Buffer is one.
expectTypeOf<Buffer>().toExtend<KinesisRecord['data']>();
