import { DuplicateNameError } from '../runtime/config/errors.js';
import { DEPLOY_DEFAULTS, IAM_ACTIONS, RETENTION, S3_ON_FAILURE_PREFIX } from '../runtime/stages/constants.js';
import type { ResourceRef, SourceRef } from '../runtime/stages/resource-refs.js';
import { streamAlarms } from './alarms.js';
import type { AppResourcePlan } from './app-resources.js';
import { type CfnOutput, type CfnResource, type CfnValue, getAtt, importValue, join, sub } from './cfn.js';
import type { DeployPlan, StreamDeployPlan } from './deploy-plan.js';
import { eventSourceMappingProperties } from './event-source-mapping.js';
import { functionRole, type Grant } from './iam-policy.js';
import {
  buildOwnedResources,
  IDEMPOTENCY_TABLE_SCHEMA,
  needsStackKey,
  type OwnedResourceRequest,
  ownedResourceArn,
  QUARANTINE_TABLE_SCHEMA,
  stackKeyArn,
} from './owned-resources.js';

/** A function as written under `functions:` in `serverless.yml` (the framework adds the rest). */
export interface ServerlessFunctionDefinition {
  readonly name: string;
  readonly handler: string;
  readonly description: string;
  /** Logical ID of the function's own execution role. */
  readonly role: string;
  readonly memorySize: number;
  readonly timeout: number;
  readonly runtime: string;
  readonly architecture: string;
  readonly environment: Readonly<Record<string, string>>;
  /** The function's log group retention; absent: never expire. */
  readonly logRetentionInDays?: number;
}

/** What shardflow adds to a `serverless.yml` for one stage: its stream functions, their resources and outputs. */
export interface ServerlessSections {
  readonly functions: Readonly<Record<string, ServerlessFunctionDefinition>>;
  readonly resources: {
    readonly Resources: Readonly<Record<string, CfnResource>>;
    readonly Outputs: Readonly<Record<string, CfnOutput>>;
  };
}

function refArn(ref: ResourceRef): CfnValue {
  return ref.logicalId === undefined ? ref.arn! : ownedResourceArn(ref.kind, ref.logicalId);
}

/**
 * The ARN Lambda reads: the stream the stack creates (or the stream of the table it creates), the ARN the
 * config gives, another stack's export, or an existing Kinesis stream of that name in the stage's account.
 *
 * @example
 * ```ts
 * sourceArn(plan.source); // { 'Fn::GetAtt': ['OrdersTable', 'StreamArn'] }
 * ```
 */
export function sourceArn(source: SourceRef): CfnValue {
  switch (source.mode) {
    case 'owned':
      return getAtt(source.logicalId!, source.type === 'kinesis' ? 'Arn' : 'StreamArn');
    case 'arn':
      return source.arn!;
    case 'import':
      return importValue(source.exportName!);
    case 'name':
      return sub(`arn:\${AWS::Partition}:kinesis:\${AWS::Region}:\${AWS::AccountId}:stream/${source.name}`);
  }
}

function ownedRequests(plan: StreamDeployPlan): OwnedResourceRequest[] {
  const requests: OwnedResourceRequest[] = [];
  const { source, stream } = plan;
  if (source.mode === 'owned') {
    const configured = stream.source;
    requests.push({
      logicalId: source.logicalId!,
      name: source.name,
      path: source.path,
      spec:
        configured.type === 'kinesis'
          ? {
              kind: 'kinesis-stream',
              use: 'source',
              shards: configured.shards ?? 1,
              retentionHours: RETENTION.sourceStreamHours,
            }
          : {
              kind: 'dynamodb-table',
              use: 'source',
              schema: {
                partitionKey: configured.keySchema?.partitionKey ?? 'id',
                sortKey: configured.keySchema?.sortKey,
                streamViewType: configured.streamViewType ?? 'NEW_AND_OLD_IMAGES',
              },
            },
    });
  }
  const onFailure = plan.onFailure;
  if (onFailure?.logicalId !== undefined) {
    const base = { logicalId: onFailure.logicalId, name: onFailure.name, path: onFailure.path };
    if (onFailure.kind === 's3-bucket') {
      requests.push({ ...base, spec: { kind: 's3-bucket', requestMetrics: plan.alarms !== undefined } });
    } else if (onFailure.kind === 'sqs-queue') {
      requests.push({ ...base, spec: { kind: 'sqs-queue' } });
    } else if (onFailure.kind === 'sns-topic') {
      requests.push({ ...base, spec: { kind: 'sns-topic' } });
    }
  }
  const quarantine = plan.quarantine;
  if (quarantine?.type === 'resource' && quarantine.resource.logicalId !== undefined) {
    const { logicalId, name, path, kind } = quarantine.resource;
    if (kind === 's3-bucket') requests.push({ logicalId, name, path, spec: { kind, requestMetrics: false } });
    if (kind === 'kinesis-stream') {
      requests.push({
        logicalId,
        name,
        path,
        spec: { kind, use: 'quarantine', shards: 1, retentionHours: RETENTION.quarantineStreamHours },
      });
    }
    if (kind === 'dynamodb-table') {
      requests.push({ logicalId, name, path, spec: { kind, use: 'quarantine', schema: QUARANTINE_TABLE_SCHEMA } });
    }
  }
  const idempotency = plan.idempotency;
  if (idempotency?.logicalId !== undefined) {
    requests.push({
      logicalId: idempotency.logicalId,
      name: idempotency.name,
      path: idempotency.path,
      spec: { kind: 'dynamodb-table', use: 'idempotency', schema: IDEMPOTENCY_TABLE_SCHEMA },
    });
  }
  return requests;
}

