import { DuplicateNameError } from '../runtime/config/errors.js';
import { IdempotencyAttribute } from '../runtime/processing/idempotency/constants.js';
import {
  BASIC_EXECUTION_POLICY,
  DEPLOY_DEFAULTS,
  RETENTION,
  S3_METRICS_FILTER_ID,
} from '../runtime/stages/constants.js';
import type { ResourceKind } from '../runtime/stages/deploy-names.js';
import { type CfnResource, type CfnValue, getAtt, join, ref, sub } from './cfn.js';

/** Key schema and stream of a DynamoDB table the stack creates. */
export interface TableSchema {
  readonly partitionKey: string;
  readonly sortKey?: string | undefined;
  readonly ttlAttribute?: string | undefined;
  /** Set for source tables: the stream Lambda reads. */
  readonly streamViewType?: string | undefined;
}

/** How a resource the stack creates is configured. */
export type OwnedResourceSpec =
  | { readonly kind: 's3-bucket'; readonly requestMetrics: boolean }
  | { readonly kind: 'sqs-queue' }
  | { readonly kind: 'sns-topic' }
  | { readonly kind: 'dynamodb-table'; readonly use: string; readonly schema: TableSchema }
  | { readonly kind: 'kinesis-stream'; readonly use: string; readonly shards: number; readonly retentionHours: number };

/** One use of a resource the stack creates (several streams may use the same one). */
export interface OwnedResourceRequest {
  readonly logicalId: string;
  /** Physical name in the stage. */
  readonly name: string;
  /** Where the config names it. */
  readonly path: string;
  readonly spec: OwnedResourceSpec;
}

/** The stack's KMS key, created when a queue or topic the stack owns needs encryption. */
export const STACK_KEY_LOGICAL_ID = 'ShardflowKmsKey';

/** Deletion policies of a data resource: kept when the user asks (`retain: true`), deleted with the stack otherwise. */
function policies(retain: boolean) {
  return retain
    ? ({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } as const)
    : ({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' } as const);
}

/** The function that empties the stack's own buckets before CloudFormation deletes them (`retain: false`). */
export const BUCKET_EMPTIER_LOGICAL_ID = 'ShardflowBucketEmptier';

/**
 * Inline code (CommonJS, AWS SDK v3 from the Lambda runtime) of the bucket emptier: on `Delete` it deletes
 * every object of the bucket, then answers CloudFormation through the pre-signed response URL.
 */
const BUCKET_EMPTIER_SOURCE = `const { S3Client, ListObjectsV2Command, DeleteObjectsCommand } = require('@aws-sdk/client-s3');
const s3 = new S3Client({});
async function empty(Bucket) {
  let ContinuationToken;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket, ContinuationToken }));
    const Objects = (page.Contents || []).map((object) => ({ Key: object.Key }));
    if (Objects.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
}
exports.handler = async (event, context) => {
  const bucket = event.ResourceProperties.BucketName;
  let Status = 'SUCCESS';
  let Reason = 'see CloudWatch Logs ' + context.logStreamName;
  try {
    if (event.RequestType === 'Delete') await empty(bucket);
  } catch (error) {
    if (error.name !== 'NoSuchBucket') { Status = 'FAILED'; Reason = String(error).slice(0, 1000); console.error(error); }
  }
  const body = JSON.stringify({ Status, Reason, PhysicalResourceId: event.PhysicalResourceId || bucket,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId });
  await fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
};
`;

function bucketEmptier(bucketLogicalIds: readonly string[]): Record<string, CfnResource> {
  const roleId = `${BUCKET_EMPTIER_LOGICAL_ID}Role`;
  const arns = bucketLogicalIds.map((id) => getAtt(id, 'Arn'));
  const resources: Record<string, CfnResource> = {
    [roleId]: {
      Type: 'AWS::IAM::Role',
      Properties: {
        Description: 'shardflow: empties the buckets of the stack when the stack is removed',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        ManagedPolicyArns: [sub(BASIC_EXECUTION_POLICY)],
        Policies: [
          {
            PolicyName: 'shardflow-empty-buckets',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: arns },
                { Effect: 'Allow', Action: ['s3:DeleteObject'], Resource: arns.map((arn) => join([arn, '/*'])) },
              ],
            },
          },
        ],
      },
    },
    [BUCKET_EMPTIER_LOGICAL_ID]: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Description: 'shardflow: empties the buckets of the stack when the stack is removed',
        Runtime: DEPLOY_DEFAULTS.runtime,
        Architectures: [DEPLOY_DEFAULTS.architecture],
        Handler: 'index.handler',
        MemorySize: 256,
        Timeout: 900,
        Role: getAtt(roleId, 'Arn'),
        Code: { ZipFile: BUCKET_EMPTIER_SOURCE },
      },
    },
  };
  for (const id of bucketLogicalIds) {
    resources[`${id}Emptier`] = {
      Type: 'Custom::ShardflowEmptyBucket',
      Properties: { ServiceToken: getAtt(BUCKET_EMPTIER_LOGICAL_ID, 'Arn'), BucketName: ref(id) },
    };
  }
  return resources;
}

