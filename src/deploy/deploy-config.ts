import type {
  DynamoDBSourceConfig,
  KinesisSourceConfig,
  ShardflowConfigInput,
  StreamConfig,
} from '../runtime/config/types.js';
import type { StagesConfig } from '../runtime/stages/stage-overrides.js';
import type { AppResourceConfig } from './app-resources.js';

/** Deploy-only settings of a stream's source. */
export interface DeploySourceSettings {
  /** The stack creates the stream (Kinesis, with `shards`) or the table and its stream (DynamoDB), named `<name>-<stage>`. */
  readonly create?: boolean;
  /** Name of a CloudFormation export (another stack's output) holding the stream ARN. */
  readonly import?: string;
}

/** Deploy-only sections of a config. */
export interface DeployConfigSections {
  /** Per-stage overrides (memory, batch size, log level, alarms, log retention). */
  readonly stages?: StagesConfig;
  /** Resources the processors use: created or referenced by the stack, granted to the functions that use them. */
  readonly resources?: Readonly<Record<string, AppResourceConfig>>;
}

/**
 * A config with the deploy settings spelled out in its type: `source.create` / `source.import`, `stages` and
 * `resources`. Useful to type a config object before handing it to `defineConfig`.
 *
 * @example
 * ```ts
 * const input: DeployableConfigInput = { service: 'shop', streams: { … }, stages: { prod: { memorySize: 2048 } } };
 * export default defineConfig(input as ShardflowConfigInput);
 * ```
 */
export type DeployableConfigInput = Omit<ShardflowConfigInput, 'streams'> &
  DeployConfigSections & {
    readonly streams: Readonly<
      Record<
        string,
        Omit<StreamConfig, 'source'> & {
          readonly source: (KinesisSourceConfig | DynamoDBSourceConfig) & DeploySourceSettings;
        }
      >
    >;
  };
