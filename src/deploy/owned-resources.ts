import { DuplicateNameError } from '../runtime/config/errors.js';
import { IdempotencyAttribute } from '../runtime/processing/idempotency/constants.js';
import { RETENTION, S3_METRICS_FILTER_ID } from '../runtime/stages/constants.js';
import type { ResourceKind } from '../runtime/stages/deploy-names.js';
import { type CfnResource, type CfnValue, getAtt, join, ref } from './cfn.js';

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

const RETAIN = { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } as const;

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

function bucket(name: string, requestMetrics: boolean): CfnResource {
  return {
    Type: 'AWS::S3::Bucket',
    ...RETAIN,
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

function table(name: string, schema: TableSchema): CfnResource {
  const keys = [schema.partitionKey, ...(schema.sortKey === undefined ? [] : [schema.sortKey])];
  return {
    Type: 'AWS::DynamoDB::Table',
    ...RETAIN,
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

function stream(name: string, shards: number, retentionHours: number): CfnResource {
  return {
    Type: 'AWS::Kinesis::Stream',
    ...RETAIN,
    Properties: {
      Name: name,
      ShardCount: shards,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: retentionHours,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    },
  };
}

function queue(name: string): CfnResource {
  return {
    Type: 'AWS::SQS::Queue',
    ...RETAIN,
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

function stackKey(service: string, stage: string): Record<string, CfnResource> {
  return {
    [STACK_KEY_LOGICAL_ID]: {
      Type: 'AWS::KMS::Key',
      ...RETAIN,
      Properties: {
        Description: `shardflow ${service} (${stage}): encrypts the on-failure queues and topics`,
        EnableKeyRotation: true,
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
 * Resources that hold data are retained when the stack is deleted.
 *
 * @throws {DuplicateNameError} when two uses collide
 *
 * @example
 * ```ts
 * const resources = buildOwnedResources(requests, { service: 'shop', stage: 'dev' });
 * resources.ShopIdempotencyTable?.Type; // 'AWS::DynamoDB::Table'
 * ```
 */
export function buildOwnedResources(
  requests: readonly OwnedResourceRequest[],
  stack: { readonly service: string; readonly stage: string },
): Record<string, CfnResource> {
  const resources: Record<string, CfnResource> = needsStackKey(requests) ? stackKey(stack.service, stack.stage) : {};
  for (const [logicalId, { name, spec }] of merge(requests)) {
    switch (spec.kind) {
      case 's3-bucket':
        resources[logicalId] = bucket(name, spec.requestMetrics);
        resources[`${logicalId}Policy`] = tlsOnlyPolicy(logicalId);
        break;
      case 'sqs-queue':
        resources[logicalId] = queue(name);
        break;
      case 'sns-topic':
        resources[logicalId] = topic(name);
        break;
      case 'dynamodb-table':
        resources[logicalId] = table(name, spec.schema);
        break;
      case 'kinesis-stream':
        resources[logicalId] = stream(name, spec.shards, spec.retentionHours);
        break;
    }
  }
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
