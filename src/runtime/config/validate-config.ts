import {
  ConfigError,
  ConfigRangeError,
  DuplicateNameError,
  MissingSettingError,
  UnknownProcessorError,
  UnsupportedSettingError,
} from './errors.js';
import type { AnyProcessor } from './processor.js';
import type { ShardflowConfigInput, StreamConfig } from './types.js';

/** AWS's documented ranges for stream event source mappings (CreateEventSourceMapping API reference). */
export const ESM_LIMITS = {
  batchSize: { min: 1, max: 10_000 },
  batchWindowSeconds: { min: 0, max: 300 },
  parallelizationFactor: { min: 1, max: 10 },
  maxRetries: { min: -1, max: 10_000 },
  maxRecordAgeSeconds: { min: 60, max: 604_800 },
  tumblingWindowSeconds: { min: 0, max: 900 },
  filterPatterns: { max: 5 },
  memorySize: { min: 128, max: 10_240 },
  timeoutSeconds: { min: 1, max: 900 },
} as const;

/** Concurrent readers AWS allows per source shard (DynamoDB Streams: 2; Kinesis: 5 reads/s shared). */
const MAX_READERS = { dynamodb: 2, kinesis: 5 } as const;

const STARTING_POSITIONS = new Set(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']);
/** The metrics `MetricsConfig.Metrics` accepts. */
export const ESM_METRICS: readonly string[] = ['EventCount'];
/** A Lambda Node.js runtime identifier; which ones AWS still accepts is checked by the deploy (`lambda-runtimes.ts`). */
const NODE_RUNTIME = /^nodejs\d+\.x$/;
/** A valid environment variable name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables Lambda reserves or shardflow sets itself. */
export const RESERVED_ENV = /^(AWS_|LAMBDA_|_HANDLER$|_X_AMZN_TRACE_ID$|TZ$|NODE_OPTIONS$|SHARDFLOW_STAGE$)/;

/**
 * Checks a `runtime` setting: a Lambda Node.js runtime identifier such as `nodejs24.x`.
 *
 * @throws {ConfigError} otherwise
 *
 * @example
 * ```ts
 * checkRuntime('streams.orders.runtime', 'nodejs24.x'); // ok
 * ```
 */
export function checkRuntime(path: string, runtime: unknown): void {
  if (runtime === undefined) return;
  if (typeof runtime !== 'string' || !NODE_RUNTIME.test(runtime)) {
    throw new ConfigError(
      path,
      `must be a Lambda Node.js runtime such as 'nodejs24.x', got ${JSON.stringify(runtime)}`,
    );
  }
}

function checkEnvironment(path: string, environment: unknown): void {
  if (environment === undefined) return;
  if (environment === null || typeof environment !== 'object' || Array.isArray(environment)) {
    throw new ConfigError(path, 'must be an object of variable name → string value');
  }
  for (const [name, value] of Object.entries(environment)) {
    if (!ENV_NAME.test(name) || RESERVED_ENV.test(name)) {
      throw new ConfigError(`${path}.${name}`, 'is not a variable name Lambda leaves to the function');
    }
    if (typeof value !== 'string') throw new ConfigError(`${path}.${name}`, 'must be a string');
  }
}
const ORDERINGS = new Set(['partitionKey', 'shard', 'none']);
const UNMATCHED = new Set(['skip', 'quarantine', 'fail']);

function checkInteger(path: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigRangeError(path, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function checkStream(path: string, stream: StreamConfig): void {
  if (stream === null || typeof stream !== 'object') throw new ConfigError(path, 'must be an object');
  const source = stream.source;
  if (!source || (source.type !== 'kinesis' && source.type !== 'dynamodb')) {
    throw new ConfigError(`${path}.source.type`, `must be 'kinesis' or 'dynamodb'`);
  }
  if (source.type === 'kinesis' && (typeof source.stream !== 'string' || source.stream === '')) {
    throw new MissingSettingError(`${path}.source.stream`, 'a Kinesis source needs a stream name');
  }
  if (source.type === 'dynamodb' && (typeof source.table !== 'string' || source.table === '')) {
    throw new MissingSettingError(`${path}.source.table`, 'a DynamoDB source needs a table name');
  }
  if (source.type === 'kinesis') checkInteger(`${path}.source.shards`, source.shards, 1, 500);

  if (stream.startingPosition === undefined) {
    throw new MissingSettingError(
      `${path}.startingPosition`,
      'is required for stream sources (TRIM_HORIZON | LATEST | AT_TIMESTAMP)',
    );
  }
  if (!STARTING_POSITIONS.has(stream.startingPosition)) {
    throw new ConfigError(`${path}.startingPosition`, `must be TRIM_HORIZON, LATEST or AT_TIMESTAMP`);
  }
  if (stream.startingPosition === 'AT_TIMESTAMP') {
    if (source.type === 'dynamodb') {
      throw new UnsupportedSettingError(`${path}.startingPosition`, 'AT_TIMESTAMP is supported for Kinesis only');
    }
    if (stream.startingPositionTimestamp === undefined) {
      throw new MissingSettingError(`${path}.startingPositionTimestamp`, 'is required with AT_TIMESTAMP');
    }
  }

  checkInteger(`${path}.batchSize`, stream.batchSize, ESM_LIMITS.batchSize.min, ESM_LIMITS.batchSize.max);
  checkInteger(
    `${path}.batchWindowSeconds`,
    stream.batchWindowSeconds,
    ESM_LIMITS.batchWindowSeconds.min,
    ESM_LIMITS.batchWindowSeconds.max,
  );
  checkInteger(
    `${path}.parallelizationFactor`,
    stream.parallelizationFactor,
    ESM_LIMITS.parallelizationFactor.min,
    ESM_LIMITS.parallelizationFactor.max,
  );
  checkInteger(`${path}.maxRetries`, stream.maxRetries, ESM_LIMITS.maxRetries.min, ESM_LIMITS.maxRetries.max);
  if (stream.maxRecordAgeSeconds !== undefined && stream.maxRecordAgeSeconds !== -1) {
    checkInteger(
      `${path}.maxRecordAgeSeconds`,
      stream.maxRecordAgeSeconds,
      ESM_LIMITS.maxRecordAgeSeconds.min,
      ESM_LIMITS.maxRecordAgeSeconds.max,
    );
  }
  checkInteger(
    `${path}.tumblingWindowSeconds`,
    stream.tumblingWindowSeconds,
    ESM_LIMITS.tumblingWindowSeconds.min,
    ESM_LIMITS.tumblingWindowSeconds.max,
  );
  if (stream.filterPatterns !== undefined && stream.filterPatterns.length > ESM_LIMITS.filterPatterns.max) {
    throw new ConfigRangeError(`${path}.filterPatterns`, `at most ${ESM_LIMITS.filterPatterns.max} patterns`);
  }
  checkInteger(`${path}.memorySize`, stream.memorySize, ESM_LIMITS.memorySize.min, ESM_LIMITS.memorySize.max);
  checkInteger(
    `${path}.timeoutSeconds`,
    stream.timeoutSeconds,
    ESM_LIMITS.timeoutSeconds.min,
    ESM_LIMITS.timeoutSeconds.max,
  );
  checkInteger(`${path}.concurrency`, stream.concurrency, 1, 1000);
  checkInteger(`${path}.deadlineMarginMs`, stream.deadlineMarginMs, 0, 900_000);
  checkInteger(`${path}.maxRecordBytes`, stream.maxRecordBytes, 1, 10 * 1024 * 1024);
  if (stream.ordering !== undefined && !ORDERINGS.has(stream.ordering)) {
    throw new ConfigError(`${path}.ordering`, `must be 'partitionKey', 'shard' or 'none'`);
  }
  if (stream.unmatched !== undefined && !UNMATCHED.has(stream.unmatched)) {
    throw new ConfigError(`${path}.unmatched`, `must be 'skip', 'quarantine' or 'fail'`);
  }
  if (!Array.isArray(stream.routes) || stream.routes.length === 0) {
    throw new MissingSettingError(`${path}.routes`, 'needs at least one route');
  }
  checkRuntime(`${path}.runtime`, stream.runtime);
  checkEnvironment(`${path}.environment`, stream.environment);
  if (stream.discardOnFailure !== undefined && typeof stream.discardOnFailure !== 'boolean') {
    throw new ConfigError(`${path}.discardOnFailure`, 'must be true or false');
  }
  if (stream.metrics !== undefined) {
    if (!Array.isArray(stream.metrics) || stream.metrics.some((metric) => !ESM_METRICS.includes(metric))) {
      throw new ConfigError(`${path}.metrics`, `must be a list of ${ESM_METRICS.join(', ')} (or [] for none)`);
    }
  }
}

function isProcessor(value: unknown): value is AnyProcessor {
  return typeof value === 'object' && value !== null && (value as AnyProcessor).kind === 'shardflow.processor';
}

const PROCESSOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function register(byName: Map<string, AnyProcessor>, path: string, processor: AnyProcessor): void {
  if (!PROCESSOR_NAME.test(processor.name)) {
    throw new ConfigError(`${path}.name`, `'${processor.name}' is not a processor name (letters, digits, . _ -; ≤ 64)`);
  }
  const existing = byName.get(processor.name);
  if (existing !== undefined && existing !== processor) {
    throw new DuplicateNameError(path, `two different processors are named '${processor.name}'`);
  }
  byName.set(processor.name, processor);
}

/**
 * Validates a config against AWS's ranges and shardflow's own rules, and resolves every route's
 * processor. Throws a named {@link ConfigError} subclass whose `path` points at the offending setting.
 *
 * @example
 * ```ts
 * const byName = validateConfig(input); // throws ConfigRangeError('streams.orders.batchSize', …)
 * ```
 */
export function validateConfig(input: ShardflowConfigInput): Map<string, AnyProcessor> {
  if (input === null || typeof input !== 'object') throw new ConfigError('config', 'must be an object');
  if (typeof input.service !== 'string' || !/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(input.service)) {
    throw new ConfigError('service', 'must be a name of letters, digits and dashes starting with a letter (≤ 40)');
  }
  checkRuntime('runtime', input.runtime);
  if (input.retain !== undefined && typeof input.retain !== 'boolean') {
    throw new ConfigError('retain', 'must be true or false');
  }
  const byName = new Map<string, AnyProcessor>();
  for (const [i, processor] of (input.processors ?? []).entries()) {
    if (!isProcessor(processor)) throw new ConfigError(`processors[${i}]`, 'is not made by defineProcessor()');
    register(byName, `processors[${i}]`, processor);
  }
  if (input.streams === null || typeof input.streams !== 'object' || Object.keys(input.streams).length === 0) {
    throw new MissingSettingError('streams', 'needs at least one stream');
  }
  // Readers per source, as AWS limits them: 2 per DynamoDB stream shard; Kinesis shares 5 GetRecords/s per shard.
  const sources = new Map<string, string[]>();
  for (const [name, stream] of Object.entries(input.streams)) {
    const path = `streams.${name}`;
    if (!/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(name)) {
      throw new ConfigError(path, 'stream names are letters, digits and dashes, starting with a letter');
    }
    checkStream(path, stream);
    const sourceId =
      stream.source.type === 'kinesis' ? `kinesis:${stream.source.stream}` : `dynamodb:${stream.source.table}`;
    const readers = sources.get(sourceId) ?? [];
    const limit = stream.source.type === 'dynamodb' ? MAX_READERS.dynamodb : MAX_READERS.kinesis;
    if (readers.length >= limit) {
      throw new DuplicateNameError(
        `${path}.source`,
        `more than ${limit} stream functions read ${sourceId} (${[...readers, name].join(', ')})`,
      );
    }
    sources.set(sourceId, [...readers, name]);
    for (const [i, route] of stream.routes.entries()) {
      const routePath = `${path}.routes[${i}].processor`;
      if (isProcessor(route.processor)) {
        register(byName, routePath, route.processor);
        continue;
      }
      if (typeof route.processor !== 'string') {
        throw new ConfigError(routePath, 'must be a processor or the name of one');
      }
    }
  }
  for (const [name, stream] of Object.entries(input.streams)) {
    for (const [i, route] of stream.routes.entries()) {
      const routePath = `streams.${name}.routes[${i}].processor`;
      const processor = typeof route.processor === 'string' ? byName.get(route.processor) : route.processor;
      if (processor === undefined) {
        throw new UnknownProcessorError(
          routePath,
          `no processor named '${String(route.processor)}' (known: ${[...byName.keys()].join(', ') || 'none'})`,
        );
      }
      if (processor.window !== undefined && !(stream.tumblingWindowSeconds && stream.tumblingWindowSeconds > 0)) {
        throw new UnsupportedSettingError(
          routePath,
          `processor '${processor.name}' aggregates a window: set streams.${name}.tumblingWindowSeconds`,
        );
      }
      if (processor.idempotency && stream.idempotency === undefined) {
        throw new MissingSettingError(
          `streams.${name}.idempotency`,
          `processor '${processor.name}' is idempotent: name the idempotency table`,
        );
      }
    }
  }
  return byName;
}
