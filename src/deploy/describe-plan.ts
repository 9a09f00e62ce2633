import type { QuarantineRef, ResourceRef, SourceRef } from '../runtime/stages/resource-refs.js';
import type { DeployPlan, StreamDeployPlan } from './deploy-plan.js';

const KIND: Readonly<Record<ResourceRef['kind'], string>> = {
  's3-bucket': 's3',
  'sqs-queue': 'sqs',
  'sns-topic': 'sns',
  'dynamodb-table': 'dynamodb',
  'kinesis-stream': 'kinesis',
};

function resource(ref: ResourceRef): string {
  return `${KIND[ref.kind]} ${ref.name} (${ref.owned ? 'created' : 'existing'})`;
}

function source(ref: SourceRef): string {
  const how = { owned: 'created', arn: 'existing', import: `imported from ${ref.exportName}`, name: 'existing' }[
    ref.mode
  ];
  return `${ref.type} ${ref.name} (${how})`;
}

function quarantine(ref: QuarantineRef | undefined): string {
  if (ref === undefined) return 'none';
  if (ref.type === 'resource') return resource(ref.resource);
  if (ref.type === 'sqs-url') return `sqs ${ref.queueUrl} (existing)`;
  return 'function (no permissions granted)';
}

function streamLine(stream: StreamDeployPlan): string {
  const parts = [
    `${stream.name}: ${stream.functionName}`,
    `source ${source(stream.source)}`,
    `${stream.runtime} ${stream.architecture}, batch ${stream.esm.batchSize}, ${stream.esm.memorySize} MB, ${stream.esm.timeoutSeconds} s`,
    `on failure ${stream.onFailure === undefined ? (stream.stream.discardOnFailure ? 'discard' : 'none') : resource(stream.onFailure)}`,
    `quarantine ${quarantine(stream.quarantine)}`,
  ];
  if (stream.idempotency !== undefined) parts.push(`idempotency ${resource(stream.idempotency)}`);
  if (stream.alarms !== undefined) parts.push('alarms on');
  return parts.join(' · ');
}

/**
 * A few lines saying what a stage deploys: per stream its function, source, batch size, memory, timeout,
 * destination, quarantine sink and idempotency table (created by the stack or existing); then the
 * application resources and the plan's warnings.
 *
 * @example
 * ```ts
 * for (const line of describePlan(planDeployment(config, 'prod'))) console.log(line);
 * ```
 */
export function describePlan(plan: DeployPlan): string[] {
  const lines = [
    `stage ${plan.stage}: ${plan.streams.length} function(s), data resources ${plan.retain ? 'retained' : 'deleted'} on remove`,
  ];
  for (const stream of plan.streams) lines.push(`  ${streamLine(stream)}`);
  for (const app of plan.appResources) {
    lines.push(`  resource ${app.key}: ${resource(app.ref)}, ${app.config.access} for ${app.streams.join(', ')}`);
  }
  for (const warning of plan.warnings) lines.push(`  warning: ${warning}`);
  return lines;
}
