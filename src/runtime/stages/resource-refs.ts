import { ConfigError, MissingSettingError, UnsupportedSettingError } from '../config/errors.js';
import type {
  DynamoDBSourceConfig,
  KinesisSourceConfig,
  OnFailureDestinationConfig,
  StreamConfig,
} from '../config/types.js';
import type { QuarantineSinkSpec } from '../processing/quarantine/index.js';
import { streamNameFromArn, tableNameFromArn } from '../records/arn.js';
import { S3_QUARANTINE_DEFAULT_PREFIX } from './constants.js';
import { assertResourceName, ownedResourceLogicalId, type ResourceKind, stageScopedName } from './deploy-names.js';

/**
 * A resource a stream writes to (on-failure destination, quarantine sink, idempotency table). Named by a
 * plain name in the config, the stack creates it, scoped to the stage; named by an ARN, it exists already and
 * is referenced as it is.
 */
export interface ResourceRef {
  readonly kind: ResourceKind;
  /** `true`: the stack creates it (as `name`). `false`: it exists (the config gave its ARN). */
  readonly owned: boolean;
  /** The value written in the config: a name, or an ARN. */
  readonly configName: string;
  /** The physical name in the stage. */
  readonly name: string;
  /** The ARN the config gave (existing resources only). */
  readonly arn: string | undefined;
  /** The logical ID of the resource the stack creates (owned resources only). */
  readonly logicalId: string | undefined;
  /** Where the config names it, e.g. `streams.orders.onFailure.bucket`. */
  readonly path: string;
}

/** Where a stream's quarantined records go, as the deploy sees it. */
export type QuarantineRef =
  | { readonly type: 'resource'; readonly resource: ResourceRef; readonly prefix: string | undefined }
  | { readonly type: 'sqs-url'; readonly queueUrl: string; readonly arn: string; readonly path: string }
  | { readonly type: 'function'; readonly path: string };

/** A stream's source, as the deploy sees it. */
export interface SourceRef {
  readonly type: 'kinesis' | 'dynamodb';
  /**
   * `owned`: the stack creates the stream (or table with its stream), scoped to the stage (`source.create: true`).
   * `arn`: an existing stream given by ARN. `import`: an ARN exported by another CloudFormation stack
   * (`source.import`). `name`: an existing Kinesis stream of that name in the stage's account and region.
   */
  readonly mode: 'owned' | 'arn' | 'import' | 'name';
  /** The stream (Kinesis) or table (DynamoDB) name written in the config. */
  readonly configName: string;
  /** The physical stream or table name in the stage (the config name for `import`). */
  readonly name: string;
  readonly arn: string | undefined;
  readonly exportName: string | undefined;
  readonly logicalId: string | undefined;
  readonly path: string;
}

const ARN_PATTERNS: Readonly<Record<ResourceKind, RegExp>> = {
  's3-bucket': /^arn:[a-z-]+:s3:::([^/:]+)$/,
  'sqs-queue': /^arn:[a-z-]+:sqs:[a-z0-9-]+:\d{12}:([^:/]+)$/,
  'sns-topic': /^arn:[a-z-]+:sns:[a-z0-9-]+:\d{12}:([^:/]+)$/,
  'dynamodb-table': /^arn:[a-z-]+:dynamodb:[a-z0-9-]+:\d{12}:table\/([^/]+)$/,
  'kinesis-stream': /^arn:[a-z-]+:kinesis:[a-z0-9-]+:\d{12}:stream\/([^/]+)$/,
};
/** A Kinesis stream ARN (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
export const KINESIS_STREAM_ARN = ARN_PATTERNS['kinesis-stream'];
/** A DynamoDB stream ARN (`arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>`). */
export const DYNAMODB_STREAM_ARN = /^arn:[a-z-]+:dynamodb:[a-z0-9-]+:\d{12}:table\/[^/]+\/stream\/[^/]+$/;
const SQS_QUEUE_URL = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([A-Za-z0-9_-]{1,80})$/;

/**
 * Resolves a resource named in the config: a plain name means the stack creates it as `<name>-<stage>`;
 * an ARN means it exists and is referenced as is.
 *
 * @throws {ConfigError} when an ARN is not one of that kind
 * @throws {InvalidResourceNameError} when the stage-scoped name breaks AWS's naming rules
 *
 * @example
 * ```ts
 * resolveResourceRef('sqs-queue', 'orders-failures', 'prod', 'streams.orders.onFailure.queue');
 * // { owned: true, name: 'orders-failures-prod', logicalId: 'OrdersFailuresQueue', … }
 * ```
 */
