import { type EsmSettings, resolveEsmSettings } from '../local/esm/settings.js';
import { ConfigRangeError, DuplicateNameError } from '../runtime/config/errors.js';
import type { ShardflowConfig, StreamConfig } from '../runtime/config/types.js';
import { configForStage } from '../runtime/stages/config-for-stage.js';
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
  resolveRetentionDays,
} from '../runtime/stages/stage-overrides.js';
import { type AppResourcePlan, resolveAppResources } from './app-resources.js';
import { checkProcessors } from './check-processors.js';

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

function warningsOf(plan: StreamDeployPlan): string[] {
  const warnings: string[] = [];
  if (plan.quarantine === undefined) {
    warnings.push(
      `${plan.path}: no quarantine sink — permanent failures are reported for retry and end in the on-failure destination`,
    );
  } else if (plan.quarantine.type === 'function') {
    warnings.push(`${plan.path}.quarantine: a function sink gets no permissions from the deploy`);
  }
  if (plan.onFailure === undefined) {
    warnings.push(
      `${plan.path}: no onFailure destination — a batch that exhausts its retries is dropped without a trace`,
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
 * deadline margin shorter than the timeout, DynamoDB sources whose stream ARN is known, no file quarantine.
 *
 * @throws {ConfigError} (and its subclasses) whose `path` points at the setting to change
 *
 * @example
 * ```ts
 * const plan = planDeployment(config, 'prod');
 * plan.streams[0]?.esm.batchSize; // 100
 * plan.streams[0]?.functionName; // 'shop-analytics-prod-orders'
 * ```
 */
export function planDeployment(config: ShardflowConfig, stage: string): DeployPlan {
  assertStageName(stage);
  checkProcessors(config);
  assertDistinctStreamNames(config);
  const runtime = configForStage(config, stage);
  const staged = applyStageOverrides(config, stage);
  const appResources = resolveAppResources(config, stage);
  const streams: StreamDeployPlan[] = [];
  for (const [name, configured] of Object.entries(staged.streams)) {
    const path = `streams.${name}`;
    const stream = runtime.streams[name]!;
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
    streams.push({
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
    });
  }
  return {
    service: config.service,
    stage,
    config: runtime,
    streams,
    appResources,
    retentionDays: resolveRetentionDays(config, stage),
    warnings: streams.flatMap(warningsOf),
  };
}
