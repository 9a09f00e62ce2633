import { type EsmSettings, resolveEsmSettings } from '../local/esm/settings.js';
import { ConfigRangeError, DuplicateNameError } from '../runtime/config/errors.js';
import type { ShardflowConfig, StreamConfig } from '../runtime/config/types.js';
import { configForStage } from '../runtime/stages/config-for-stage.js';
import { DEPLOY_DEFAULTS } from '../runtime/stages/constants.js';
import {
  assertResourceName,
  assertStageName,
  deployedFunctionName,
  normalizedFunctionName,
  type StreamLogicalIds,
  streamLogicalIds,
} from '../runtime/stages/deploy-names.js';
import {
  type QuarantineRef,
  type ResourceRef,
  resolveIdempotencyRef,
  resolveOnFailureRef,
  resolveQuarantineRef,
  resolveSourceRef,
  type SourceRef,
} from '../runtime/stages/resource-refs.js';
import {
  applyStageOverrides,
  type ResolvedAlarmSettings,
  resolveAlarmSettings,
  resolveRetain,
  resolveRetentionDays,
  stagesOf,
} from '../runtime/stages/stage-overrides.js';
import { type AppResourcePlan, resolveAppResources } from './app-resources.js';
import { checkProcessors } from './check-processors.js';
import { SilentDiscardError } from './errors.js';
import { checkLambdaRuntime } from './lambda-runtimes.js';

/** Everything the deploy needs to know about one stream in one stage. */
export interface StreamDeployPlan {
  /** The stream's key in the config; also the function's key in `serverless.yml`. */
  readonly name: string;
  readonly path: string;
  /** The deployed Lambda function name, `<service>-<stage>-<stream>`. */
  readonly functionName: string;
  readonly ids: StreamLogicalIds;
  /** The stream as the deployed function sees it ({@link configForStage}). */
  readonly stream: StreamConfig;
  /** Its event source mapping settings: `resolveEsmSettings` of that stream, the local ESM's view too. */
  readonly esm: EsmSettings;
  readonly source: SourceRef;
  readonly onFailure: ResourceRef | undefined;
  readonly quarantine: QuarantineRef | undefined;
  readonly idempotency: ResourceRef | undefined;
  /** The application resources this stream's function uses. */
  readonly appResources: readonly AppResourcePlan[];
  /** `undefined` when the stage has no alarms for this stream. */
  readonly alarms: ResolvedAlarmSettings | undefined;
  /** The function's Lambda runtime (`nodejs24.x`), checked against AWS's dates. */
  readonly runtime: string;
  /** The function's instruction set. */
  readonly architecture: typeof DEPLOY_DEFAULTS.architecture;
}

/** A config resolved for one stage: what `osls package --stage <stage>` turns into CloudFormation. */
export interface DeployPlan {
  readonly service: string;
  readonly stage: string;
  /** The config the deployed handlers run with. */
  readonly config: ShardflowConfig;
  readonly streams: readonly StreamDeployPlan[];
  readonly appResources: readonly AppResourcePlan[];
  /** CloudWatch Logs retention in days; `undefined` keeps logs forever. */
  readonly retentionDays: number | undefined;
  /** Whether the data resources the stack creates survive its removal (`retain`). */
  readonly retain: boolean;
  /** Things that deploy but deserve a look (no quarantine, no on-failure destination, …). */
  readonly warnings: readonly string[];
}

const DEFAULT_DEADLINE_MARGIN_MS = 2000;

function assertDistinctStreamNames(config: ShardflowConfig): void {
  const seen = new Map<string, string>();
  for (const name of Object.keys(config.streams)) {
    const id = normalizedFunctionName(name).toLowerCase();
    const previous = seen.get(id);
    if (previous !== undefined) {
      throw new DuplicateNameError(
        `streams.${name}`,
        `duplicates streams.${previous}: stream names become function names and CloudFormation logical IDs, which must differ in more than letter case`,
      );
    }
    seen.set(id, name);
  }
}

/** What {@link planDeployment} may be told besides the config and the stage. */
export interface PlanOptions {
  /** The day the runtime policy is checked on. Default: now. */
  readonly today?: Date;
}

/** Where a stream's runtime comes from, most specific first, with the path to change. */
function runtimeSetting(config: ShardflowConfig, stage: string, name: string): { runtime: string; path: string } {
  const overrides = stagesOf(config)[stage];
  const candidates: [string | undefined, string][] = [
    [overrides?.streams?.[name]?.runtime, `stages.${stage}.streams.${name}.runtime`],
    [overrides?.runtime, `stages.${stage}.runtime`],
    [config.streams[name]?.runtime, `streams.${name}.runtime`],
    [config.runtime, 'runtime'],
  ];
  for (const [runtime, path] of candidates) if (runtime !== undefined) return { runtime, path };
  return { runtime: DEPLOY_DEFAULTS.runtime, path: 'runtime (default)' };
}

/**
 * "No silent loss": a mapping whose retries or record age can run out discards the batch; without an
 * on-failure destination nothing records what was lost. Refused unless the stream opts out explicitly.
 */