export function resolveResourceRef(kind: ResourceKind, value: string, stage: string, path: string): ResourceRef {
  if (typeof value !== 'string' || value === '') throw new MissingSettingError(path, 'needs a name or an ARN');
  if (value.startsWith('arn:')) {
    const name = ARN_PATTERNS[kind].exec(value)?.[1];
    if (name === undefined) throw new ConfigError(path, `'${value}' is not the ARN of ${kindLabel(kind)}`);
    return { kind, owned: false, configName: value, name, arn: value, logicalId: undefined, path };
  }
  const name = stageScopedName(value, stage);
  assertResourceName(kind, name, path);
  return {
    kind,
    owned: true,
    configName: value,
    name,
    arn: undefined,
    logicalId: ownedResourceLogicalId(kind, value),
    path,
  };
}

function kindLabel(kind: ResourceKind): string {
  return {
    's3-bucket': 'an S3 bucket',
    'sqs-queue': 'an SQS queue',
    'sns-topic': 'an SNS topic',
    'dynamodb-table': 'a DynamoDB table',
    'kinesis-stream': 'a Kinesis stream',
  }[kind];
}

/**
 * The on-failure destination of a stream's event source mapping.
 *
 * @example
 * ```ts
 * resolveOnFailureRef({ type: 's3', bucket: 'shop-orders-failures' }, 'dev', 'streams.orders.onFailure');
 * ```
 */
export function resolveOnFailureRef(onFailure: OnFailureDestinationConfig, stage: string, path: string): ResourceRef {
  switch (onFailure.type) {
    case 's3':
      return resolveResourceRef('s3-bucket', onFailure.bucket, stage, `${path}.bucket`);
    case 'sqs':
      return resolveResourceRef('sqs-queue', onFailure.queue, stage, `${path}.queue`);
    case 'sns':
      return resolveResourceRef('sns-topic', onFailure.topic, stage, `${path}.topic`);
    default:
      throw new ConfigError(`${path}.type`, `must be 's3', 'sqs' or 'sns'`);
  }
}

/**
 * The quarantine sink of a deployed stream. A `file` sink cannot work in Lambda (its disk is gone with the
 * execution environment), so it is rejected; a `function` sink gets no resources and no permissions.
 *
 * @throws {UnsupportedSettingError} for a `file` sink
 *
 * @example
 * ```ts
 * resolveQuarantineRef({ type: 's3', bucket: 'shop-quarantine' }, 'dev', 'streams.orders.quarantine');
 * ```
 */
