import { streamNameFromArn, tableNameFromArn } from '../records/arn.js';
import { compileFilterCriteria, compileRouteMatch, EVENT_NAMES, type RouteMatch } from '../routing/index.js';
import { normalizedFunctionName } from '../stages/deploy-names.js';
import {
  ConfigRangeError,
  DuplicateNameError,
  InvalidSettingValueError,
  MissingSettingError,
  ShadowedRouteError,
  UnknownProcessorError,
  UnknownSettingError,
  UnreachableRouteError,
  UnsupportedSettingError,
} from './errors.js';
import type { AnyProcessor } from './processor.js';
import { closestName } from './schema/check.js';
import { isProcessor } from './settings/processor.js';
import { ENGINE_FIELDS, FUNCTION_FIELDS } from './settings/stream.js';
import type { ShardflowConfigInput, StreamConfig } from './types.js';

/**
 * The rules between settings, which the settings table cannot say one setting at a time: combinations within
 * a stream, streams against each other (readers per source, names that collide as function names), routes
 * against their stream (they must be able to match, and must not sit behind a route that always wins),
 * processors against the streams that route to them, and the deploy sections against the streams they name.
 * They run after the shape check (`checkNode`), so every value has its type.
 *
 * @example
 * ```ts
 * checkStreamCombinations(stream, 'streams.orders'); // UnsupportedSettingError for AT_TIMESTAMP on DynamoDB
 * ```
 */

/** Concurrent readers AWS allows per source shard (DynamoDB Streams: 2; Kinesis: 5 reads/s shared). */
const MAX_READERS = { dynamodb: 2, kinesis: 5 } as const;

/**
 * Why a stream's deadline margin leaves no time within its timeout (defaults included), or `undefined`.
 *
 * @example
 * ```ts
 * deadlineMarginProblem({ ...stream, timeoutSeconds: 2, deadlineMarginMs: 2000 }); // '2000 ms leaves no time …'
 * ```
 */
export function deadlineMarginProblem(stream: StreamConfig): string | undefined {
  const margin = stream.deadlineMarginMs ?? ENGINE_FIELDS.deadlineMarginMs.default;
  const timeout = stream.timeoutSeconds ?? FUNCTION_FIELDS.timeoutSeconds.default;
  if (margin < timeout * 1000) return undefined;
  return `${margin} ms leaves no time to process within a ${timeout} s timeout: raise timeoutSeconds or lower deadlineMarginMs`;
}

/**
 * Checks the settings of one stream against each other: `AT_TIMESTAMP` (Kinesis only, with a timestamp), a
 * timestamp only with `AT_TIMESTAMP`, tumbling windows with `shard` ordering, and a deadline margin (when set)
 * shorter than the timeout.
 *
 * @example
 * ```ts
 * checkStreamCombinations(config.streams.orders, 'streams.orders');
 * ```
 */
export function checkStreamCombinations(stream: StreamConfig, path: string): void {
  if (stream.startingPosition === 'AT_TIMESTAMP') {
    if (stream.source.type === 'dynamodb') {
      throw new UnsupportedSettingError(`${path}.startingPosition`, 'AT_TIMESTAMP is supported for Kinesis only');
    }
    if (stream.startingPositionTimestamp === undefined) {
      throw new MissingSettingError(`${path}.startingPositionTimestamp`, 'is required with AT_TIMESTAMP');
    }
  } else if (stream.startingPositionTimestamp !== undefined) {
    throw new UnsupportedSettingError(
      `${path}.startingPositionTimestamp`,
      `applies with startingPosition 'AT_TIMESTAMP' only (this stream starts at ${stream.startingPosition})`,
    );
  }
  if ((stream.tumblingWindowSeconds ?? 0) > 0 && stream.ordering !== undefined && stream.ordering !== 'shard') {
    throw new UnsupportedSettingError(
      `${path}.ordering`,
      `'${stream.ordering}' cannot keep a tumbling window's state in step with the checkpoint: windowed streams run in 'shard' order (remove ordering, or set it to 'shard')`,
    );
  }
  if (stream.deadlineMarginMs !== undefined) {
    const problem = deadlineMarginProblem(stream);
    if (problem !== undefined) throw new ConfigRangeError(`${path}.deadlineMarginMs`, problem);
  }
}

/**
 * Checks the streams against each other: no more readers of one source than AWS allows, and no two names that
 * become the same function name or CloudFormation logical ID (they may differ only in more than letter case).
 *
 * @example
 * ```ts
 * checkStreamSet(input); // DuplicateNameError('streams.Payments', 'duplicates streams.payments …')
 * ```
 */
