/**
 * Deploy-side sections of the config (`resources`, `stages`): their input types only. They live in
 * `config/` so that the config types import nothing from the deploy tooling; `deploy/` reads them.
 */

/** What a stream's function may do with an application resource. */
export type AppResourceAccess = 'read' | 'write' | 'read-write';

/** Fields every application resource has. */
export interface AppResourceBase {
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

/** CloudWatch alarms of a stream's function (see docs/deploy.md). Any object turns them on. */
export interface AlarmSettings {
  /** Default `true` (an object means "on"); `false` turns alarms off while keeping the thresholds. */
  readonly enabled?: boolean;
  /** IteratorAge, in seconds, at or above which the function is falling behind. Default 60. */
  readonly iteratorAgeSeconds?: number;
  /** Function errors (the handler threw: the whole batch failed) per minute that raise the alarm. Default 1. */
  readonly errors?: number;
  /** Messages waiting in (or published to) the on-failure destination that raise the alarm. Default 1. */
  readonly destinationDepth?: number;
  /** Consecutive one-minute periods above the IteratorAge threshold before it fires. Default 5. */
  readonly evaluationPeriods?: number;
  /** SNS topic ARNs notified when an alarm fires and when it recovers. */
  readonly actions?: readonly string[];
}

/** Settings a stage may change for every stream, or for one stream under `streams.<name>`. */
export interface StreamStageOverrides {
  /** Function memory, MB (128–10240). */
  readonly memorySize?: number;
  /** Function timeout, seconds (1–900). */
  readonly timeoutSeconds?: number;
  /** Event source mapping `BatchSize` (1–10000). */
  readonly batchSize?: number;
  /** Event source mapping `MaximumBatchingWindowInSeconds` (0–300). */
  readonly batchWindowSeconds?: number;
  /** Event source mapping `ParallelizationFactor` (1–10). */
  readonly parallelizationFactor?: number;
  /** CloudWatch alarms on (`true` or settings) or off (`false`). Off unless a stage turns them on. */
  readonly alarms?: boolean | AlarmSettings;
  /** Lambda runtime of the functions (`nodejs22.x`, `nodejs24.x`). */
  readonly runtime?: string;
}

/** One stage's overrides: `stages: { prod: { memorySize: 2048, alarms: true, retentionDays: 90 } }`. */
export interface StageOverrides extends StreamStageOverrides {
  /** Log level of the deployed handlers (`trace` … `fatal`, `silent`); overrides `logging.level`. */
  readonly logLevel?: string;
  /** CloudWatch Logs retention of the functions' log groups, in days (a value CloudWatch accepts). Default: never expire. */
  readonly retentionDays?: number;
  /** Keep the stage's data resources when its stack is removed (overrides the config's `retain`). */
  readonly retain?: boolean;
  /** Per-stream overrides; they win over the stage-wide ones. */
  readonly streams?: Readonly<Record<string, StreamStageOverrides>>;
}

/** The `stages` section of a config: overrides per stage name. Stages not listed deploy the config as written. */
export type StagesConfig = Readonly<Record<string, StageOverrides>>;
