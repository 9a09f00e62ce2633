import type { QuarantineSinkSpec } from '../processing/quarantine/index.js';
import type { EventPattern, RouteMatch } from '../routing/index.js';
import type { AppResourceConfig, StagesConfig } from './deploy-sections.js';
import type { AnyProcessor } from './processor.js';

/** A Kinesis data stream as the source of a stream function. */
export interface KinesisSourceConfig {
  readonly type: 'kinesis';
  /** Stream name. */
  readonly stream: string;
  /** Shard count when shardflow creates the stream (locally, or when the stack owns it). Default 1. */
  readonly shards?: number;
  /** Existing stream ARN (deploy); defaults to the stream of that name in the stage's account/region. */
  readonly arn?: string;
  /** Deploy: the stack creates the stream (named `<stream>-<stage>`). */
  readonly create?: boolean;
  /** Deploy: the stream ARN comes from this CloudFormation export. */
  readonly import?: string;
}

/** A DynamoDB table's stream as the source of a stream function. */
export interface DynamoDBSourceConfig {
  readonly type: 'dynamodb';
  /** Table name. */
  readonly table: string;
  /** Stream view type when shardflow creates the table. Default `NEW_AND_OLD_IMAGES`. */
  readonly streamViewType?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  /** Key schema when shardflow creates the table. Default `{ partitionKey: 'id' }` (string). */
  readonly keySchema?: { readonly partitionKey: string; readonly sortKey?: string };
  /** Existing stream ARN (deploy). */
  readonly streamArn?: string;
  /** Deploy: the stack creates the table with its stream (named `<table>-<stage>`). */
  readonly create?: boolean;
  /** Deploy: the table's stream ARN comes from this CloudFormation export. */
  readonly import?: string;
}

/** Where Lambda's event source mapping sends the on-failure record of a discarded batch. */
export type OnFailureDestinationConfig =
  | { readonly type: 's3'; readonly bucket: string }
  | { readonly type: 'sqs'; readonly queue: string }
  | { readonly type: 'sns'; readonly topic: string };

/** Metrics an event source mapping can publish (`MetricsConfig.Metrics`): polled, filtered, invoked, failed, dropped, on-failure counts. */
export type EsmMetric = 'EventCount';

/** Starting positions the ESM accepts. `AT_TIMESTAMP` is valid for Kinesis only. */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

/** How the batch engine keeps order when a record fails. */
export type OrderingMode = 'partitionKey' | 'shard' | 'none';

/** What happens to a record no route matches. */
export type UnmatchedPolicy = 'skip' | 'quarantine' | 'fail';

/** One routing rule: records that match go to `processor`. First match wins. */
export interface RouteConfig<TName extends string = string> {
  readonly match?: RouteMatch;
  /** The processor object, or the name of one listed in `processors`. */
  readonly processor: TName | AnyProcessor;
}

/** Event source mapping settings, named as in the Lambda API and checked against its ranges. */
export interface EventSourceMappingSettings {
  /** 1–10000, default 100. */
  readonly batchSize?: number;
  /** `MaximumBatchingWindowInSeconds`, 0–300, default 0. */
  readonly batchWindowSeconds?: number;
  /** Required by AWS. */
  readonly startingPosition: StartingPosition;
  /** ISO-8601 or epoch seconds; with `AT_TIMESTAMP` only. */
  readonly startingPositionTimestamp?: string | number;
  /** 1–10, default 1. */
  readonly parallelizationFactor?: number;
  /** `BisectBatchOnFunctionError`, default false. */
  readonly bisectOnError?: boolean;
  /** `MaximumRetryAttempts`, -1 (infinite, the default) to 10000. */
  readonly maxRetries?: number;
  /** `MaximumRecordAgeInSeconds`, -1 (the default) or 60–604800. */
  readonly maxRecordAgeSeconds?: number;
  /** `TumblingWindowInSeconds`, 0–900, default 0 (off). */
  readonly tumblingWindowSeconds?: number;
  /** `FilterCriteria`: up to 5 AWS event patterns, ORed. */
  readonly filterPatterns?: readonly EventPattern[];
  /** `DestinationConfig.OnFailure`: where AWS sends the record of a batch it gives up on. */
  readonly onFailure?: OnFailureDestinationConfig;
  /**
   * Explicit opt-out of "no silent loss": with finite `maxRetries` or `maxRecordAgeSeconds` and no `onFailure`
   * destination, AWS discards a batch that runs out of retries or age and nothing records what was lost. Deploys
   * refuse that (`SilentDiscardError`) unless this is `true`. Default false.
   */
  readonly discardOnFailure?: boolean;
  /** `MetricsConfig.Metrics` of the mapping (the ESM's own CloudWatch metrics). Default `['EventCount']`; `[]` turns them off. */
  readonly metrics?: readonly EsmMetric[];
  /** `FunctionResponseTypes: [ReportBatchItemFailures]`. Default true; shardflow's handler always reports per record. */
  readonly reportBatchItemFailures?: boolean;
}

