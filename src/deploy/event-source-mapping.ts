import type { EsmSettings } from '../local/esm/settings.js';
import { ESM_FIELDS } from '../runtime/config/settings/stream.js';
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

const RESOURCE = 'AWS::Lambda::EventSourceMapping.';

/**
 * How a resolved setting is written as its CloudFormation property, for the settings whose value is not written
 * as it is; `undefined` leaves the property out.
 */
const ENCODERS: {
  readonly [K in keyof typeof ESM_FIELDS]?: (
    settings: EsmSettings,
    targets: EventSourceMappingTargets,
  ) => CfnValue | undefined;
} = {
  // CloudFormation takes the timestamp in epoch seconds.
  startingPositionTimestamp: (settings) =>
    settings.startingPositionTimestamp === undefined ? undefined : settings.startingPositionTimestamp.getTime() / 1000,
  filterPatterns: (settings) =>
    settings.filterPatterns.length === 0
      ? undefined
      : { Filters: settings.filterPatterns.map((pattern) => ({ Pattern: JSON.stringify(pattern) })) },
  onFailure: (_settings, targets) =>
    targets.onFailureArn === undefined ? undefined : { OnFailure: { Destination: targets.onFailureArn } },
  metrics: (settings) => (settings.metrics.length === 0 ? undefined : { Metrics: [...settings.metrics] }),
  reportBatchItemFailures: (settings) => (settings.reportBatchItemFailures ? ['ReportBatchItemFailures'] : []),
};

/**
 * The `AWS::Lambda::EventSourceMapping` properties of a stream, derived only from its resolved settings
 * (`resolveEsmSettings`, the same values the local ESM runs with) and the settings table, which names each
 * setting's property. Every setting is written out, defaults included, so an update that drops a setting
 * resets it instead of leaving the old value in place.
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
  };
  for (const [key, field] of Object.entries(ESM_FIELDS)) {
    const encode = ENCODERS[key as keyof typeof ESM_FIELDS];
    const value = encode === undefined ? (settings[key as keyof EsmSettings] as CfnValue) : encode(settings, targets);
    if (value !== undefined) properties[field.cfn.slice(RESOURCE.length)] = value;
  }
  return properties;
}
