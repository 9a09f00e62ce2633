import { InvalidSettingTypeError } from '../config/errors.js';
import { checkStageReferences } from '../config/rules.js';
import { checkNode, isPlainObject } from '../config/schema/check.js';
import { STAGE_STREAM_FIELDS, STAGES_NODE } from '../config/settings/sections.js';
import type { ShardflowConfig, ShardflowConfigInput, StreamConfig } from '../config/types.js';
import { ALARM_DEFAULTS } from './constants.js';

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

/** The stream settings a stage overrides (the settings table's `stage` column), without `alarms`. */
const STREAM_FIELDS = Object.keys(STAGE_STREAM_FIELDS).filter((key) => key !== 'alarms') as readonly Exclude<
  keyof StreamStageOverrides,
  'alarms'
>[];

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
  if (!isPlainObject(stages)) {
    throw new InvalidSettingTypeError('stages', 'must be an object of stage name → overrides');
  }
  return stages as StagesConfig;
}

/**
 * Checks the `stages` section against the settings table: stage names usable in resource names, known settings
 * only (those the stream table marks `stage`, plus alarms, log level, log retention and `retain`), AWS's ranges,
 * CloudWatch's retention periods, known log levels, per-stream overrides that name streams of the config, and a
 * stage timeout that leaves each stream its deadline margin. `defineConfig` runs it too. Errors carry the path,
 * e.g. `stages.prod.streams.orders.batchSize`.
 *
 * @throws {ConfigRangeError} for a value outside AWS's range
 * @throws {ConfigError} subclasses for anything else that cannot work
 *
 * @example
 * ```ts
 * validateStages(config); // throws ConfigRangeError('stages.dev.batchSize', …) for batchSize 0
 * ```
 */
export function validateStages(config: ShardflowConfigInput): void {
  const stages = (config as { readonly stages?: unknown }).stages;
  if (stages === undefined) return;
  checkNode(STAGES_NODE, stages, 'stages');
  checkStageReferences(config);
}

function pickStreamFields(overrides: StreamStageOverrides | undefined): Partial<StreamConfig> {
  const picked: Record<string, unknown> = {};
  if (overrides === undefined) return picked;
  for (const field of STREAM_FIELDS) {
    const value = overrides[field];
    if (value !== undefined) picked[field] = value;
  }
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
