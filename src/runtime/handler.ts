import { defaultClients } from './aws/lazy-sdk.js';
import { UnknownSettingError } from './config/errors.js';
import { closestName } from './config/schema/check.js';
import { METRICS_FIELDS } from './config/settings/config.js';
import type { ShardflowConfig } from './config/types.js';
import { createLogger, type Logger } from './observability/logger.js';
import { type BatchMetrics, createMetrics } from './observability/metrics.js';
import { BatchEngine, type BatchResult } from './processing/batch-engine.js';
import type { IdempotencyStore } from './processing/idempotency/idempotency-store.js';
import { LazyIdempotencyStore } from './processing/idempotency/lazy-store.js';
import type { QuarantineClients } from './processing/quarantine/index.js';
import { createQuarantineSink, type QuarantineSink } from './processing/quarantine/index.js';
import type { LambdaContext, StreamBatchResponse } from './records/lambda-events.js';

/** Collaborators a caller may inject (tests, the local ESM); defaults are built from the config. */
export interface HandlerOptions {
  readonly logger?: Logger;
  readonly quarantine?: QuarantineSink;
  readonly idempotency?: IdempotencyStore;
  readonly metrics?: BatchMetrics | false;
  /** SDK clients for the default quarantine sink and idempotency store (e.g. pointed at emulators). */
  readonly clients?: QuarantineClients;
}

/**
 * A Lambda handler for one stream, with access to the engine's detailed results.
 *
 * `event` is a {@link StreamEvent} (Kinesis or DynamoDB Streams, tumbling-window fields included). It is typed
 * `unknown` because the handler validates it: an event of another kind throws `UnsupportedEventError`, a
 * malformed record is quarantined or reported by its identity. `context` is the Lambda context (or any
 * {@link LambdaContext}-shaped object; tests may pass only some fields). Both `@types/aws-lambda`'s
 * `KinesisStreamHandler`/`DynamoDBStreamHandler` and a plain `(event, context) => Promise<unknown>` accept it.
 *
 * @example
 * ```ts
 * import { createHandler, type StreamEvent, type LambdaContext } from 'shardflow';
 * const handler = createHandler(config, 'orders');
 * const { batchItemFailures } = await handler(event satisfies StreamEvent, context satisfies LambdaContext);
 * ```
 */
export interface StreamHandler {
  (event: unknown, context?: Partial<LambdaContext>): Promise<StreamBatchResponse>;
  /** Like the handler, but also returns per-record outcomes and counts (local ESM, tests, benchmarks). */
  run(event: unknown, context?: Partial<LambdaContext>): Promise<BatchResult>;
}

const IN_LAMBDA = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

/**
 * Builds the Lambda handler of one stream of the config. Call it at module scope: clients, the
 * router and compiled schemas are created once per execution environment and reused.
 *
 * The handler returns `{ batchItemFailures }` (plus `state` for tumbling windows) and throws only
 * when the whole batch must fail (a record that cannot be attributed, a window's `onClose` failing).
 *
 * @example
 * ```ts
 * // src/functions/orders.ts
 * import { createHandler } from 'shardflow';
 * import config from '../../../shardflow.config.js';
 *
 * export const handler = createHandler(config, 'orders');
 * ```
 */
export function createHandler(
  config: ShardflowConfig,
  streamName: string,
  options: HandlerOptions = {},
): StreamHandler {
  const stream = Object.hasOwn(config.streams, streamName) ? config.streams[streamName] : undefined;
  if (stream === undefined) {
    const known = Object.keys(config.streams);
    const near = closestName(streamName, known);
    throw new UnknownSettingError(
      `streams.${streamName}`,
      `no such stream (known: ${known.join(', ')})`,
      near === undefined ? [] : [near],
    );
  }
  const logger =
    options.logger ??
    createLogger({ level: config.logging?.level, redact: config.logging?.redact ? [...config.logging.redact] : [] });
  const quarantine = options.quarantine ?? defaultQuarantine(config, streamName, options, logger);
  const idempotencyTable = stream.idempotency;
  const idempotency =
    options.idempotency ??
    (idempotencyTable
      ? new LazyIdempotencyStore(async () => {
          // Loaded with its first batch, like its client: a stream without idempotency never parses it.
          const { DynamoDBIdempotencyStore } = await import('./processing/idempotency/dynamodb-store.js');
          return new DynamoDBIdempotencyStore({
            client: options.clients?.dynamodb ?? (await defaultClients.dynamodb()),
            tableName: idempotencyTable.table,
            ttlSeconds: idempotencyTable.ttlSeconds,
          });
        })
      : undefined);
  const metrics =
    options.metrics === false || config.metrics?.enabled === false
      ? undefined
      : (options.metrics ??
        createMetrics({
          namespace: config.metrics?.namespace ?? METRICS_FIELDS.namespace.default,
          service: config.service,
          stream: streamName,
          enabled: config.metrics?.enabled ?? IN_LAMBDA,
        }));
  const engine = new BatchEngine({
    service: config.service,
    streamName,
    stream,
    processorsByName: config.processorsByName,
    logger,
    quarantine,
    idempotency,
    metrics,
    quarantineRedactPaths: stream.keepRedactedInQuarantine ? [] : (config.logging?.redact ?? []),
    redactPaths: config.logging?.redact ?? [],
  });
  const run = (event: unknown, context?: Partial<LambdaContext>) => engine.run(event, context);
  const handler = (async (event: unknown, context?: Partial<LambdaContext>) =>
    (await run(event, context)).response) as StreamHandler;
  handler.run = run;
  return handler;
}

function defaultQuarantine(
  config: ShardflowConfig,
  streamName: string,
  options: HandlerOptions,
  logger: Logger,
): QuarantineSink | undefined {
  const spec = config.streams[streamName]!.quarantine;
  if (spec !== undefined) return createQuarantineSink(spec, options.clients);
  // The same fate everywhere: no implicit local sink (a local one is opt-in, e.g. `shardflow dev --local-quarantine`).
  logger.warn(
    { stream: streamName },
    'no quarantine sink configured: permanent failures will be reported for retry and end in the on-failure destination',
  );
  return undefined;
}