export function resolveQuarantineRef(spec: QuarantineSinkSpec, stage: string, path: string): QuarantineRef {
  switch (spec.type) {
    case 's3':
      return {
        type: 'resource',
        resource: resolveResourceRef('s3-bucket', spec.bucket, stage, `${path}.bucket`),
        prefix: spec.prefix ?? S3_QUARANTINE_DEFAULT_PREFIX,
      };
    case 'kinesis':
      return {
        type: 'resource',
        resource: resolveResourceRef('kinesis-stream', spec.stream, stage, `${path}.stream`),
        prefix: undefined,
      };
    case 'dynamodb':
      return {
        type: 'resource',
        resource: resolveResourceRef('dynamodb-table', spec.table, stage, `${path}.table`),
        prefix: undefined,
      };
    case 'sqs': {
      const match = SQS_QUEUE_URL.exec(spec.queueUrl);
      if (match === null) {
        throw new ConfigError(`${path}.queueUrl`, `'${spec.queueUrl}' is not an SQS queue URL`);
      }
      const [, region, account, name] = match as unknown as [string, string, string, string];
      return {
        type: 'sqs-url',
        queueUrl: spec.queueUrl,
        arn: `arn:${partitionOf(region)}:sqs:${region}:${account}:${name}`,
        path,
      };
    }
    case 'function':
      return { type: 'function', path };
    case 'file':
      throw new UnsupportedSettingError(
        `${path}.type`,
        'a file sink does not outlive the Lambda execution environment: deployed functions need s3, sqs, kinesis or dynamodb',
      );
    default:
      throw new ConfigError(`${path}.type`, 'must be s3, sqs, kinesis, dynamodb, file or function');
  }
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * The idempotency table of a stream.
 *
 * @example
 * ```ts
 * resolveIdempotencyRef({ table: 'shop-idempotency' }, 'dev', 'streams.orders.idempotency');
 * ```
 */
export function resolveIdempotencyRef(
  idempotency: NonNullable<StreamConfig['idempotency']>,
  stage: string,
  path: string,
): ResourceRef {
  return resolveResourceRef('dynamodb-table', idempotency.table, stage, `${path}.table`);
}

/** Deploy-only source settings, read defensively until they are part of the source types. */
interface DeploySourceSettings {
  readonly create?: unknown;
  readonly import?: unknown;
}

/**
 * The source of a stream: created by the stack (`create: true`), existing by ARN (`arn` / `streamArn`),
 * imported from another stack's export (`import`), or — Kinesis only — an existing stream of that name in the
 * stage's account and region. A DynamoDB stream ARN carries a creation label that cannot be derived from
 * the table name, so a DynamoDB source must say which of the first three it is.
 *
 * @throws {MissingSettingError} for a DynamoDB source with neither `create`, `streamArn` nor `import`
 * @throws {ConfigError} for conflicting or malformed settings
 *
 * @example
 * ```ts
 * resolveSourceRef({ type: 'kinesis', stream: 'clicks', create: true }, 'dev', 'streams.clicks.source');
 * // { mode: 'owned', name: 'clicks-dev', logicalId: 'ClicksStream', … }
 * ```
 */
export function resolveSourceRef(
  source: KinesisSourceConfig | DynamoDBSourceConfig,
  stage: string,
  path: string,
): SourceRef {
  const extra = source as DeploySourceSettings;
  if (extra.create !== undefined && typeof extra.create !== 'boolean') {
    throw new ConfigError(`${path}.create`, 'must be true (the stack creates the source) or false');
  }
  if (extra.import !== undefined && (typeof extra.import !== 'string' || extra.import === '')) {
    throw new ConfigError(`${path}.import`, 'must be the name of a CloudFormation export holding the stream ARN');
  }
  const create = extra.create === true;
  const exportName = extra.import as string | undefined;
  const arn = source.type === 'kinesis' ? source.arn : source.streamArn;
  const arnKey = source.type === 'kinesis' ? 'arn' : 'streamArn';
  const configName = source.type === 'kinesis' ? source.stream : source.table;
  const given = [create && 'create', arn !== undefined && arnKey, exportName !== undefined && 'import'].filter(Boolean);
  if (given.length > 1) {
    throw new ConfigError(path, `set only one of create, ${arnKey} and import (got ${given.join(', ')})`);
  }
  const base = { type: source.type, configName, path } as const;
  if (create) {
    const kind: ResourceKind = source.type === 'kinesis' ? 'kinesis-stream' : 'dynamodb-table';
    const name = stageScopedName(configName, stage);
    assertResourceName(kind, name, `${path}.${source.type === 'kinesis' ? 'stream' : 'table'}`);
    const logicalId = ownedResourceLogicalId(kind, configName);
    return { ...base, mode: 'owned', name, arn: undefined, exportName: undefined, logicalId };
  }
  if (arn !== undefined) {
    const valid = source.type === 'kinesis' ? KINESIS_STREAM_ARN.test(arn) : DYNAMODB_STREAM_ARN.test(arn);
    const name = source.type === 'kinesis' ? streamNameFromArn(arn) : tableNameFromArn(arn);
    if (!valid || name === undefined) {
      throw new ConfigError(
        `${path}.${arnKey}`,
        `'${arn}' is not the ARN of a ${source.type === 'kinesis' ? 'Kinesis stream' : 'DynamoDB stream (…:table/<table>/stream/<label>)'}`,
      );
    }
    return { ...base, mode: 'arn', name, arn, exportName: undefined, logicalId: undefined };
  }
  if (exportName !== undefined) {
    return { ...base, mode: 'import', name: configName, arn: undefined, exportName, logicalId: undefined };
  }
  if (source.type === 'dynamodb') {
    throw new MissingSettingError(
      `${path}.streamArn`,
      `the stream ARN of table '${configName}' cannot be derived from its name: set source.streamArn, source.import (a CloudFormation export) or source.create: true (the stack creates the table)`,
    );
  }
  assertResourceName('kinesis-stream', configName, `${path}.stream`);
  return { ...base, mode: 'name', name: configName, arn: undefined, exportName: undefined, logicalId: undefined };
}
