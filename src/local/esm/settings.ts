import { ESM_FIELDS, FUNCTION_FIELDS } from '../../runtime/config/settings/stream.js';
import type { OnFailureDestinationConfig, StreamConfig } from '../../runtime/config/types.js';

/** The event source mapping settings a stream resolves: the table's `ESM_FIELDS` (every one maps to the Lambda API). */
type EsmKey = keyof typeof ESM_FIELDS;

/** A stream's event source mapping settings with the defaults of the settings table filled in. */
export type EsmSettings = {
  readonly [K in Exclude<EsmKey, 'startingPositionTimestamp' | 'onFailure'>]-?: Exclude<StreamConfig[K], undefined>;
} & {
  readonly sourceType: 'kinesis' | 'dynamodb';
  /** `AT_TIMESTAMP` only. */
  readonly startingPositionTimestamp: Date | undefined;
  readonly onFailure: OnFailureDestinationConfig | undefined;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
};

/** Lambda's synchronous invocation payload limit: a batch never exceeds it. */
export const INVOKE_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * The event source mapping settings of a stream, with the settings table's defaults applied. The one function
 * both the local ESM and the deploy packaging read, so what runs locally is what gets deployed.
 *
 * @example
 * ```ts
 * const settings = resolveEsmSettings(config.streams.orders);
 * settings.batchSize; // 100 unless configured
 * ```
 */
export function resolveEsmSettings(stream: StreamConfig): EsmSettings {
  const resolved: Record<string, unknown> = { sourceType: stream.source.type };
  for (const [key, field] of Object.entries(ESM_FIELDS)) {
    resolved[key] = stream[key as EsmKey] ?? ('default' in field ? field.default : undefined);
  }
  const timestamp = stream.startingPositionTimestamp;
  resolved.startingPositionTimestamp =
    timestamp === undefined ? undefined : new Date(typeof timestamp === 'number' ? timestamp * 1000 : timestamp);
  resolved.timeoutSeconds = stream.timeoutSeconds ?? FUNCTION_FIELDS.timeoutSeconds.default;
  resolved.memorySize = stream.memorySize ?? FUNCTION_FIELDS.memorySize.default;
  return resolved as EsmSettings;
}
