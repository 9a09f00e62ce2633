import { ConfigError, MissingSettingError } from '../config/errors.js';
import type { ShardflowConfigInput } from '../config/types.js';
import { type ResourceRef, resolveResourceRef } from './resource-refs.js';

/** What a stream's function may do with an application resource. */
export type AppResourceAccess = 'read' | 'write' | 'read-write';

/** Fields every application resource has. */
interface AppResourceBase {
  /** Environment variable that receives the resource's physical name in the stage (e.g. `SHOP_LAKE_BUCKET`). */
  readonly env?: string;
  /** What the functions may do with it: `read`, `write` or `read-write`. Required: permissions are never implied. */
  readonly access: AppResourceAccess;
  /** The streams whose functions get access (and the variable). Default: every stream of the config. */
  readonly streams?: readonly string[];
}

/** An S3 bucket the processors use (a data lake, exports). A name: the stack creates it; an ARN: it exists. */
export interface AppBucketConfig extends AppResourceBase {
  readonly type: 's3';
  readonly bucket: string;
  /** Limit object access to keys under this prefix (e.g. `lake/`). Default: the whole bucket. */
  readonly prefix?: string;
}

/** A DynamoDB table the processors use (aggregates, lookups). A name: the stack creates it; an ARN: it exists. */
export interface AppTableConfig extends AppResourceBase {
  readonly type: 'dynamodb';
  readonly table: string;
  /** Partition key (type S) when the stack creates the table. */
  readonly partitionKey?: string;
  /** Sort key (type S) when the stack creates the table. */
  readonly sortKey?: string;
  /** TTL attribute when the stack creates the table. */
  readonly ttlAttribute?: string;
}

/**
 * A resource the application's processors use, declared in the config's `resources` section so that the
 * stack creates it (or references it), grants exactly the access it needs to the functions that use it,
 * and passes its stage name in an environment variable.
 *
 * @example
 * ```ts
 * resources: {
 *   lake: { type: 's3', bucket: 'shop-analytics-lake', env: 'SHOP_LAKE_BUCKET', access: 'write', streams: ['orders'] },
 * }
 * ```
 */
export type AppResourceConfig = AppBucketConfig | AppTableConfig;

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
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables Lambda reserves or shardflow sets itself. */
const RESERVED_ENV = /^(AWS_|LAMBDA_|_HANDLER$|_X_AMZN_TRACE_ID$|TZ$|NODE_OPTIONS$|SHARDFLOW_STAGE$)/;

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