export function checkStreamSet(input: ShardflowConfigInput): void {
  const sources = new Map<string, string[]>();
  const ids = new Map<string, string>();
  for (const [name, stream] of Object.entries(input.streams)) {
    const path = `streams.${name}`;
    const id = normalizedFunctionName(name).toLowerCase();
    const previous = ids.get(id);
    if (previous !== undefined) {
      throw new DuplicateNameError(
        path,
        `duplicates streams.${previous}: stream names become function names and CloudFormation logical IDs, which must differ in more than letter case`,
      );
    }
    ids.set(id, name);
    const source = stream.source;
    const sourceId = source.type === 'kinesis' ? `kinesis:${source.stream}` : `dynamodb:${source.table}`;
    const readers = sources.get(sourceId) ?? [];
    const limit = MAX_READERS[source.type];
    if (readers.length >= limit) {
      throw new DuplicateNameError(
        `${path}.source`,
        `more than ${limit} stream functions read ${sourceId} (${[...readers, name].join(', ')})`,
      );
    }
    sources.set(sourceId, [...readers, name]);
  }
}

/** The names the records of a stream carry as `streamName` / `tableName`: the configured one, and the ARN's. */
function sourceNames(stream: StreamConfig): Set<string> {
  const source = stream.source;
  const names = new Set<string>([source.type === 'kinesis' ? source.stream : source.table]);
  const arn = source.type === 'kinesis' ? source.arn : source.streamArn;
  const fromArn =
    arn === undefined ? undefined : source.type === 'kinesis' ? streamNameFromArn(arn) : tableNameFromArn(arn);
  if (fromArn !== undefined) names.add(fromArn);
  return names;
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

/** Event names the records of a source carry. */
function eventNamesOf(type: 'kinesis' | 'dynamodb'): string[] {
  return Object.entries(EVENT_NAMES)
    .filter(([, source]) => source === type)
    .map(([name]) => name);
}

function checkReachable(match: RouteMatch, stream: StreamConfig, path: string): void {
  const type = stream.source.type;
  const other = type === 'kinesis' ? 'dynamodb' : 'kinesis';
  if (match.source !== undefined && match.source !== type) {
    throw new UnreachableRouteError(
      `${path}.source`,
      `the stream reads ${type}: a ${match.source} record never arrives`,
    );
  }
  if (match.eventName !== undefined) {
    for (const [i, name] of listOf(match.eventName).entries()) {
      if (EVENT_NAMES[name] === other) {
        throw new UnreachableRouteError(
          typeof match.eventName === 'string' ? `${path}.eventName` : `${path}.eventName[${i}]`,
          `"${name}" is a ${other} event name; records of this ${type} stream carry ${eventNamesOf(type).join(', ')}`,
        );
      }
    }
  }
  if (match.stream !== undefined) {
    const names = sourceNames(stream);
    const wanted = listOf(match.stream);
    if (!wanted.some((name) => names.has(name))) {
      throw new UnreachableRouteError(
        `${path}.stream`,
        `the stream's records come from ${type === 'kinesis' ? 'stream' : 'table'} ${[...names].map((n) => `'${n}'`).join(' / ')}, never from ${wanted.map((n) => `'${n}'`).join(', ')}`,
      );
    }
  }
}

/** Whether a match holds for every record of the stream. */
function matchesEverything(match: RouteMatch | undefined, stream: StreamConfig): boolean {
  if (match === undefined) return true;
  for (const [key, value] of Object.entries(match)) {
    if (value === undefined) continue;
    if (key === 'source') continue; // reachable, so it is the stream's source
    if (key === 'stream') {
      const names = sourceNames(stream);
      if ([...names].every((name) => listOf(value as string | readonly string[]).includes(name))) continue;
      return false;
    }
    if (key === 'eventName') {
      const names = listOf(value as string | readonly string[]);
      if (eventNamesOf(stream.source.type).every((name) => names.includes(name))) continue;
      return false;
    }
    return false;
  }
  return true;
}

/** A comparable form of a match without functions (`undefined` when it has a predicate). */
function matchKey(match: RouteMatch | undefined): string | undefined {
  if (match === undefined || match.predicate !== undefined) return undefined;
  try {
    return JSON.stringify(match, (_key, value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value,
    );
  } catch {
    return undefined;
  }
}

/**
 * Checks a stream's routes and filter patterns.
 *
 * @throws {InvalidRouteMatchError | InvalidPatternError} for a match or pattern that does not compile
 * @throws {UnreachableRouteError} for a route its stream's records can never match
 * @throws {ShadowedRouteError} for a route an earlier route always wins over
 *
 * @example
 * ```ts
 * checkRoutes(stream, 'streams.orders');
 * ```
 */
export function checkRoutes(stream: StreamConfig, path: string): void {
  const seen = new Map<string, number>();
  let catchAll: number | undefined;
  for (const [i, route] of stream.routes.entries()) {
    const routePath = `${path}.routes[${i}]`;
    compileRouteMatch(route.match, `${routePath}.match`);
    if (route.match !== undefined) checkReachable(route.match, stream, `${routePath}.match`);
    if (catchAll !== undefined) {
      throw new ShadowedRouteError(
        routePath,
        `never runs: routes[${catchAll}] matches every record first (routes are first-match-wins; put catch-alls last)`,
      );
    }
    const key = matchKey(route.match);
    const same = key === undefined ? undefined : seen.get(key);
    if (same !== undefined) {
      throw new ShadowedRouteError(routePath, `never runs: routes[${same}] has the same match and comes first`);
    }
    if (key !== undefined) seen.set(key, i);
    if (matchesEverything(route.match, stream)) catchAll = i;
  }
  if (stream.filterPatterns !== undefined) {
    compileFilterCriteria([...stream.filterPatterns], { path: `${path}.filterPatterns` });
  }
}

function register(byName: Map<string, AnyProcessor>, path: string, processor: AnyProcessor): void {
  const existing = byName.get(processor.name);
  if (existing !== undefined && existing !== processor) {
    throw new DuplicateNameError(path, `two different processors are named '${processor.name}'`);
  }
  byName.set(processor.name, processor);
}

/**
 * Every processor the config can reach, by name, after checking the routes' processors and what they need.
 *
 * @throws {DuplicateNameError} for two different processors with one name
 * @throws {UnknownProcessorError} for a route naming no known processor (with "did you mean")
 * @throws {UnsupportedSettingError} for an aggregating processor on a stream without `tumblingWindowSeconds`
 * @throws {MissingSettingError} for an idempotent processor on a stream without `idempotency`
 *
 * @example
 * ```ts
 * resolveProcessors(input).get('order-facts');
 * ```
 */
export function resolveProcessors(input: ShardflowConfigInput): Map<string, AnyProcessor> {
  const byName = new Map<string, AnyProcessor>();
  for (const [i, processor] of (input.processors ?? []).entries()) register(byName, `processors[${i}]`, processor);
  const streams = Object.entries(input.streams);
  for (const [name, stream] of streams) {
    for (const [i, route] of stream.routes.entries()) {
      if (isProcessor(route.processor)) register(byName, `streams.${name}.routes[${i}].processor`, route.processor);
    }
  }
  for (const [name, stream] of streams) {
    for (const [i, route] of stream.routes.entries()) {
      const routePath = `streams.${name}.routes[${i}].processor`;
      const processor = typeof route.processor === 'string' ? byName.get(route.processor) : route.processor;
      if (processor === undefined) {
        const near = closestName(String(route.processor), byName.keys());
        throw new UnknownProcessorError(
          routePath,
          `no processor named '${String(route.processor)}' (known: ${[...byName.keys()].join(', ') || 'none'})${near === undefined ? '' : `; did you mean '${near}'?`}`,
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

function unknownStream(path: string, name: string, streams: readonly string[]): UnknownSettingError {
  const near = closestName(name, streams);
  return new UnknownSettingError(
    path,
    `no such stream (known: ${streams.join(', ')})`,
    near === undefined ? [] : [near],
  );
}

/**
 * Checks that stage overrides name streams of the config and that a stage's timeout leaves each stream's
 * (explicit) deadline margin some time.
 *
 * @throws {UnknownSettingError} for overrides of a stream the config does not have
 * @throws {ConfigRangeError} at the stage's `timeoutSeconds` when it is not longer than a stream's `deadlineMarginMs`
 *
 * @example
 * ```ts
 * checkStageReferences(input);
 * ```
 */
export function checkStageReferences(input: ShardflowConfigInput): void {
  const streamNames = Object.keys(input.streams);
  for (const [stage, overrides] of Object.entries(input.stages ?? {})) {
    for (const name of Object.keys(overrides.streams ?? {})) {
      if (!Object.hasOwn(input.streams, name))
        throw unknownStream(`stages.${stage}.streams.${name}`, name, streamNames);
    }
    for (const [name, stream] of Object.entries(input.streams)) {
      if (stream.deadlineMarginMs === undefined) continue;
      const perStream = overrides.streams?.[name]?.timeoutSeconds;
      const timeoutSeconds = perStream ?? overrides.timeoutSeconds;
      if (timeoutSeconds === undefined) continue;
      const problem = deadlineMarginProblem({ ...stream, timeoutSeconds });
      if (problem === undefined) continue;
      const path =
        perStream === undefined ? `stages.${stage}.timeoutSeconds` : `stages.${stage}.streams.${name}.timeoutSeconds`;
      throw new ConfigRangeError(path, `streams.${name}.deadlineMarginMs: ${problem}`);
    }
  }
}

/**
 * Checks that application resources name streams of the config.
 *
 * @throws {InvalidSettingValueError} for a stream the config does not have
 *
 * @example
 * ```ts
 * checkResourceReferences(input);
 * ```
 */
export function checkResourceReferences(input: ShardflowConfigInput): void {
  const streamNames = Object.keys(input.streams);
  for (const [key, resource] of Object.entries(input.resources ?? {})) {
    for (const [i, name] of (resource.streams ?? []).entries()) {
      if (Object.hasOwn(input.streams, name)) continue;
      const near = closestName(name, streamNames);
      throw new InvalidSettingValueError(
        `resources.${key}.streams[${i}]`,
        `no such stream ${JSON.stringify(name)} (known: ${streamNames.join(', ')})${near === undefined ? '' : `; did you mean '${near}'?`}`,
      );
    }
  }
}