function assertNoSilentDiscard(plan: StreamDeployPlan): void {
  if (plan.onFailure !== undefined || plan.stream.discardOnFailure === true) return;
  const { maxRetries, maxRecordAgeSeconds } = plan.esm;
  const limits = [
    ...(maxRetries === -1 ? [] : [`after ${maxRetries} retries (maxRetries)`]),
    ...(maxRecordAgeSeconds === -1 ? [] : [`once its records are ${maxRecordAgeSeconds} s old (maxRecordAgeSeconds)`]),
  ];
  if (limits.length === 0) return;
  throw new SilentDiscardError(
    plan.path,
    `AWS discards a failing batch ${limits.join(' or ')}, and with no onFailure destination nothing records which records were lost: add onFailure: { type: 'sqs' | 'sns' | 's3', … }, or opt out explicitly with discardOnFailure: true`,
  );
}

function warningsOf(plan: StreamDeployPlan): string[] {
  const warnings: string[] = [];
  if (plan.quarantine === undefined) {
    warnings.push(
      `${plan.path}: no quarantine sink — permanent failures are reported for retry and end in the on-failure destination`,
    );
  } else if (plan.quarantine.type === 'function') {
    warnings.push(`${plan.path}.quarantine: a function sink gets no permissions from the deploy`);
  }
  if (plan.onFailure === undefined && plan.stream.discardOnFailure === true) {
    warnings.push(
      `${plan.path}.discardOnFailure: batches that run out of retries or record age are discarded unrecorded`,
    );
  } else if (plan.onFailure === undefined) {
    warnings.push(
      `${plan.path}: no onFailure destination — a failing batch is retried until its records expire from the source`,
    );
  }
  if (!plan.esm.reportBatchItemFailures) {
    warnings.push(
      `${plan.path}.reportBatchItemFailures is false: Lambda ignores the handler's batchItemFailures (failed records count as done)`,
    );
  }
  return warnings;
}

/**
 * Resolves a config for one stage: applies the stage's overrides, decides which resources the stack creates
 * and which it references, computes each stream's event source mapping settings with
 * {@link resolveEsmSettings} (the function the local ESM uses too), and checks the rules only a deploy has:
 * stage and resource names AWS accepts, stream names that stay distinct as logical IDs, usable processors, a
 * deadline margin shorter than the timeout, DynamoDB sources whose stream ARN is known, no file quarantine,
 * a runtime AWS still accepts on `options.today` (warned 90 days before its deprecation), and no stream that
 * could lose records silently.
 *
 * @throws {ConfigError} (and its subclasses) whose `path` points at the setting to change
 * @throws {RuntimeBlockedError} once AWS blocks creating or updating functions on a stream's runtime
 * @throws {SilentDiscardError} for finite retries or record age without an on-failure destination
 *
 * @example
 * ```ts
 * const plan = planDeployment(config, 'prod');
 * plan.streams[0]?.esm.batchSize; // 100
 * plan.streams[0]?.functionName; // 'shop-analytics-prod-orders'
 * ```
 */
export function planDeployment(config: ShardflowConfig, stage: string, options: PlanOptions = {}): DeployPlan {
  const today = options.today ?? new Date();
  const runtimeWarnings = new Set<string>();
  assertStageName(stage);
  checkProcessors(config);
  assertDistinctStreamNames(config);
  const deployed = configForStage(config, stage);
  const staged = applyStageOverrides(config, stage);
  const appResources = resolveAppResources(config, stage);
  const streams: StreamDeployPlan[] = [];
  for (const [name, configured] of Object.entries(staged.streams)) {
    const path = `streams.${name}`;
    const stream = deployed.streams[name]!;
    const functionName = deployedFunctionName(config.service, stage, name);
    assertResourceName('lambda-function', functionName, path);
    const esm = resolveEsmSettings(stream);
    const margin = stream.deadlineMarginMs ?? DEFAULT_DEADLINE_MARGIN_MS;
    if (margin >= esm.timeoutSeconds * 1000) {
      throw new ConfigRangeError(
        `${path}.deadlineMarginMs`,
        `${margin} ms leaves no time to process within a ${esm.timeoutSeconds} s timeout: raise timeoutSeconds or lower deadlineMarginMs`,
      );
    }
    const { runtime, path: runtimePath } = runtimeSetting(config, stage, name);
    const runtimeWarning = checkLambdaRuntime(runtime, runtimePath, today);
    if (runtimeWarning !== undefined) runtimeWarnings.add(runtimeWarning);
    const plan: StreamDeployPlan = {
      name,
      path,
      functionName,
      ids: streamLogicalIds(name),
      stream,
      esm,
      source: resolveSourceRef(configured.source, stage, `${path}.source`),
      onFailure:
        configured.onFailure === undefined
          ? undefined
          : resolveOnFailureRef(configured.onFailure, stage, `${path}.onFailure`),
      quarantine:
        configured.quarantine === undefined
          ? undefined
          : resolveQuarantineRef(configured.quarantine, stage, `${path}.quarantine`),
      idempotency:
        configured.idempotency === undefined
          ? undefined
          : resolveIdempotencyRef(configured.idempotency, stage, `${path}.idempotency`),
      appResources: appResources.filter((resource) => resource.streams.includes(name)),
      alarms: resolveAlarmSettings(config, stage, name),
      runtime,
      architecture: DEPLOY_DEFAULTS.architecture,
    };
    assertNoSilentDiscard(plan);
    streams.push(plan);
  }
  return {
    service: config.service,
    stage,
    config: deployed,
    streams,
    appResources,
    retentionDays: resolveRetentionDays(config, stage),
    retain: resolveRetain(config, stage),
    warnings: [...runtimeWarnings, ...streams.flatMap(warningsOf)],
  };
}
