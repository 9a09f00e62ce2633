import type { AnyProcessor } from './processor.js';
import type { Flatten, InputOf, ObjectInput } from './schema/nodes.js';
import type { CONFIG_FIELDS, LOGGING_FIELDS, METRICS_FIELDS } from './settings/config.js';
import type {
  DYNAMODB_SOURCE_NODE,
  ENGINE_FIELDS,
  ESM_FIELDS,
  FUNCTION_FIELDS,
  KINESIS_SOURCE_NODE,
  ON_FAILURE_NODE,
  QUARANTINE_NODE,
  ROUTE_NODE,
  STREAM_FIELDS,
} from './settings/stream.js';

/**
 * The config's input types, derived from the settings table (`settings/*.ts`), so that what `tsc` accepts is
 * what `defineConfig` accepts: an unknown key, a wrong type or a value outside a fixed set fails both.
 *
 * @example
 * ```ts
 * const stream: StreamConfig = { source: { type: 'kinesis', stream: 'clicks' }, startingPosition: 'LATEST', routes: [] };
 * ```
 */

/** A Kinesis data stream as the source of a stream function. */
export type KinesisSourceConfig = Flatten<{ readonly type: 'kinesis' } & InputOf<typeof KINESIS_SOURCE_NODE>>;

/** A DynamoDB table's stream as the source of a stream function. */
export type DynamoDBSourceConfig = Flatten<{ readonly type: 'dynamodb' } & InputOf<typeof DYNAMODB_SOURCE_NODE>>;

/** Where Lambda's event source mapping sends the on-failure record of a discarded batch. */
export type OnFailureDestinationConfig = InputOf<typeof ON_FAILURE_NODE>;

/** Where a stream's quarantined records go, as written in `shardflow.config.ts`. */
export type QuarantineSettings = InputOf<typeof QUARANTINE_NODE>;

/** Metrics an event source mapping can publish (`MetricsConfig.Metrics`): polled, filtered, invoked, failed, dropped, on-failure counts. */
export type EsmMetric = InputOf<typeof ESM_FIELDS.metrics.node>[number];

/** Starting positions the ESM accepts. `AT_TIMESTAMP` is valid for Kinesis only. */
export type StartingPosition = InputOf<typeof ESM_FIELDS.startingPosition.node>;

/** How the batch engine keeps order when a record fails. */
export type OrderingMode = InputOf<typeof ENGINE_FIELDS.ordering.node>;

/** What happens to a record no route matches. */
export type UnmatchedPolicy = InputOf<typeof ENGINE_FIELDS.unmatched.node>;

type RouteInput = InputOf<typeof ROUTE_NODE>;

/** One routing rule: records that match go to `processor`. First match wins. */
export type RouteConfig<TName extends string = string> = Flatten<
  Omit<RouteInput, 'processor'> & {
    /** The processor object, or the name of one listed in `processors`. */
    readonly processor: TName | AnyProcessor;
  }
>;

/** Event source mapping settings, named as in shardflow and checked against the Lambda API's ranges. */
export type EventSourceMappingSettings = ObjectInput<typeof ESM_FIELDS>;

/** Handler-side settings of the batch engine. */
export type EngineSettings = ObjectInput<typeof ENGINE_FIELDS>;

/** Deploy-side function settings (used by the serverless packaging), and `discardOnFailure`. */
export type FunctionSettings = ObjectInput<typeof FUNCTION_FIELDS>;

type StreamInput = ObjectInput<typeof STREAM_FIELDS>;

/** One stream function: source, ESM settings, engine settings, function settings, routes. */
export type StreamConfig<TName extends string = string> = Flatten<
  Omit<StreamInput, 'routes'> & { readonly routes: readonly RouteConfig<TName>[] }
>;

/** The `logging` section. */
export type LoggingConfig = ObjectInput<typeof LOGGING_FIELDS>;

/** The `metrics` section. */
export type MetricsConfig = ObjectInput<typeof METRICS_FIELDS>;

type ConfigInput = ObjectInput<typeof CONFIG_FIELDS>;

/** The whole application: one source of truth for handlers, the local ESM and deployment. */
export type ShardflowConfigInput<TProcessors extends readonly AnyProcessor[] = readonly AnyProcessor[]> = Flatten<
  Omit<ConfigInput, 'processors' | 'streams'> & {
    /** Processors that routes may name by string. Processors referenced as objects need not be listed. */
    readonly processors?: TProcessors;
    /** The stream functions, by name. */
    readonly streams: Readonly<Record<string, StreamConfig<TProcessors[number]['name']>>>;
  }
>;

/** A validated config, as returned by `defineConfig`. */
export type ShardflowConfig<TProcessors extends readonly AnyProcessor[] = readonly AnyProcessor[]> = Flatten<
  ShardflowConfigInput<TProcessors> & {
    readonly kind: 'shardflow.config';
    /** Every processor the config can reach, by name. */
    readonly processorsByName: ReadonlyMap<string, AnyProcessor>;
  }
>;
