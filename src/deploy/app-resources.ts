import { MissingSettingError } from '../runtime/config/errors.js';
import type { ShardflowConfigInput } from '../runtime/config/types.js';
import { type ResourceRef, resolveResourceRef } from '../runtime/stages/resource-refs.js';

export type {
  AppBucketConfig,
  AppResourceAccess,
  AppResourceConfig,
  AppTableConfig,
} from '../runtime/config/deploy-sections.js';

import type { AppResourceConfig } from '../runtime/config/deploy-sections.js';

/** An application resource resolved for one stage. */
export interface AppResourcePlan {
  /** Its key in `resources`. */
  readonly key: string;
  readonly config: AppResourceConfig;
  readonly ref: ResourceRef;
  /** The streams whose functions use it. */
  readonly streams: readonly string[];
}

/**
 * The `resources` section of a config. `{}` when there is none.
 *
 * @example
 * ```ts
 * Object.keys(appResourcesOf(config)); // ['lake', 'sessions']
 * ```
 */
export function appResourcesOf(config: ShardflowConfigInput): Readonly<Record<string, AppResourceConfig>> {
  return config.resources ?? {};
}

/**
 * Resolves the `resources` section for one stage: which resources the stack creates (plain names, scoped to
 * the stage) or references (ARNs), and which functions use each. The section's shape and its stream names
 * were checked by `defineConfig` (the settings table, `settings/sections.ts`).
 *
 * @throws {ConfigError} (and subclasses) with the offending path, e.g. `resources.t.partitionKey`
 *
 * @example
 * ```ts
 * resolveAppResources(config, 'prod')[0]?.ref.name; // 'shop-analytics-lake-prod'
 * ```
 */
export function resolveAppResources(config: ShardflowConfigInput, stage: string): readonly AppResourcePlan[] {
  const streamNames = Object.keys(config.streams);
  const plans: AppResourcePlan[] = [];
  for (const [key, resource] of Object.entries(appResourcesOf(config))) {
    const path = `resources.${key}`;
    const streams = resource.streams ?? streamNames;
    if (resource.type === 's3') {
      const ref = resolveResourceRef('s3-bucket', resource.bucket, stage, `${path}.bucket`);
      plans.push({ key, config: resource, ref, streams });
    } else {
      const ref = resolveResourceRef('dynamodb-table', resource.table, stage, `${path}.table`);
      if (ref.owned && resource.partitionKey === undefined) {
        throw new MissingSettingError(`${path}.partitionKey`, 'the stack creates this table: name its partition key');
      }
      plans.push({ key, config: resource, ref, streams });
    }
  }
  return plans;
}
