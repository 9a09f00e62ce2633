import type { Flatten, InputOf, ObjectInput } from './schema/nodes.js';
import type {
  ALARM_FIELDS,
  RESOURCE_NODE,
  STAGE_FIELDS,
  STAGE_STREAM_FIELDS,
  STAGES_NODE,
} from './settings/sections.js';

/**
 * Deploy-side sections of the config (`resources`, `stages`): their input types, derived from the settings
 * table (`settings/sections.ts`). They live in `config/` so that the config types
 * import nothing from the deploy tooling; `deploy/` reads them.
 *
 * @example
 * ```ts
 * const stages: StagesConfig = { prod: { memorySize: 2048, alarms: true, retentionDays: 90 } };
 * ```
 */

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
export type AppResourceConfig = InputOf<typeof RESOURCE_NODE>;

/** An S3 bucket the processors use (a data lake, exports). A name: the stack creates it; an ARN: it exists. */
export type AppBucketConfig = Extract<AppResourceConfig, { readonly type: 's3' }>;

/** A DynamoDB table the processors use (aggregates, lookups). A name: the stack creates it; an ARN: it exists. */
export type AppTableConfig = Extract<AppResourceConfig, { readonly type: 'dynamodb' }>;

/** What a stream's function may do with an application resource. */
export type AppResourceAccess = AppResourceConfig['access'];

/** CloudWatch alarms of a stream's function (see docs/deploy.md). Any object turns them on. */
export type AlarmSettings = ObjectInput<typeof ALARM_FIELDS>;

/** Settings a stage may change for every stream, or for one stream under `streams.<name>`. */
export type StreamStageOverrides = ObjectInput<typeof STAGE_STREAM_FIELDS>;

/** One stage's overrides: `stages: { prod: { memorySize: 2048, alarms: true, retentionDays: 90 } }`. */
export type StageOverrides = Flatten<ObjectInput<typeof STAGE_FIELDS>>;

/** The `stages` section of a config: overrides per stage name. Stages not listed deploy the config as written. */
export type StagesConfig = InputOf<typeof STAGES_NODE>;
