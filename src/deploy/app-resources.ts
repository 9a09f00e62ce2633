import { ConfigError, MissingSettingError } from '../runtime/config/errors.js';
import type { ShardflowConfigInput } from '../runtime/config/types.js';
import { ENV_NAME, RESERVED_ENV } from '../runtime/config/validate-config.js';
import { type ResourceRef, resolveResourceRef } from '../runtime/stages/resource-refs.js';

export type {
  AppBucketConfig,
  AppResourceAccess,
  AppResourceConfig,
  AppTableConfig,
} from '../runtime/config/deploy-sections.js';

import type {
  AppBucketConfig,
  AppResourceAccess,
  AppResourceConfig,
  AppTableConfig,
} from '../runtime/config/deploy-sections.js';

/** An application resource resolved for one stage. */
export interface AppResourcePlan {
  /** Its key in `resources`. */
  readonly key: string;
  readonly config: AppResourceConfig;
  readonly ref: ResourceRef;
  /** The streams whose functions use it. */
  readonly streams: readonly string[];
}

const ACCESS = new Set<AppResourceAccess>(['read', 'write', 'read-write']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `resources` section of a config, read defensively. `{}` when there is none.
 *
 * @throws {ConfigError} when `resources` is not an object
 *
 * @example
 * ```ts
 * Object.keys(appResourcesOf(config)); // ['lake', 'sessions']
 * ```
 */
export function appResourcesOf(config: ShardflowConfigInput): Readonly<Record<string, AppResourceConfig>> {
  const resources = (config as { readonly resources?: unknown }).resources;
  if (resources === undefined) return {};
  if (!isObject(resources)) throw new ConfigError('resources', 'must be an object of name → resource');
  return resources as Readonly<Record<string, AppResourceConfig>>;
}

function checkCommon(
  path: string,
  resource: Record<string, unknown>,
  streamNames: readonly string[],
): readonly string[] {
  if (!ACCESS.has(resource.access as AppResourceAccess)) {
    throw new MissingSettingError(
      `${path}.access`,
      `must be 'read', 'write' or 'read-write' (permissions are never implied)`,
    );
  }
  if (resource.env !== undefined) {
    if (typeof resource.env !== 'string' || !ENV_NAME.test(resource.env) || RESERVED_ENV.test(resource.env)) {
      throw new ConfigError(
        `${path}.env`,
        `must be an environment variable name Lambda does not reserve, got ${JSON.stringify(resource.env)}`,
      );
    }
  }
  if (resource.streams === undefined) return streamNames;
  if (!Array.isArray(resource.streams) || resource.streams.length === 0) {
    throw new ConfigError(`${path}.streams`, 'must list at least one stream of the config');
  }
  for (const [i, name] of resource.streams.entries()) {
    if (typeof name !== 'string' || !streamNames.includes(name)) {
      throw new ConfigError(
        `${path}.streams[${i}]`,
        `no such stream ${JSON.stringify(name)} (known: ${streamNames.join(', ')})`,
      );
    }
  }
  return resource.streams as readonly string[];
}

/**
 * Resolves the `resources` section for one stage: which resources the stack creates (plain names, scoped to
 * the stage) or references (ARNs), and which functions use each.
 *
 * @throws {ConfigError} (and subclasses) with the offending path, e.g. `resources.lake.access`
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
    if (!/^[A-Za-z][A-Za-z0-9-]{0,39}$/.test(key)) {
      throw new ConfigError(path, 'resource keys are letters, digits and dashes, starting with a letter');
    }
    if (!isObject(resource)) throw new ConfigError(path, 'must be an object');
    const streams = checkCommon(path, resource, streamNames);
    if (resource.type === 's3') {
      if (resource.prefix !== undefined && (typeof resource.prefix !== 'string' || resource.prefix.includes('*'))) {
        throw new ConfigError(`${path}.prefix`, 'must be a key prefix without wildcards');
      }
      const ref = resolveResourceRef('s3-bucket', resource.bucket as string, stage, `${path}.bucket`);
      plans.push({ key, config: resource as unknown as AppBucketConfig, ref, streams });
    } else if (resource.type === 'dynamodb') {
      const ref = resolveResourceRef('dynamodb-table', resource.table as string, stage, `${path}.table`);
      if (ref.owned && (typeof resource.partitionKey !== 'string' || resource.partitionKey === '')) {
        throw new MissingSettingError(`${path}.partitionKey`, 'the stack creates this table: name its partition key');
      }
      plans.push({ key, config: resource as unknown as AppTableConfig, ref, streams });
    } else {
      throw new ConfigError(`${path}.type`, `must be 's3' or 'dynamodb'`);
    }
  }
  return plans;
}
