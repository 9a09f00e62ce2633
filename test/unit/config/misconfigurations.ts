import { z } from 'zod';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import type { ShardflowConfigInput } from '../../../src/runtime/config/types.js';
import { createHandler } from '../../../src/runtime/handler.js';

/**
 * Configuration mistakes, one per row: what is written → the named `ConfigError` subclass → the `path` of
 * the offending setting. Every row is rejected where it is written (`defineConfig`, `defineProcessor`, or
 * `createHandler` for the stream it is asked for) — never on the first record. The bad-input corpus
 * (`test/unit/bad-input`) counts these rows as its configuration inputs.
 */
export interface Misconfiguration {
  readonly name: string;
  /** Defines the config (or processor, or handler). Must throw. */
  readonly build: () => unknown;
  /** `name` of the error class. */
  readonly error: string;
  readonly path: string;
}

const clicks = defineProcessor({
  name: 'clicks',
  schema: z.object({ userId: z.string() }),
  process() {},
});

/** A valid config input, with `stream` settings layered over a valid Kinesis stream `clicks`. */
function input(stream: Record<string, unknown> = {}, top: Record<string, unknown> = {}): ShardflowConfigInput {
  return {
    service: 'bad-config',
    processors: [clicks],
    streams: {
      clicks: {
        source: { type: 'kinesis', stream: 'clicks' },
        startingPosition: 'TRIM_HORIZON',
        routes: [{ processor: 'clicks' }],
        ...stream,
      },
    },
    ...top,
  } as ShardflowConfigInput;
}

/** A DynamoDB stream `orders` (routes to `clicks`, whose schema does not matter here). */
const dynamodb = { source: { type: 'dynamodb', table: 'orders' }, startingPosition: 'LATEST' };

const define =
  (stream: Record<string, unknown> = {}, top: Record<string, unknown> = {}) =>
  () =>
    defineConfig(input(stream, top));

const processor = (spec: Record<string, unknown>) => () =>
  defineProcessor({ name: 'p', schema: z.object({}), process() {}, ...spec } as never);

const row = (name: string, build: () => unknown, error: string, path: string): Misconfiguration => ({
  name,
  build,
  error,
  path,
});

