import { ConfigError, ConfigRangeError } from '../config/errors.js';
import type { ShardflowConfig, ShardflowConfigInput, StreamConfig } from '../config/types.js';
import { checkRuntime, ESM_LIMITS } from '../config/validate-config.js';
import { ALARM_DEFAULTS, LOG_RETENTION_DAYS } from './constants.js';
import { assertStageName } from './deploy-names.js';

export type {
  AlarmSettings,
  StageOverrides,
  StagesConfig,
  StreamStageOverrides,
} from '../config/deploy-sections.js';

import type { AlarmSettings, StagesConfig, StreamStageOverrides } from '../config/deploy-sections.js';

/** Alarm settings of one stream in one stage, with defaults filled in. */
export interface ResolvedAlarmSettings {
  readonly iteratorAgeSeconds: number;
  readonly errors: number;
  readonly destinationDepth: number;
  readonly evaluationPeriods: number;
  readonly actions: readonly string[];
}

const STREAM_FIELDS = [
  'memorySize',
  'timeoutSeconds',
  'batchSize',
  'batchWindowSeconds',
  'parallelizationFactor',
] as const;
const STAGE_KEYS = new Set<string>([
  ...STREAM_FIELDS,
  'alarms',
  'runtime',
  'logLevel',
  'retentionDays',
  'retain',
  'streams',
]);
const STREAM_STAGE_KEYS = new Set<string>([...STREAM_FIELDS, 'alarms', 'runtime']);
const ALARM_KEYS = new Set([
  'enabled',
  'iteratorAgeSeconds',
  'errors',
  'destinationDepth',
  'evaluationPeriods',
  'actions',
]);
/** The levels `createLogger` accepts. */
const LOG_LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);