/** The identity of a use: uses with different identities cannot share one resource. */
function useOf(spec: OwnedResourceSpec): string {
  switch (spec.kind) {
    case 'dynamodb-table':
      return `${spec.use} table ${JSON.stringify(spec.schema)}`;
    case 'kinesis-stream':
      return `${spec.use} stream (${spec.shards} shards, ${spec.retentionHours} h)`;
    default:
      return spec.kind;
  }
}

function merge(requests: readonly OwnedResourceRequest[]): Map<string, OwnedResourceRequest> {
  const merged = new Map<string, OwnedResourceRequest>();
  for (const request of requests) {
    const existing = merged.get(request.logicalId);
    if (existing === undefined) {
      merged.set(request.logicalId, request);
      continue;
    }
    if (existing.name !== request.name || existing.spec.kind !== request.spec.kind) {
      throw new DuplicateNameError(
        request.path,
        `'${request.name}' and '${existing.name}' (${existing.path}) would both be the resource ${request.logicalId}: choose names that differ in more than punctuation`,
      );
    }
    if (useOf(existing.spec) !== useOf(request.spec)) {
      throw new DuplicateNameError(
        request.path,
        `'${request.name}' is used as a ${useOf(request.spec)} here and as a ${useOf(existing.spec)} at ${existing.path}: one resource cannot be both`,
      );
    }
    if (existing.spec.kind === 's3-bucket' && request.spec.kind === 's3-bucket' && request.spec.requestMetrics) {
      merged.set(request.logicalId, { ...existing, spec: { kind: 's3-bucket', requestMetrics: true } });
    }
  }
  return merged;
}

function bucket(name: string, requestMetrics: boolean, retain: boolean): CfnResource {
  return {
    Type: 'AWS::S3::Bucket',
    ...policies(retain),
    Properties: {
      BucketName: name,
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      ...(requestMetrics ? { MetricsConfigurations: [{ Id: S3_METRICS_FILTER_ID }] } : {}),
    },
  };
}

