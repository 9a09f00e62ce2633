import { ALARM_DEFAULTS, S3_METRICS_FILTER_ID } from '../runtime/stages/constants.js';
import { type CfnResource, type CfnValue, getAtt, ref } from './cfn.js';
import type { StreamDeployPlan } from './deploy-plan.js';

/** The metric that shows records reaching a stream's on-failure destination. */
export interface DestinationMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: 'Maximum' | 'Sum';
  readonly dimensions: readonly { readonly Name: string; readonly Value: CfnValue }[];
  /** Words for the alarm description. */
  readonly what: string;
}

/**
 * The depth metric of a stream's on-failure destination: visible messages of an SQS queue, messages
 * published to an SNS topic, or `PutRequests` on an S3 bucket the stack owns (request metrics are turned on
 * for it). `undefined` when there is no destination, or for an existing bucket (its request metrics are not
 * the stack's to turn on).
 *
 * @example
 * ```ts
 * destinationDepthMetric(plan)?.metricName; // 'ApproximateNumberOfMessagesVisible'
 * ```
 */
export function destinationDepthMetric(plan: StreamDeployPlan): DestinationMetric | undefined {
  const destination = plan.onFailure;
  if (destination === undefined) return undefined;
  const owned = destination.logicalId;
  switch (destination.kind) {
    case 'sqs-queue':
      return {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        statistic: 'Maximum',
        dimensions: [{ Name: 'QueueName', Value: owned ? getAtt(owned, 'QueueName') : destination.name }],
        what: `on-failure records waiting in queue ${destination.name}`,
      };
    case 'sns-topic':
      return {
        namespace: 'AWS/SNS',
        metricName: 'NumberOfMessagesPublished',
        statistic: 'Sum',
        dimensions: [{ Name: 'TopicName', Value: owned ? getAtt(owned, 'TopicName') : destination.name }],
        what: `on-failure records published to topic ${destination.name}`,
      };
    case 's3-bucket':
      if (!owned) return undefined;
      return {
        namespace: 'AWS/S3',
        metricName: 'PutRequests',
        statistic: 'Sum',
        dimensions: [
          { Name: 'BucketName', Value: ref(owned) },
          { Name: 'FilterId', Value: S3_METRICS_FILTER_ID },
        ],
        what: `on-failure records written to bucket ${destination.name}`,
      };
    default:
      return undefined;
  }
}

function alarm(
  name: string,
  description: string,
  metric: Omit<DestinationMetric, 'what'>,
  threshold: number,
  evaluationPeriods: number,
  actions: readonly string[],
): CfnResource {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: name,
      AlarmDescription: description,
      Namespace: metric.namespace,
      MetricName: metric.metricName,
      Dimensions: [...metric.dimensions],
      Statistic: metric.statistic,
      Period: ALARM_DEFAULTS.periodSeconds,
      EvaluationPeriods: evaluationPeriods,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ...(actions.length === 0 ? {} : { AlarmActions: [...actions], OKActions: [...actions] }),
    },
  };
}

/**
 * The CloudWatch alarms of one stream, when its stage turns them on: IteratorAge (the function falls behind
 * its stream), Errors (whole batches failing) and the depth of its on-failure destination (records were
 * given up on). Empty when alarms are off.
 *
 * @example
 * ```ts
 * Object.keys(streamAlarms(plan)); // ['OrdersIteratorAgeAlarm', 'OrdersErrorsAlarm', 'OrdersOnFailureDepthAlarm']
 * ```
 */
export function streamAlarms(plan: StreamDeployPlan): Record<string, CfnResource> {
  const settings = plan.alarms;
  if (settings === undefined) return {};
  const fn = [{ Name: 'FunctionName', Value: ref(plan.ids.function) }];
  const alarms: Record<string, CfnResource> = {
    [plan.ids.iteratorAgeAlarm]: alarm(
      `${plan.functionName}-iterator-age`,
      `${plan.functionName} is ${settings.iteratorAgeSeconds} s or more behind its stream`,
      { namespace: 'AWS/Lambda', metricName: 'IteratorAge', statistic: 'Maximum', dimensions: fn },
      settings.iteratorAgeSeconds * 1000,
      settings.evaluationPeriods,
      settings.actions,
    ),
    [plan.ids.errorsAlarm]: alarm(
      `${plan.functionName}-errors`,
      `${plan.functionName} failed whole batches (the handler threw)`,
      { namespace: 'AWS/Lambda', metricName: 'Errors', statistic: 'Sum', dimensions: fn },
      settings.errors,
      1,
      settings.actions,
    ),
  };
  const depth = destinationDepthMetric(plan);
  if (depth !== undefined) {
    alarms[plan.ids.destinationDepthAlarm] = alarm(
      `${plan.functionName}-on-failure`,
      `${plan.functionName}: ${depth.what}`,
      depth,
      settings.destinationDepth,
      1,
      settings.actions,
    );
  }
  return alarms;
}