/** The table. */
export const MISCONFIGURATIONS: readonly Misconfiguration[] = [
  // Unknown keys, with "did you mean".
  row(
    'a typo in a setting name (maxRetires)',
    define({ maxRetires: 5 }),
    'UnknownSettingError',
    'streams.clicks.maxRetires',
  ),
  row(
    "AWS's name for batchSize (BatchSize)",
    define({ BatchSize: 100 }),
    'UnknownSettingError',
    'streams.clicks.BatchSize',
  ),
  row(
    "AWS's name for maxRetries (MaximumRetryAttempts)",
    define({ MaximumRetryAttempts: 3 }),
    'UnknownSettingError',
    'streams.clicks.MaximumRetryAttempts',
  ),
  row('top-level stage: instead of stages:', define({}, { stage: { prod: {} } }), 'UnknownSettingError', 'stage'),
  row(
    'top-level redact: instead of logging.redact',
    define({}, { redact: ['email'] }),
    'UnknownSettingError',
    'redact',
  ),
  row(
    'logging.redacted (typo)',
    define({}, { logging: { redacted: ['email'] } }),
    'UnknownSettingError',
    'logging.redacted',
  ),
  row(
    'quarantine options beside quarantine (bucket)',
    define({ bucket: 'q' }),
    'UnknownSettingError',
    'streams.clicks.bucket',
  ),
  row(
    "an SQS quarantine sink with onFailure's key (queue)",
    define({ quarantine: { type: 'sqs', queue: 'q' } }),
    'UnknownSettingError',
    'streams.clicks.quarantine.queue',
  ),
  row(
    "an SQS on-failure destination with the quarantine's key (queueUrl)",
    define({ onFailure: { type: 'sqs', queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' } }),
    'UnknownSettingError',
    'streams.clicks.onFailure.queueUrl',
  ),
  row(
    'the idempotency store named by tableName',
    define({ idempotency: { tableName: 'idem' } }),
    'UnknownSettingError',
    'streams.clicks.idempotency.tableName',
  ),
  row(
    'a DynamoDB setting on a Kinesis source (table)',
    define({ source: { type: 'kinesis', stream: 'clicks', table: 'orders' } }),
    'UnknownSettingError',
    'streams.clicks.source.table',
  ),
  row(
    'eventName on the route instead of in match',
    define({ routes: [{ eventName: 'INSERT', processor: 'clicks' }] }),
    'UnknownSettingError',
    'streams.clicks.routes[0].eventName',
  ),
  row(
    'a typo in a processor key (proccess)',
    processor({ proccess() {} }),
    'UnknownSettingError',
    'processors.p.proccess',
  ),
  row(
    'the idempotency table on the processor',
    processor({ idempotency: { table: 'idem' } }),
    'UnknownSettingError',
    'processors.p.idempotency.table',
  ),
  row(
    'stage overrides of a stream the config does not have',
    define({}, { stages: { dev: { streams: { clickz: { batchSize: 10 } } } } }),
    'UnknownSettingError',
    'stages.dev.streams.clickz',
  ),
  row(
    'createHandler for a stream the config does not define',
    () => createHandler(defineConfig(input()), 'click', { metrics: false }),
    'UnknownSettingError',
    'streams.click',
  ),

  // Wrong types.
  row(
    'batchSize is a string ("100")',
    define({ batchSize: '100' }),
    'InvalidSettingTypeError',
    'streams.clicks.batchSize',
  ),
  row(
    'a string where a boolean belongs',
    define({ bisectOnError: 'false' }),
    'InvalidSettingTypeError',
    'streams.clicks.bisectOnError',
  ),
  row('memorySize is a string', define({ memorySize: '1024' }), 'InvalidSettingTypeError', 'streams.clicks.memorySize'),
  row(
    'filterPatterns given as one object',
    define({ filterPatterns: { data: { type: ['click'] } } }),
    'InvalidSettingTypeError',
    'streams.clicks.filterPatterns',
  ),
  row(
    'a list whose prototype was replaced (`__proto__` written into it)',
    define({}, { logging: { redact: Object.setPrototypeOf(['email'], {}) } }),
    'InvalidSettingTypeError',
    'logging.redact',
  ),
  row(
    'logging.redact given as a string',
    define({}, { logging: { redact: 'email' } }),
    'InvalidSettingTypeError',
    'logging.redact',
  ),
  row(
    'an environment value that is not a string',
    define({ environment: { RETRIES: 3 } }),
    'InvalidSettingTypeError',
    'streams.clicks.environment.RETRIES',
  ),
  row(
    'metrics.enabled is "yes"',
    define({}, { metrics: { enabled: 'yes' } }),
    'InvalidSettingTypeError',
    'metrics.enabled',
  ),
  row(
    'a route processor that is a number',
    define({ routes: [{ processor: 7 }] }),
    'InvalidSettingTypeError',
    'streams.clicks.routes[0].processor',
  ),
  row(
    'a processor schema that is not zod',
    processor({ schema: { parse() {} } }),
    'InvalidSettingTypeError',
    'processors.p.schema',
  ),
  row('config is null', () => defineConfig(null as never), 'InvalidSettingTypeError', 'config'),
  row(
    'a processors entry not made by defineProcessor',
    define({}, { processors: [{ name: 'clicks', process() {} }] }),
    'InvalidProcessorError',
    'processors[0]',
  ),

  // Values outside a fixed set.
  row(
    'processor format in the wrong case (JSON)',
    processor({ format: 'JSON' }),
    'InvalidSettingValueError',
    'processors.p.format',
  ),
  row(
    'startingPosition "EARLIEST" (a Kafka term)',
    define({ startingPosition: 'EARLIEST' }),
    'InvalidSettingValueError',
    'streams.clicks.startingPosition',
  ),
  row(
    'startingPosition in lower case',
    define({ startingPosition: 'latest' }),
    'InvalidSettingValueError',
    'streams.clicks.startingPosition',
  ),
  row("unmatched policy 'drop'", define({ unmatched: 'drop' }), 'InvalidSettingValueError', 'streams.clicks.unmatched'),
  row("ordering 'random'", define({ ordering: 'random' }), 'InvalidSettingValueError', 'streams.clicks.ordering'),
  row(
    "source type 'sqs'",
    define({ source: { type: 'sqs', queue: 'q' } }),
    'InvalidSettingValueError',
    'streams.clicks.source.type',
  ),
  row(
    'an ESM metric AWS does not have',
    define({ metrics: ['Invocations'] }),
    'InvalidSettingValueError',
    'streams.clicks.metrics[0]',
  ),
  row(
    'log level "verbose"',
    define({}, { logging: { level: 'verbose' } }),
    'InvalidSettingValueError',
    'logging.level',
  ),
  row(
    'an invalid redaction path "card["',
    define({}, { logging: { redact: ['card['] } }),
    'InvalidSettingValueError',
    'logging.redact[0]',
  ),
  row(
    'a runtime that is not a Lambda Node.js runtime',
    define({}, { runtime: 'node24' }),
    'InvalidSettingValueError',
    'runtime',
  ),
  row(
    'an environment variable Lambda reserves',
    define({ environment: { AWS_REGION: 'eu-west-1' } }),
    'InvalidSettingValueError',
    'streams.clicks.environment.AWS_REGION',
  ),
  row(
    'a Kinesis source ARN that is not one',
    define({ source: { type: 'kinesis', stream: 'clicks', arn: 'arn:aws:sqs:us-east-1:123456789012:clicks' } }),
    'InvalidSettingValueError',
    'streams.clicks.source.arn',
  ),
  row(
    'an alarm action that is not an SNS topic ARN',
    define({}, { stages: { prod: { alarms: { actions: ['oncall'] } } } }),
    'InvalidSettingValueError',
    'stages.prod.alarms.actions[0]',
  ),
  row(
    'a resource granted to a stream the config does not have',
    define({}, { resources: { lake: { type: 's3', bucket: 'lake', access: 'write', streams: ['click'] } } }),
    'InvalidSettingValueError',
    'resources.lake.streams[0]',
  ),
  row(
    'processor name with "$" (reserved for the quarantine namespace)',
    () => defineProcessor({ name: '$quarantine', schema: z.unknown(), process() {} }),
    'InvalidSettingValueError',
    'processors.$quarantine.name',
  ),
  row(
    'AT_TIMESTAMP with a timestamp that is not a date',
    define({ startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: 'yesterday' }),
    'InvalidSettingValueError',
    'streams.clicks.startingPositionTimestamp',
  ),
  row(
    'AT_TIMESTAMP with epoch milliseconds',
    define({ startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: 1_714_521_600_000 }),
    'InvalidSettingValueError',
    'streams.clicks.startingPositionTimestamp',
  ),

  // Names.
  row('service name with spaces', define({}, { service: 'my service' }), 'InvalidResourceNameError', 'service'),
  row(
    'stream named "__proto__" (from JSON)',
    () =>
      defineConfig({
        service: 'bad-config',
        streams: JSON.parse(
          '{"__proto__":{"source":{"type":"kinesis","stream":"s"},"startingPosition":"LATEST","routes":[]}}',
        ),
      }),
    'InvalidResourceNameError',
    'streams.__proto__',
  ),
  row('stage name with capitals', define({}, { stages: { Prod: {} } }), 'InvalidResourceNameError', 'stages.Prod'),

  // Ranges.
  row('batchSize 0', define({ batchSize: 0 }), 'ConfigRangeError', 'streams.clicks.batchSize'),
  row('batchSize 10001', define({ batchSize: 10_001 }), 'ConfigRangeError', 'streams.clicks.batchSize'),
  row('batchSize NaN', define({ batchSize: Number.NaN }), 'ConfigRangeError', 'streams.clicks.batchSize'),
  row('batchSize 1.5', define({ batchSize: 1.5 }), 'ConfigRangeError', 'streams.clicks.batchSize'),
  row(
    'maxRecordAgeSeconds negative (-5)',
    define({ maxRecordAgeSeconds: -5 }),
    'ConfigRangeError',
    'streams.clicks.maxRecordAgeSeconds',
  ),
  row(
    'maxRecordAgeSeconds below AWS’s minimum (59)',
    define({ maxRecordAgeSeconds: 59 }),
    'ConfigRangeError',
    'streams.clicks.maxRecordAgeSeconds',
  ),
  row(
    'parallelizationFactor 11',
    define({ parallelizationFactor: 11 }),
    'ConfigRangeError',
    'streams.clicks.parallelizationFactor',
  ),
  row('maxRecordBytes 0', define({ maxRecordBytes: 0 }), 'ConfigRangeError', 'streams.clicks.maxRecordBytes'),
  row(
    'filterPatterns with 6 patterns (AWS allows 5)',
    define({ filterPatterns: Array.from({ length: 6 }, (_, i) => ({ data: { n: [i] } })) }),
    'ConfigRangeError',
    'streams.clicks.filterPatterns',
  ),
  row(
    'a stage batchSize 0',
    define({}, { stages: { dev: { batchSize: 0 } } }),
    'ConfigRangeError',
    'stages.dev.batchSize',
  ),
  row(
    'a log retention CloudWatch rejects',
    define({}, { stages: { prod: { retentionDays: 10 } } }),
    'ConfigRangeError',
    'stages.prod.retentionDays',
  ),
  row(
    'a deadline margin longer than the function timeout',
    define({ timeoutSeconds: 30, deadlineMarginMs: 60_000 }),
    'ConfigRangeError',
    'streams.clicks.deadlineMarginMs',
  ),
  row(
    'a stage timeout shorter than the deadline margin',
    define({ deadlineMarginMs: 5_000 }, { stages: { prod: { timeoutSeconds: 3 } } }),
    'ConfigRangeError',
    'stages.prod.timeoutSeconds',
  ),

  // Missing settings.
  row(
    'startingPosition missing',
    define({ startingPosition: undefined }),
    'MissingSettingError',
    'streams.clicks.startingPosition',
  ),
  row(
    'a Kinesis source without a stream',
    define({ source: { type: 'kinesis' } }),
    'MissingSettingError',
    'streams.clicks.source.stream',
  ),
  row('routes empty', define({ routes: [] }), 'MissingSettingError', 'streams.clicks.routes'),
  row(
    'route without a processor',
    define({ routes: [{ match: { source: 'kinesis' } }] }),
    'MissingSettingError',
    'streams.clicks.routes[0].processor',
  ),
  row('no streams', () => defineConfig({ service: 'bad-config', streams: {} }), 'MissingSettingError', 'streams'),
  row(
    'AT_TIMESTAMP without a timestamp',
    define({ startingPosition: 'AT_TIMESTAMP' }),
    'MissingSettingError',
    'streams.clicks.startingPositionTimestamp',
  ),
  row(
    'a resource without access',
    define({}, { resources: { lake: { type: 's3', bucket: 'lake' } } }),
    'MissingSettingError',
    'resources.lake.access',
  ),
  row(
    'a window without initial',
    processor({ window: { onClose() {} } }),
    'MissingSettingError',
    'processors.p.window.initial',
  ),
  row(
    'idempotent processor without an idempotency table',
    () =>
      defineConfig(
        input({
          routes: [
            { processor: defineProcessor({ name: 'once', schema: z.unknown(), idempotency: true, process() {} }) },
          ],
        }),
      ),
    'MissingSettingError',
    'streams.clicks.idempotency',
  ),

  // Impossible combinations.
  row(
    'AT_TIMESTAMP on a DynamoDB stream',
    define({ ...dynamodb, startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: '2024-05-01T00:00:00Z' }),
    'UnsupportedSettingError',
    'streams.clicks.startingPosition',
  ),
  row(
    'a starting timestamp without AT_TIMESTAMP',
    define({ startingPositionTimestamp: '2024-05-01T00:00:00Z' }),
    'UnsupportedSettingError',
    'streams.clicks.startingPositionTimestamp',
  ),
  row(
    'a tumbling window with partition-key ordering',
    define({ tumblingWindowSeconds: 60, ordering: 'partitionKey' }),
    'UnsupportedSettingError',
    'streams.clicks.ordering',
  ),
  row(
    'an aggregating processor on a stream without a tumbling window',
    () =>
      defineConfig(
        input({
          routes: [
            {
              processor: defineProcessor({
                name: 'w',
                schema: z.unknown(),
                window: { initial: () => 0 },
                process() {},
              }),
            },
          ],
        }),
      ),
    'UnsupportedSettingError',
    'streams.clicks.routes[0].processor',
  ),

  // Routes that cannot match or never run.
  row(
    'a DynamoDB eventName on a Kinesis stream',
    define({ routes: [{ match: { eventName: 'INSERT' }, processor: 'clicks' }] }),
    'UnreachableRouteError',
    'streams.clicks.routes[0].match.eventName',
  ),
  row(
    'the Kinesis eventName on a DynamoDB stream',
    define({ ...dynamodb, routes: [{ match: { eventName: ['INSERT', 'aws:kinesis:record'] }, processor: 'clicks' }] }),
    'UnreachableRouteError',
    'streams.clicks.routes[0].match.eventName[1]',
  ),
  row(
    'a route for the other kind of source',
    define({ routes: [{ match: { source: 'dynamodb' }, processor: 'clicks' }] }),
    'UnreachableRouteError',
    'streams.clicks.routes[0].match.source',
  ),
  row(
    'a route for a table that is not the stream’s source',
    define({ ...dynamodb, routes: [{ match: { stream: 'customers' }, processor: 'clicks' }] }),
    'UnreachableRouteError',
    'streams.clicks.routes[0].match.stream',
  ),
  row(
    'a catch-all route before another route',
    define({ routes: [{ processor: 'clicks' }, { match: { payload: { type: ['x'] } }, processor: 'clicks' }] }),
    'ShadowedRouteError',
    'streams.clicks.routes[1]',
  ),
  row(
    'a route matching every event name before another',
    define({
      ...dynamodb,
      routes: [
        { match: { eventName: ['INSERT', 'MODIFY', 'REMOVE'] }, processor: 'clicks' },
        { match: { eventName: 'REMOVE' }, processor: 'clicks' },
      ],
    }),
    'ShadowedRouteError',
    'streams.clicks.routes[1]',
  ),
  row(
    'the same match twice',
    define({
      routes: [
        { match: { payload: { type: ['a'] } }, processor: 'clicks' },
        { match: { payload: { type: ['a'] } }, processor: 'clicks' },
      ],
    }),
    'ShadowedRouteError',
    'streams.clicks.routes[1]',
  ),
  row(
    'route match with an unknown field',
    define({ routes: [{ match: { partitionKey: 'a' }, processor: 'clicks' }] }),
    'InvalidRouteMatchError',
    'streams.clicks.routes[0].match.partitionKey',
  ),
  row(
    'route payload pattern whose leaf is not an array',
    define({ routes: [{ match: { payload: { userId: 'u-1' } }, processor: 'clicks' }] }),
    'InvalidPatternError',
    'streams.clicks.routes[0].match.payload.userId',
  ),

  // Processors and duplicates.
  row(
    'unknown processor name in a route',
    define({ routes: [{ processor: 'click' }] }),
    'UnknownProcessorError',
    'streams.clicks.routes[0].processor',
  ),
  row(
    'two different processors with one name',
    () =>
      defineConfig(
        input({ routes: [{ processor: defineProcessor({ name: 'clicks', schema: z.unknown(), process() {} }) }] }),
      ),
    'DuplicateNameError',
    'streams.clicks.routes[0].processor',
  ),
  row(
    'two streams whose names differ only in letter case',
    () =>
      defineConfig({
        ...input(),
        streams: {
          ...input().streams,
          Clicks: { ...input().streams.clicks!, source: { type: 'kinesis', stream: 'other' } },
        },
      }),
    'DuplicateNameError',
    'streams.Clicks',
  ),
];