/** Denies every request that does not use TLS. */
function tlsOnlyPolicy(bucketLogicalId: string): CfnResource {
  const arn = getAtt(bucketLogicalId, 'Arn');
  return {
    Type: 'AWS::S3::BucketPolicy',
    Properties: {
      Bucket: ref(bucketLogicalId),
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [arn, join([arn, '/*'])],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  };
}

function table(name: string, schema: TableSchema, retain: boolean): CfnResource {
  const keys = [schema.partitionKey, ...(schema.sortKey === undefined ? [] : [schema.sortKey])];
  return {
    Type: 'AWS::DynamoDB::Table',
    ...policies(retain),
    Properties: {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keys.map((key) => ({ AttributeName: key, AttributeType: 'S' })),
      KeySchema: keys.map((key, i) => ({ AttributeName: key, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      ...(schema.ttlAttribute === undefined
        ? {}
        : { TimeToLiveSpecification: { AttributeName: schema.ttlAttribute, Enabled: true } }),
      ...(schema.streamViewType === undefined
        ? {}
        : { StreamSpecification: { StreamViewType: schema.streamViewType } }),
    },
  };
}

function stream(name: string, shards: number, retentionHours: number, retain: boolean): CfnResource {
  return {
    Type: 'AWS::Kinesis::Stream',
    ...policies(retain),
    Properties: {
      Name: name,
      ShardCount: shards,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: retentionHours,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    },
  };
}

function queue(name: string, retain: boolean): CfnResource {
  return {
    Type: 'AWS::SQS::Queue',
    ...policies(retain),
    Properties: {
      QueueName: name,
      MessageRetentionPeriod: RETENTION.onFailureQueueSeconds,
      KmsMasterKeyId: getAtt(STACK_KEY_LOGICAL_ID, 'Arn'),
      KmsDataKeyReusePeriodSeconds: 300,
    },
  };
}

function topic(name: string): CfnResource {
  return {
    Type: 'AWS::SNS::Topic',
    Properties: { TopicName: name, KmsMasterKeyId: getAtt(STACK_KEY_LOGICAL_ID, 'Arn') },
  };
}

function stackKey(service: string, stage: string, retain: boolean): Record<string, CfnResource> {
  return {
    [STACK_KEY_LOGICAL_ID]: {
      Type: 'AWS::KMS::Key',
      ...policies(retain),
      Properties: {
        Description: `shardflow ${service} (${stage}): encrypts the on-failure queues and topics`,
        EnableKeyRotation: true,
        // Removed with the stack: the shortest waiting period AWS allows before the key is deleted.
        ...(retain ? {} : { PendingWindowInDays: 7 }),
      },
    },
    [`${STACK_KEY_LOGICAL_ID}Alias`]: {
      Type: 'AWS::KMS::Alias',
      Properties: { AliasName: `alias/${service}-${stage}-shardflow`, TargetKeyId: ref(STACK_KEY_LOGICAL_ID) },
    },
  };
}

/**
 * Whether a set of requests needs the stack's KMS key (queues and topics the stack creates are encrypted with it).
 *
 * @example
 * ```ts
 * if (needsStackKey(requests)) grants.push({ actions: IAM_ACTIONS.useStackKey, resources: [stackKeyArn()] });
 * ```
 */
export function needsStackKey(requests: readonly OwnedResourceRequest[]): boolean {
  return requests.some((request) => request.spec.kind === 'sqs-queue' || request.spec.kind === 'sns-topic');
}

/**
 * The ARN of the stack's KMS key.
 *
 * @example
 * ```ts
 * stackKeyArn(); // { 'Fn::GetAtt': ['ShardflowKmsKey', 'Arn'] }
 * ```
 */
export function stackKeyArn(): CfnValue {
  return getAtt(STACK_KEY_LOGICAL_ID, 'Arn');
}

/**
 * The ARN of a resource the stack creates, from its logical ID.
 *
 * @example
 * ```ts
 * ownedResourceArn('sns-topic', 'FailuresTopic'); // { Ref: 'FailuresTopic' } (a topic's Ref is its ARN)
 * ```
 */
export function ownedResourceArn(kind: ResourceKind, logicalId: string): CfnValue {
  return kind === 'sns-topic' ? ref(logicalId) : getAtt(logicalId, 'Arn');
}

/**
 * The CloudFormation resources for everything the stack creates: S3 buckets (AES-256, public access blocked,
 * TLS-only policy, owner-enforced), SQS queues (the stack's KMS key, 14-day retention), SNS topics (KMS),
 * DynamoDB tables (on-demand, encrypted, point-in-time recovery, TTL where asked), Kinesis streams (KMS),
 * and the stack's KMS key when a queue or topic needs it. Several uses of one resource become one resource;
 * uses that cannot share one (an idempotency table that is also a quarantine table) are an error.
 * With `retain`, resources that hold data survive the stack's removal (`DeletionPolicy: Retain`); without it
 * they are deleted with the stack, and a custom resource empties the stack's buckets first, so a stage can be
 * removed and deployed again.
 *
 * @throws {DuplicateNameError} when two uses collide
 *
 * @example
 * ```ts
 * const resources = buildOwnedResources(requests, { service: 'shop', stage: 'dev', retain: false });
 * resources.ShopIdempotencyTable?.Type; // 'AWS::DynamoDB::Table'
 * ```
 */
export function buildOwnedResources(
  requests: readonly OwnedResourceRequest[],
  stack: { readonly service: string; readonly stage: string; readonly retain: boolean },
): Record<string, CfnResource> {
  const { retain } = stack;
  const resources: Record<string, CfnResource> = needsStackKey(requests)
    ? stackKey(stack.service, stack.stage, retain)
    : {};
  const buckets: string[] = [];
  for (const [logicalId, { name, spec }] of merge(requests)) {
    switch (spec.kind) {
      case 's3-bucket':
        resources[logicalId] = bucket(name, spec.requestMetrics, retain);
        resources[`${logicalId}Policy`] = tlsOnlyPolicy(logicalId);
        buckets.push(logicalId);
        break;
      case 'sqs-queue':
        resources[logicalId] = queue(name, retain);
        break;
      case 'sns-topic':
        resources[logicalId] = topic(name);
        break;
      case 'dynamodb-table':
        resources[logicalId] = table(name, spec.schema, retain);
        break;
      case 'kinesis-stream':
        resources[logicalId] = stream(name, spec.shards, spec.retentionHours, retain);
        break;
    }
  }
  if (!retain && buckets.length > 0) Object.assign(resources, bucketEmptier(buckets));
  return resources;
}

/**
 * The schema of an idempotency table: partition key `id` (S), TTL on `expiration` — what the DynamoDB
 * idempotency store reads and writes.
 *
 * @example
 * ```ts
 * IDEMPOTENCY_TABLE_SCHEMA.ttlAttribute; // 'expiration'
 * ```
 */
export const IDEMPOTENCY_TABLE_SCHEMA: TableSchema = {
  partitionKey: IdempotencyAttribute.id,
  ttlAttribute: IdempotencyAttribute.expiration,
};

/**
 * The schema of a DynamoDB quarantine table: partition key `pk`, sort key `sk` (see `quarantineItemKey`).
 *
 * @example
 * ```ts
 * QUARANTINE_TABLE_SCHEMA.sortKey; // 'sk'
 * ```
 */
export const QUARANTINE_TABLE_SCHEMA: TableSchema = { partitionKey: 'pk', sortKey: 'sk' };
