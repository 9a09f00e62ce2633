import type { EsmSettings } from '../local/esm/settings.js';
import type { CfnValue } from './cfn.js';

/** What an event source mapping connects: the function, its source and its on-failure destination. */
export interface EventSourceMappingTargets {
  /** ARN of the function (`Fn::GetAtt` of the framework's function resource). */
  readonly functionArn: CfnValue;
  /** ARN of the Kinesis stream or DynamoDB stream. */
  readonly eventSourceArn: CfnValue;
  /** ARN of the on-failure destination, when the stream has one. */
  readonly onFailureArn: CfnValue | undefined;
}

/**
 * The `AWS::Lambda::EventSourceMapping` properties of a stream, derived only from its resolved settings
 * (`resolveEsmSettings`, the same values the local ESM runs with). Every setting is written out, defaults
 * included, so an update that drops a setting resets it instead of leaving the old value in place.
 *
 * @example
 * ```ts
 * const properties = eventSourceMappingProperties(resolveEsmSettings(stream), {
 *   functionArn: getAtt('OrdersLambdaFunction', 'Arn'),
 *   eventSourceArn: getAtt('OrdersTable', 'StreamArn'),
 *   onFailureArn: getAtt('OrdersFailuresQueue', 'Arn'),
 * });
 * properties.BatchSize; // 100
 * ```
 */
export function eventSourceMappingProperties(
  settings: EsmSettings,
  targets: EventSourceMappingTargets,
): Record<string, CfnValue> {
  if ((settings.onFailure === undefined) !== (targets.onFailureArn === undefined)) {
    throw new TypeError('an on-failure destination ARN is needed exactly when the settings have onFailure');
  }
  const properties: Record<string, CfnValue> = {
    FunctionName: targets.functionArn,
    EventSourceArn: targets.eventSourceArn,
    StartingPosition: settings.startingPosition,
    BatchSize: settings.batchSize,
    MaximumBatchingWindowInSeconds: settings.batchWindowSeconds,
    ParallelizationFactor: settings.parallelizationFactor,
    BisectBatchOnFunctionError: settings.bisectOnError,
    MaximumRetryAttempts: settings.maxRetries,
    MaximumRecordAgeInSeconds: settings.maxRecordAgeSeconds,
    TumblingWindowInSeconds: settings.tumblingWindowSeconds,
    FunctionResponseTypes: settings.reportBatchItemFailures ? ['ReportBatchItemFailures'] : [],
  };
  if (settings.startingPositionTimestamp !== undefined) {
    // CloudFormation takes the timestamp in epoch seconds.
    properties.StartingPositionTimestamp = settings.startingPositionTimestamp.getTime() / 1000;
  }
  if (settings.filterPatterns.length > 0) {
    properties.FilterCriteria = {
      Filters: settings.filterPatterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })),
    };
  }
  if (settings.metrics.length > 0) properties.MetricsConfig = { Metrics: [...settings.metrics] };
  if (targets.onFailureArn !== undefined) {
    properties.DestinationConfig = { OnFailure: { Destination: targets.onFailureArn } };
  }
  return properties;
}
