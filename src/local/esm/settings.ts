import type {
  EsmMetric,
  OnFailureDestinationConfig,
  StartingPosition,
  StreamConfig,
} from '../../runtime/config/types.js';
import type { EventPattern } from '../../runtime/routing/index.js';

/** A stream's event source mapping settings with AWS's defaults filled in. */
export interface EsmSettings {
  readonly sourceType: 'kinesis' | 'dynamodb';
  readonly batchSize: number;
  readonly batchWindowSeconds: number;
  readonly startingPosition: StartingPosition;
  readonly startingPositionTimestamp: Date | undefined;
  readonly parallelizationFactor: number;
  readonly bisectOnError: boolean;
  /** -1 = retry until the record expires. */
  readonly maxRetries: number;
  /** -1 = never expire (within the stream's retention). */
  readonly maxRecordAgeSeconds: number;
  readonly tumblingWindowSeconds: number;
  readonly filterPatterns: readonly EventPattern[];
  readonly reportBatchItemFailures: boolean;
  readonly onFailure: OnFailureDestinationConfig | undefined;
  /** `MetricsConfig.Metrics`: the mapping's own event counts (polled, filtered, invoked, failed, dropped, on-failure). */
  readonly metrics: readonly EsmMetric[];
  readonly timeoutSeconds: number;
  readonly memorySize: number;
}

/** AWS's defaults for stream event source mappings (CreateEventSourceMapping API reference). */
export const ESM_DEFAULTS = {
  batchSize: 100,
  batchWindowSeconds: 0,
  parallelizationFactor: 1,
  bisectOnError: false,
  maxRetries: -1,
  maxRecordAgeSeconds: -1,
  tumblingWindowSeconds: 0,
  /** shardflow's default (AWS's is none): the mapping's event counts, so dashboards show what it polled and dropped. */
  metrics: ['EventCount'] as readonly EsmMetric[],
  timeoutSeconds: 60,
  memorySize: 1024,
} as const;

/** Lambda's synchronous invocation payload limit: a batch never exceeds it. */
export const INVOKE_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * The event source mapping settings of a stream, with defaults applied. The one function both the
 * local ESM and the deploy packaging read, so what runs locally is what gets deployed.
 *
 * @example
 * ```ts
 * const settings = resolveEsmSettings(config.streams.orders);
 * settings.batchSize; // 100 unless configured
 * ```
 */
export function resolveEsmSettings(stream: StreamConfig): EsmSettings {
  const timestamp = stream.startingPositionTimestamp;
  return {
    sourceType: stream.source.type,
    batchSize: stream.batchSize ?? ESM_DEFAULTS.batchSize,
    batchWindowSeconds: stream.batchWindowSeconds ?? ESM_DEFAULTS.batchWindowSeconds,
    startingPosition: stream.startingPosition,
    startingPositionTimestamp:
      timestamp === undefined ? undefined : new Date(typeof timestamp === 'number' ? timestamp * 1000 : timestamp),
    parallelizationFactor: stream.parallelizationFactor ?? ESM_DEFAULTS.parallelizationFactor,
    bisectOnError: stream.bisectOnError ?? ESM_DEFAULTS.bisectOnError,
    maxRetries: stream.maxRetries ?? ESM_DEFAULTS.maxRetries,
    maxRecordAgeSeconds: stream.maxRecordAgeSeconds ?? ESM_DEFAULTS.maxRecordAgeSeconds,
    tumblingWindowSeconds: stream.tumblingWindowSeconds ?? ESM_DEFAULTS.tumblingWindowSeconds,
    filterPatterns: stream.filterPatterns ?? [],
    reportBatchItemFailures: stream.reportBatchItemFailures ?? true,
    onFailure: stream.onFailure,
    metrics: stream.metrics ?? ESM_DEFAULTS.metrics,
    timeoutSeconds: stream.timeoutSeconds ?? ESM_DEFAULTS.timeoutSeconds,
    memorySize: stream.memorySize ?? ESM_DEFAULTS.memorySize,
  };
}