/** Handler-side settings of the batch engine. */
export interface EngineSettings {
  /** Default `partitionKey`: a failed key stops, other keys go on. `shard`: first failure stops the batch. `none`: no ordering. */
  readonly ordering?: OrderingMode;
  /** Records of different keys processed at once (a bounded runner: at most this many keys in flight). Default 16. */
  readonly concurrency?: number;
  /** Policy for records no route matches. Default `quarantine` (nothing is dropped silently). */
  readonly unmatched?: UnmatchedPolicy;
  /** Stop starting records when less than this is left before the Lambda deadline. Default 2000 ms. */
  readonly deadlineMarginMs?: number;
  /** Records whose payload exceeds this many bytes are quarantined (`RecordTooLargeError`). Default 1 MiB. */
  readonly maxRecordBytes?: number;
  /** Where permanent failures go. Default: none — they are reported for retry and end in the on-failure destination, locally as in Lambda. */
  readonly quarantine?: QuarantineSinkSpec;
  /**
   * Quarantine entries get the `logging.redact` paths redacted in their payload (Kinesis JSON data,
   * DynamoDB images); non-JSON Kinesis data is dropped (length and SHA-256 kept). Set `true` to keep the
   * records verbatim (redrive-ready, secrets included). Default false.
   */
  readonly keepRedactedInQuarantine?: boolean;
  /** Table for idempotent processors. Required when any routed processor sets `idempotency`. */
  readonly idempotency?: { readonly table: string; readonly ttlSeconds?: number };
}

/** Deploy-side function settings (used by the serverless packaging). */
export interface FunctionSettings {
  /** MB, 128–10240. Default 1024. */
  readonly memorySize?: number;
  /** Seconds, 1–900. Default 60. */
  readonly timeoutSeconds?: number;
  /** Lambda runtime of the function (`nodejs22.x`, `nodejs24.x`); overrides the config's `runtime`. Default `nodejs24.x`. */
  readonly runtime?: string;
  /** Extra environment variables of the deployed function (names Lambda does not reserve). */
  readonly environment?: Readonly<Record<string, string>>;
}

/** One stream function: source, ESM settings, engine settings, routes. */
export interface StreamConfig<TName extends string = string>
  extends EventSourceMappingSettings,
    EngineSettings,
    FunctionSettings {
  readonly source: KinesisSourceConfig | DynamoDBSourceConfig;
  readonly routes: readonly RouteConfig<TName>[];
}

/** The whole application: one source of truth for handlers, the local ESM and deployment. */
export interface ShardflowConfigInput<TProcessors extends readonly AnyProcessor[] = readonly AnyProcessor[]> {
  /** Service name (stack name, log and metric dimension). */
  readonly service: string;
  /** Processors that routes may name by string. Processors referenced as objects need not be listed. */
  readonly processors?: TProcessors;
  readonly streams: Readonly<Record<string, StreamConfig<TProcessors[number]['name']>>>;
  readonly logging?: { readonly level?: string; readonly redact?: readonly string[] };
  readonly metrics?: { readonly enabled?: boolean; readonly namespace?: string };
  /** Lambda runtime of every stream function unless a stream or stage says otherwise. Default `nodejs24.x`. */
  readonly runtime?: string;
  /**
   * Keep the data resources the stack creates (tables, buckets, streams, queues, the KMS key) when the stack is
   * removed (`DeletionPolicy: Retain`). Default false: `remove` deletes them, so a stage can be removed and
   * deployed again. A stage may override it (`stages.prod.retain: true`); see docs/deploy.md.
   */
  readonly retain?: boolean;
  /** Per-stage overrides for deploys (`osls package --stage <name>`); see docs/deploy.md. */
  readonly stages?: StagesConfig;
  /** The app's own resources (buckets, tables) the stack creates and grants to the streams that use them. */
  readonly resources?: Readonly<Record<string, AppResourceConfig>>;
}

/** A validated config, as returned by `defineConfig`. */
export interface ShardflowConfig<TProcessors extends readonly AnyProcessor[] = readonly AnyProcessor[]>
  extends ShardflowConfigInput<TProcessors> {
  readonly kind: 'shardflow.config';
  /** Every processor the config can reach, by name. */
  readonly processorsByName: ReadonlyMap<string, AnyProcessor>;
}