function appResourceRequest(resource: AppResourcePlan): OwnedResourceRequest | undefined {
  const { ref, config } = resource;
  if (ref.logicalId === undefined) return undefined;
  const base = { logicalId: ref.logicalId, name: ref.name, path: ref.path };
  if (config.type === 's3') return { ...base, spec: { kind: 's3-bucket', requestMetrics: false } };
  return {
    ...base,
    spec: {
      kind: 'dynamodb-table',
      use: 'application',
      schema: { partitionKey: config.partitionKey!, sortKey: config.sortKey, ttlAttribute: config.ttlAttribute },
    },
  };
}

function objectsArn(bucketArn: CfnValue, prefix: string): CfnValue {
  return join([bucketArn, `/${prefix}*`]);
}

function appGrants(resource: AppResourcePlan): Grant[] {
  const arn = refArn(resource.ref);
  const reads = resource.config.access !== 'write';
  const writes = resource.config.access !== 'read';
  if (resource.config.type === 's3') {
    const objects = objectsArn(arn, resource.config.prefix ?? '');
    return [
      ...(reads ? [{ actions: IAM_ACTIONS.getObject, resources: [objects] }] : []),
      ...(reads ? [{ actions: IAM_ACTIONS.listBucket, resources: [arn] }] : []),
      ...(writes ? [{ actions: IAM_ACTIONS.putObject, resources: [objects] }] : []),
    ];
  }
  return [
    ...(reads ? [{ actions: IAM_ACTIONS.readTable, resources: [arn] }] : []),
    ...(writes ? [{ actions: IAM_ACTIONS.writeTable, resources: [arn] }] : []),
  ];
}

/**
 * Exactly what one stream's function may do: read its own stream; deliver on-failure records to its own
 * destination; write to its own quarantine sink and idempotency table; use the application resources the
 * config gives it; use the stack's KMS key only when its queue or topic is encrypted with it.
 *
 * @example
 * ```ts
 * streamGrants(plan)[0]; // { actions: ['kinesis:DescribeStream', …], resources: [streamArn] }
 * ```
 */
export function streamGrants(plan: StreamDeployPlan): Grant[] {
  const grants: Grant[] = [
    {
      actions: plan.source.type === 'kinesis' ? IAM_ACTIONS.readKinesisStream : IAM_ACTIONS.readDynamoDBStream,
      resources: [sourceArn(plan.source)],
    },
  ];
  const onFailure = plan.onFailure;
  if (onFailure !== undefined) {
    const arn = refArn(onFailure);
    if (onFailure.kind === 'sqs-queue') grants.push({ actions: IAM_ACTIONS.sendToQueue, resources: [arn] });
    if (onFailure.kind === 'sns-topic') grants.push({ actions: IAM_ACTIONS.publishToTopic, resources: [arn] });
    if (onFailure.kind === 's3-bucket') {
      grants.push({ actions: IAM_ACTIONS.putObject, resources: [objectsArn(arn, S3_ON_FAILURE_PREFIX)] });
      grants.push({ actions: IAM_ACTIONS.listBucket, resources: [arn] });
    }
  }
  const quarantine = plan.quarantine;
  if (quarantine?.type === 'sqs-url') grants.push({ actions: IAM_ACTIONS.sendToQueue, resources: [quarantine.arn] });
  if (quarantine?.type === 'resource') {
    const arn = refArn(quarantine.resource);
    if (quarantine.resource.kind === 's3-bucket') {
      grants.push({ actions: IAM_ACTIONS.putObject, resources: [objectsArn(arn, quarantine.prefix ?? '')] });
    }
    if (quarantine.resource.kind === 'kinesis-stream') {
      grants.push({ actions: IAM_ACTIONS.putKinesisRecords, resources: [arn] });
    }
    if (quarantine.resource.kind === 'dynamodb-table') {
      grants.push({ actions: IAM_ACTIONS.writeQuarantineTable, resources: [arn] });
    }
  }
  if (plan.idempotency !== undefined) {
    grants.push({ actions: IAM_ACTIONS.idempotencyTable, resources: [refArn(plan.idempotency)] });
  }
  for (const resource of plan.appResources) grants.push(...appGrants(resource));
  if (needsStackKey(ownedRequests(plan))) grants.push({ actions: IAM_ACTIONS.useStackKey, resources: [stackKeyArn()] });
  return grants;
}

