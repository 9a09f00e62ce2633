import { InvalidResourceNameError } from './errors.js';

/** Kinds of AWS resources the deploy names, references or creates. */
export type ResourceKind = 's3-bucket' | 'sqs-queue' | 'sns-topic' | 'dynamodb-table' | 'kinesis-stream';

const STAGE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** AWS's naming rules, per kind (after the stage suffix is added). */
const NAME_RULES: Readonly<
  Record<ResourceKind | 'lambda-function', { readonly pattern: RegExp; readonly rule: string }>
> = {
  's3-bucket': {
    pattern: /^(?!.*\.\.)(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    rule: '3–63 lowercase letters, digits, dots and dashes, starting and ending with a letter or digit',
  },
  'sqs-queue': { pattern: /^[A-Za-z0-9_-]{1,80}$/, rule: '1–80 letters, digits, dashes and underscores' },
  'sns-topic': { pattern: /^[A-Za-z0-9_-]{1,256}$/, rule: '1–256 letters, digits, dashes and underscores' },
  'dynamodb-table': { pattern: /^[A-Za-z0-9_.-]{3,255}$/, rule: '3–255 letters, digits, dots, dashes and underscores' },
  'kinesis-stream': { pattern: /^[A-Za-z0-9_.-]{1,128}$/, rule: '1–128 letters, digits, dots, dashes and underscores' },
  'lambda-function': { pattern: /^[A-Za-z0-9_-]{1,64}$/, rule: '1–64 letters, digits, dashes and underscores' },
};

/** What each kind is called in messages. */
const KIND_LABELS: Readonly<Record<ResourceKind | 'lambda-function', string>> = {
  's3-bucket': 'an S3 bucket name',
  'sqs-queue': 'an SQS queue name',
  'sns-topic': 'an SNS topic name',
  'dynamodb-table': 'a DynamoDB table name',
  'kinesis-stream': 'a Kinesis stream name',
  'lambda-function': 'a Lambda function name',
};

/**
 * Checks that a stage name can be part of every resource name (S3 buckets included): lowercase letters,
 * digits and dashes, at most 32 characters.
 *
 * @throws {InvalidResourceNameError} otherwise, with `path` pointing at where the stage came from
 *
 * @example
 * ```ts
 * assertStageName('prod'); // ok
 * assertStageName('Prod'); // throws InvalidResourceNameError('stage', …)
 * ```
 */
export function assertStageName(stage: string, path = 'stage'): void {
  if (!STAGE_NAME.test(stage)) {
    throw new InvalidResourceNameError(
      path,
      `'${stage}' cannot be a stage name: stages become part of resource names (S3 buckets too), so use 1–32 lowercase letters, digits and dashes`,
    );
  }
}

/**
 * Checks a physical resource name against AWS's rules for its kind.
 *
 * @throws {InvalidResourceNameError} when AWS would reject it
 *
 * @example
 * ```ts
 * assertResourceName('s3-bucket', 'shop-failures-prod', 'streams.orders.onFailure.bucket'); // ok
 * ```
 */
export function assertResourceName(kind: ResourceKind | 'lambda-function', name: string, path: string): void {
  const { pattern, rule } = NAME_RULES[kind];
  if (!pattern.test(name)) {
    throw new InvalidResourceNameError(path, `'${name}' is not ${KIND_LABELS[kind]} (${rule})`);
  }
}

/**
 * The name a resource the stack creates gets in a stage: `<name>-<stage>`, so stages never share data.
 *
 * @example
 * ```ts
 * stageScopedName('shop-analytics-idempotency', 'prod'); // 'shop-analytics-idempotency-prod'
 * ```
 */
export function stageScopedName(name: string, stage: string): string {
  return `${name}-${stage}`;
}

/**
 * The deployed Lambda function name of a stream: `<service>-<stage>-<stream>`, the Serverless Framework's
 * own convention.
 *
 * @example
 * ```ts
 * deployedFunctionName('shop-analytics', 'prod', 'orders'); // 'shop-analytics-prod-orders'
 * ```
 */
export function deployedFunctionName(service: string, stage: string, streamName: string): string {
  return `${service}-${stage}-${streamName}`;
}

/**
 * The function key normalized as the Serverless Framework (v3, v4 and osls alike) normalizes it for
 * logical IDs: first letter upper-cased, `-` → `Dash`, `_` → `Underscore`.
 *
 * @example
 * ```ts
 * normalizedFunctionName('click-sessions'); // 'ClickDashsessions'
 * ```
 */
export function normalizedFunctionName(functionKey: string): string {
  const name = functionKey.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** CloudFormation logical IDs of the resources generated for one stream. */
export interface StreamLogicalIds {
  /** `AWS::Lambda::Function`, named by the framework: `<Normalized>LambdaFunction`. */
  readonly function: string;
  /** The framework's `AWS::Logs::LogGroup` of the function. */
  readonly logGroup: string;
  readonly role: string;
  readonly eventSourceMapping: string;
  readonly iteratorAgeAlarm: string;
  readonly errorsAlarm: string;
  readonly destinationDepthAlarm: string;
}

/**
 * The logical IDs of a stream's generated resources.
 *
 * @example
 * ```ts
 * streamLogicalIds('orders').eventSourceMapping; // 'OrdersEventSourceMapping'
 * ```
 */
export function streamLogicalIds(streamName: string): StreamLogicalIds {
  const base = normalizedFunctionName(streamName);
  return {
    function: `${base}LambdaFunction`,
    logGroup: `${base}LogGroup`,
    role: `${base}ExecutionRole`,
    eventSourceMapping: `${base}EventSourceMapping`,
    iteratorAgeAlarm: `${base}IteratorAgeAlarm`,
    errorsAlarm: `${base}ErrorsAlarm`,
    destinationDepthAlarm: `${base}OnFailureDepthAlarm`,
  };
}

/** Logical ID suffix per kind of resource the stack creates. */
const KIND_SUFFIX: Readonly<Record<ResourceKind, string>> = {
  's3-bucket': 'Bucket',
  'sqs-queue': 'Queue',
  'sns-topic': 'Topic',
  'dynamodb-table': 'Table',
  'kinesis-stream': 'Stream',
};

/**
 * The logical ID of a resource the stack creates, from its config name: PascalCase of its letters and
 * digits, plus the kind (`shop-analytics-idempotency` table → `ShopAnalyticsIdempotencyTable`).
 *
 * @example
 * ```ts
 * ownedResourceLogicalId('dynamodb-table', 'shop-analytics-idempotency'); // 'ShopAnalyticsIdempotencyTable'
 * ```
 */
export function ownedResourceLogicalId(kind: ResourceKind, configName: string): string {
  const words = configName.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
  const pascal = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
  return `${pascal}${KIND_SUFFIX[kind]}`;
}
