import { z } from 'zod';
import { defineConfig } from '../../../src/runtime/config/define-config.js';
import { defineProcessor } from '../../../src/runtime/config/processor.js';
import type { ShardflowConfigInput } from '../../../src/runtime/config/types.js';
import { createHandler } from '../../../src/runtime/handler.js';
import type { ConfigCase } from './corpus-types.js';

/**
 * Configuration mistakes: each must be rejected with a named `ConfigError` subclass whose `path` points
 * at the offending setting, at `defineConfig` (or, for logging settings and stream names, at
 * `createHandler`) — never on the first record.
 */

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

const define = (config: unknown) => () => defineConfig(config as ShardflowConfigInput);

function configCase(name: string, build: () => unknown, expectedError: string, expectedPath: string): ConfigCase {
  return { kind: 'config', name, build, expectedError, expectedFate: 'config-error', expectedPath };
}

/** The config-level corpus. */
export const CONFIG_CASES: readonly ConfigCase[] = [
  configCase(
    'batchSize is a string ("100")',
    define(input({ batchSize: '100' })),
    'ConfigRangeError',
    'streams.clicks.batchSize',
  ),
  configCase('batchSize 0', define(input({ batchSize: 0 })), 'ConfigRangeError', 'streams.clicks.batchSize'),
  configCase('batchSize 10001', define(input({ batchSize: 10_001 })), 'ConfigRangeError', 'streams.clicks.batchSize'),
  configCase('batchSize NaN', define(input({ batchSize: Number.NaN })), 'ConfigRangeError', 'streams.clicks.batchSize'),
  configCase('batchSize 1.5', define(input({ batchSize: 1.5 })), 'ConfigRangeError', 'streams.clicks.batchSize'),
  configCase(
    'startingPosition "EARLIEST" (a Kafka term)',
    define(input({ startingPosition: 'EARLIEST' })),
    'ConfigError',
    'streams.clicks.startingPosition',
  ),
  configCase(
    'startingPosition missing',
    define(input({ startingPosition: undefined })),
    'MissingSettingError',
    'streams.clicks.startingPosition',
  ),
  configCase(
    'AT_TIMESTAMP on a DynamoDB stream',
    define(input({ source: { type: 'dynamodb', table: 'orders' }, startingPosition: 'AT_TIMESTAMP' })),
    'UnsupportedSettingError',
    'streams.clicks.startingPosition',
  ),
  configCase(
    'maxRecordAgeSeconds negative (-5)',
    define(input({ maxRecordAgeSeconds: -5 })),
    'ConfigRangeError',
    'streams.clicks.maxRecordAgeSeconds',
  ),
  configCase(
    'maxRecordAgeSeconds below AWS’s minimum (59)',
    define(input({ maxRecordAgeSeconds: 59 })),
    'ConfigRangeError',
    'streams.clicks.maxRecordAgeSeconds',
  ),
  configCase(
    'parallelizationFactor 11',
    define(input({ parallelizationFactor: 11 })),
    'ConfigRangeError',
    'streams.clicks.parallelizationFactor',
  ),
  configCase(
    'maxRecordBytes 0',
    define(input({ maxRecordBytes: 0 })),
    'ConfigRangeError',
    'streams.clicks.maxRecordBytes',
  ),
  configCase(
    'filterPatterns with 6 patterns (AWS allows 5)',
    define(input({ filterPatterns: Array.from({ length: 6 }, (_, i) => ({ data: { n: [i] } })) })),
    'ConfigRangeError',
    'streams.clicks.filterPatterns',
  ),
  configCase(
    'unknown processor name in a route',
    define(input({ routes: [{ processor: 'click' }] })),
    'UnknownProcessorError',
    'streams.clicks.routes[0].processor',
  ),
  configCase(
    'route without a processor',
    define(input({ routes: [{ match: { source: 'kinesis' } }] })),
    'ConfigError',
    'streams.clicks.routes[0].processor',
  ),
  configCase('routes empty', define(input({ routes: [] })), 'MissingSettingError', 'streams.clicks.routes'),
  configCase(
    'route match with an unknown field',
    define(input({ routes: [{ match: { partitionKey: 'a' }, processor: 'clicks' }] })),
    'InvalidRouteMatchError',
    'streams.clicks.routes[0].match.partitionKey',
  ),
  configCase(
    'route payload pattern whose leaf is not an array',
    define(input({ routes: [{ match: { payload: { userId: 'u-1' } }, processor: 'clicks' }] })),
    'InvalidPatternError',
    'streams.clicks.routes[0].match.payload.userId',
  ),
  configCase(
    "unmatched policy 'drop'",
    define(input({ unmatched: 'drop' })),
    'ConfigError',
    'streams.clicks.unmatched',
  ),
  configCase("ordering 'random'", define(input({ ordering: 'random' })), 'ConfigError', 'streams.clicks.ordering'),
  configCase(
    "source type 'sqs'",
    define(input({ source: { type: 'sqs', queue: 'q' } })),
    'ConfigError',
    'streams.clicks.source.type',
  ),
  configCase(
    'idempotent processor without an idempotency table',
    define(
      input({
        routes: [
          { processor: defineProcessor({ name: 'once', schema: z.unknown(), idempotency: true, process() {} }) },
        ],
      }),
    ),
    'MissingSettingError',
    'streams.clicks.idempotency',
  ),
  configCase(
    'stream named "__proto__" (from JSON)',
    define({
      service: 'bad-config',
      streams: JSON.parse(
        '{"__proto__":{"source":{"type":"kinesis","stream":"s"},"startingPosition":"LATEST","routes":[]}}',
      ),
    }),
    'ConfigError',
    'streams.__proto__',
  ),
  configCase(
    'processor name with "$" (reserved for the quarantine namespace)',
    define(
      input({ routes: [{ processor: defineProcessor({ name: '$quarantine', schema: z.unknown(), process() {} }) }] }),
    ),
    'ConfigError',
    'streams.clicks.routes[0].processor.name',
  ),
  configCase(
    'two different processors with one name',
    define(
      input({
        routes: [{ processor: defineProcessor({ name: 'clicks', schema: z.unknown(), process() {} }) }],
      }),
    ),
    'DuplicateNameError',
    'streams.clicks.routes[0].processor',
  ),
  configCase('service name with spaces', define(input({}, { service: 'my service' })), 'ConfigError', 'service'),
  configCase('config is null', define(null), 'ConfigError', 'config'),
  configCase(
    'log level "verbose" (rejected at createHandler)',
    () => createHandler(defineConfig(input({}, { logging: { level: 'verbose' } })), 'clicks', { metrics: false }),
    'ConfigError',
    'logging.level',
  ),
  configCase(
    'invalid redaction path "card[" (rejected at createHandler)',
    () => createHandler(defineConfig(input({}, { logging: { redact: ['card['] } })), 'clicks', { metrics: false }),
    'ConfigError',
    'logging.redact',
  ),
  configCase(
    'createHandler for a stream the config does not define',
    () => createHandler(defineConfig(input()), 'click', { metrics: false }),
    'ConfigError',
    'streams.click',
  ),
];