function processorNames(plan: StreamDeployPlan): string[] {
  const names = plan.stream.routes.map((route) =>
    typeof route.processor === 'string' ? route.processor : route.processor.name,
  );
  return [...new Set(names)];
}

function functionDefinition(
  plan: StreamDeployPlan,
  stage: string,
  retentionDays: number | undefined,
): ServerlessFunctionDefinition {
  const environment: Record<string, string> = {
    ...plan.stream.environment,
    NODE_OPTIONS: '--enable-source-maps',
    SHARDFLOW_STAGE: stage,
  };
  for (const resource of plan.appResources) {
    if (resource.config.env !== undefined) environment[resource.config.env] = resource.ref.name;
  }
  const description = `shardflow: ${plan.source.type} ${plan.source.name} → ${processorNames(plan).join(', ')}`;
  return {
    name: plan.functionName,
    handler: DEPLOY_DEFAULTS.handler,
    description: description.length > 256 ? `${description.slice(0, 255)}…` : description,
    role: plan.ids.role,
    memorySize: plan.esm.memorySize,
    timeout: plan.esm.timeoutSeconds,
    runtime: plan.runtime,
    architecture: plan.architecture,
    environment,
    ...(retentionDays === undefined ? {} : { logRetentionInDays: retentionDays }),
  };
}

function output(plan: DeployPlan, key: string, description: string, value: CfnValue): [string, CfnOutput] {
  return [key, { Description: description, Value: value, Export: { Name: `${plan.service}-${plan.stage}-${key}` } }];
}

function streamOutputs(plan: DeployPlan, stream: StreamDeployPlan): [string, CfnOutput][] {
  const base = stream.ids.function.replace(/LambdaFunction$/, '');
  const outputs = [
    output(plan, `${base}FunctionName`, `Function of stream ${stream.name}`, stream.functionName),
    output(plan, `${base}SourceArn`, `Source of stream ${stream.name}`, sourceArn(stream.source)),
  ];
  if (stream.onFailure !== undefined) {
    outputs.push(
      output(
        plan,
        `${base}OnFailureDestinationArn`,
        `On-failure destination of stream ${stream.name}`,
        refArn(stream.onFailure),
      ),
    );
  }
  return outputs;
}

function add(resources: Record<string, CfnResource>, logicalId: string, resource: CfnResource, path: string): void {
  if (Object.hasOwn(resources, logicalId)) {
    throw new DuplicateNameError(path, `two generated resources would both have the logical ID ${logicalId}`);
  }
  resources[logicalId] = resource;
}

/**
 * The functions and resources shardflow adds to a `serverless.yml` for one stage, from its
 * {@link DeployPlan}. Per stream: the function (runtime, arm64, memory, timeout, log retention), its own
 * execution role ({@link streamGrants}), its `AWS::Lambda::EventSourceMapping`
 * ({@link eventSourceMappingProperties} of the plan's `resolveEsmSettings`) and its alarms; once: every
 * resource the stack creates, and outputs naming what the benchmarks and the redrive tool look up.
 *
 * @throws {DuplicateNameError} when two resources would collide
 *
 * @example
 * ```ts
 * const sections = buildServerlessSections(planDeployment(config, 'prod'));
 * sections.functions.orders?.name; // 'shop-analytics-prod-orders'
 * ```
 */
export function buildServerlessSections(plan: DeployPlan): ServerlessSections {
  const requests = [
    ...plan.streams.flatMap(ownedRequests),
    ...plan.appResources.flatMap((resource) => appResourceRequest(resource) ?? []),
  ];
  const resources: Record<string, CfnResource> = {};
  for (const [logicalId, resource] of Object.entries(buildOwnedResources(requests, plan))) {
    add(resources, logicalId, resource, 'resources');
  }
  const functions: Record<string, ServerlessFunctionDefinition> = {};
  const outputs: [string, CfnOutput][] = [];
  for (const stream of plan.streams) {
    functions[stream.name] = functionDefinition(stream, plan.stage, plan.retentionDays);
    add(resources, stream.ids.role, functionRole(stream.functionName, streamGrants(stream)), stream.path);
    add(
      resources,
      stream.ids.eventSourceMapping,
      {
        Type: 'AWS::Lambda::EventSourceMapping',
        // The role's policy must exist before Lambda checks that the role can read the stream.
        DependsOn: [stream.ids.role],
        Properties: eventSourceMappingProperties(stream.esm, {
          functionArn: getAtt(stream.ids.function, 'Arn'),
          eventSourceArn: sourceArn(stream.source),
          onFailureArn: stream.onFailure === undefined ? undefined : refArn(stream.onFailure),
        }),
      },
      stream.path,
    );
    for (const [logicalId, alarm] of Object.entries(streamAlarms(stream)))
      add(resources, logicalId, alarm, stream.path);
    outputs.push(...streamOutputs(plan, stream));
  }
  return { functions, resources: { Resources: resources, Outputs: Object.fromEntries(outputs) } };
}