const RANGES: Readonly<Record<(typeof STREAM_FIELDS)[number], { readonly min: number; readonly max: number }>> = {
  memorySize: ESM_LIMITS.memorySize,
  timeoutSeconds: ESM_LIMITS.timeoutSeconds,
  batchSize: ESM_LIMITS.batchSize,
  batchWindowSeconds: ESM_LIMITS.batchWindowSeconds,
  parallelizationFactor: ESM_LIMITS.parallelizationFactor,
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkInteger(path: string, value: unknown, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigRangeError(path, `must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
}

function checkKeys(path: string, value: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) {
      throw new ConfigError(`${path}.${key}`, `is not a stage setting (known: ${[...allowed].join(', ')})`);
    }
  }
}

function checkAlarms(path: string, alarms: unknown): void {
  if (alarms === undefined || typeof alarms === 'boolean') return;
  if (!isObject(alarms)) throw new ConfigError(path, 'must be true, false or alarm settings');
  checkKeys(path, alarms, ALARM_KEYS);
  if (alarms.enabled !== undefined && typeof alarms.enabled !== 'boolean') {
    throw new ConfigError(`${path}.enabled`, 'must be a boolean');
  }
  checkInteger(`${path}.iteratorAgeSeconds`, alarms.iteratorAgeSeconds, 1, 604_800);
  checkInteger(`${path}.errors`, alarms.errors, 1, 1_000_000);
  checkInteger(`${path}.destinationDepth`, alarms.destinationDepth, 1, 1_000_000);
  checkInteger(`${path}.evaluationPeriods`, alarms.evaluationPeriods, 1, 1440);
  if (alarms.actions !== undefined) {
    if (!Array.isArray(alarms.actions)) throw new ConfigError(`${path}.actions`, 'must be a list of SNS topic ARNs');
    for (const [i, action] of alarms.actions.entries()) {
      if (typeof action !== 'string' || !/^arn:[^:]+:sns:[^:]+:\d{12}:[A-Za-z0-9_-]+$/.test(action)) {
        throw new ConfigError(`${path}.actions[${i}]`, `must be an SNS topic ARN, got ${JSON.stringify(action)}`);
      }
    }
  }
}

function checkStreamOverrides(path: string, overrides: Record<string, unknown>, keys: ReadonlySet<string>): void {
  checkKeys(path, overrides, keys);
  for (const field of STREAM_FIELDS) {
    checkInteger(`${path}.${field}`, overrides[field], RANGES[field].min, RANGES[field].max);
  }
  checkAlarms(`${path}.alarms`, overrides.alarms);
  checkRuntime(`${path}.runtime`, overrides.runtime);
}

/**
 * The `stages` section of a config, read defensively (the field is optional and typed by
 * {@link StagesConfig}). `{}` when the config has none.
 *
 * @throws {ConfigError} when `stages` is not an object
 *
 * @example
 * ```ts
 * stagesOf(config).prod?.memorySize; // 2048
 * ```
 */
export function stagesOf(config: ShardflowConfigInput): StagesConfig {
  const stages = (config as { readonly stages?: unknown }).stages;
  if (stages === undefined) return {};
  if (!isObject(stages)) throw new ConfigError('stages', 'must be an object of stage name → overrides');
  return stages as StagesConfig;
}

/**
 * Checks the `stages` section: stage names usable in resource names, known settings only, AWS's ranges for
 * memory, timeout and the event source mapping settings, CloudWatch's retention periods, known log levels,
 * and per-stream overrides that name streams of the config. Errors carry the path, e.g.
 * `stages.prod.streams.orders.batchSize`.
 *
 * @throws {ConfigRangeError} for a value outside AWS's range
 * @throws {ConfigError} for anything else that cannot work
 *
 * @example
 * ```ts
 * validateStages(config); // throws ConfigRangeError('stages.dev.batchSize', …) for batchSize 0
 * ```
 */
export function validateStages(config: ShardflowConfigInput): void {
  for (const [stage, overrides] of Object.entries(stagesOf(config))) {
    const path = `stages.${stage}`;
    assertStageName(stage, path);
    if (!isObject(overrides)) throw new ConfigError(path, 'must be an object of overrides');
    checkStreamOverrides(path, overrides, STAGE_KEYS);
    if (overrides.logLevel !== undefined) {
      if (typeof overrides.logLevel !== 'string' || !LOG_LEVELS.has(overrides.logLevel.toLowerCase())) {
        throw new ConfigError(`${path}.logLevel`, `must be one of ${[...LOG_LEVELS].join(', ')}`);
      }
    }
    if (overrides.retain !== undefined && typeof overrides.retain !== 'boolean') {
      throw new ConfigError(`${path}.retain`, 'must be true or false');
    }
    if (overrides.retentionDays !== undefined && !LOG_RETENTION_DAYS.includes(overrides.retentionDays as number)) {
      throw new ConfigRangeError(
        `${path}.retentionDays`,
        `must be a retention CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(', ')}), got ${JSON.stringify(overrides.retentionDays)}`,
      );
    }
    if (overrides.streams === undefined) continue;
    if (!isObject(overrides.streams))
      throw new ConfigError(`${path}.streams`, 'must be an object of stream → overrides');
    for (const [name, streamOverrides] of Object.entries(overrides.streams)) {
      const streamPath = `${path}.streams.${name}`;
      if (!Object.hasOwn(config.streams, name)) {
        throw new ConfigError(streamPath, `no such stream (known: ${Object.keys(config.streams).join(', ')})`);
      }
      if (!isObject(streamOverrides)) throw new ConfigError(streamPath, 'must be an object of overrides');
      checkStreamOverrides(streamPath, streamOverrides, STREAM_STAGE_KEYS);
    }
  }
}

function pickStreamFields(overrides: StreamStageOverrides | undefined): Partial<StreamConfig> {
  const picked: Record<string, number | string> = {};
  if (overrides === undefined) return picked;
  for (const field of STREAM_FIELDS) {
    const value = overrides[field];
    if (value !== undefined) picked[field] = value;
  }
  if (overrides.runtime !== undefined) picked.runtime = overrides.runtime;
  return picked;
}

/**
 * The config as one stage deploys it: the stage's overrides applied to every stream (stage-wide first, then
 * `streams.<name>`), and `logging.level` replaced by the stage's `logLevel`. Stages the config does not list
 * get the config unchanged. Validates the `stages` section first.
 *
 * @throws {ConfigError} (and subclasses) from {@link validateStages}
 *
 * @example
 * ```ts
 * const prod = applyStageOverrides(config, 'prod');
 * prod.streams.orders.memorySize; // 2048 when stages.prod.memorySize is 2048
 * ```
 */
export function applyStageOverrides(config: ShardflowConfig, stage: string): ShardflowConfig {
  validateStages(config);
  const overrides = stagesOf(config)[stage];
  if (overrides === undefined) return config;
  const streams: Record<string, StreamConfig> = {};
  for (const [name, stream] of Object.entries(config.streams)) {
    streams[name] = { ...stream, ...pickStreamFields(overrides), ...pickStreamFields(overrides.streams?.[name]) };
  }
  const logging = overrides.logLevel === undefined ? config.logging : { ...config.logging, level: overrides.logLevel };
  return Object.freeze({ ...config, streams, ...(logging === undefined ? {} : { logging }) });
}

/**
 * The alarm settings of one stream in one stage, or `undefined` when its alarms are off (the default).
 * A per-stream `alarms` wins over the stage-wide one; `true` means the defaults of {@link ALARM_DEFAULTS}.
 *
 * @example
 * ```ts
 * resolveAlarmSettings(config, 'prod', 'orders'); // { iteratorAgeSeconds: 60, errors: 1, … }
 * resolveAlarmSettings(config, 'dev', 'orders'); // undefined
 * ```
 */
export function resolveAlarmSettings(
  config: ShardflowConfigInput,
  stage: string,
  streamName: string,
): ResolvedAlarmSettings | undefined {
  const overrides = stagesOf(config)[stage];
  const alarms = overrides?.streams?.[streamName]?.alarms ?? overrides?.alarms;
  if (alarms === undefined || alarms === false) return undefined;
  const settings: AlarmSettings = alarms === true ? {} : alarms;
  if (settings.enabled === false) return undefined;
  return {
    iteratorAgeSeconds: settings.iteratorAgeSeconds ?? ALARM_DEFAULTS.iteratorAgeSeconds,
    errors: settings.errors ?? ALARM_DEFAULTS.errors,
    destinationDepth: settings.destinationDepth ?? ALARM_DEFAULTS.destinationDepth,
    evaluationPeriods: settings.evaluationPeriods ?? ALARM_DEFAULTS.evaluationPeriods,
    actions: settings.actions ?? [],
  };
}

/**
 * The CloudWatch Logs retention of one stage, in days, or `undefined` (never expire).
 *
 * @example
 * ```ts
 * resolveRetentionDays(config, 'prod'); // 90
 * ```
 */
export function resolveRetentionDays(config: ShardflowConfigInput, stage: string): number | undefined {
  return stagesOf(config)[stage]?.retentionDays;
}

/**
 * Whether a stage keeps its data resources when its stack is removed: the stage's `retain`, else the
 * config's, else `false`.
 *
 * @example
 * ```ts
 * resolveRetain(config, 'prod'); // true when stages.prod.retain (or the config's retain) is true
 * ```
 */
export function resolveRetain(config: ShardflowConfigInput, stage: string): boolean {
  return stagesOf(config)[stage]?.retain ?? config.retain ?? false;
}
