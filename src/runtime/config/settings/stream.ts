import { DEFAULT_IDEMPOTENCY_TTL_SECONDS } from '../../processing/idempotency/constants.js';
import type { QuarantineWriteFunction } from '../../processing/quarantine/function-quarantine-sink.js';
import { DEFAULT_MAX_FILTERS, type EventPattern, type RouteMatch } from '../../routing/index.js';
import { DEPLOY_DEFAULTS, S3_QUARANTINE_DEFAULT_PREFIX } from '../../stages/constants.js';
import { DYNAMODB_STREAM_ARN, KINESIS_STREAM_ARN } from '../../stages/resource-refs.js';
import { InvalidProcessorError, InvalidSettingValueError } from '../errors.js';
import type { AnyProcessor } from '../processor.js';
import { isPlainObject } from '../schema/check.js';
import {
  anyOf,
  boolean,
  custom,
  integer,
  list,
  object,
  oneOf,
  record,
  required,
  setting,
  string,
  variants,
} from '../schema/nodes.js';
import { checkEnvName, runtimeNode } from './names.js';
import { checkProcessorSpec, isProcessor } from './processor.js';

/**
 * The settings table of a stream function (`streams.<name>`): its source (a Kinesis data stream or a DynamoDB
 * table's stream), its event source mapping and on-failure destination, the batch engine and its quarantine sink,
 * the function, and its routes. Each setting is written once, here: its type and range, its
 * default (what the local ESM, the handler and the deploy use), its AWS and CloudFormation names, whether a
 * stage may override it, and its documentation line.
 *
 * @example
 * ```ts
 * ESM_FIELDS.batchSize.default; // 100
 * ESM_FIELDS.batchSize.cfn; // 'AWS::Lambda::EventSourceMapping.BatchSize'
 * ```
 */

// Sources.

const create = () =>
  setting(boolean(), {
    default: false,
    doc: 'Deploy: the stack creates it, named `<name>-<stage>`.',
  });

const importExport = () =>
  setting(string({ nonEmpty: true }), {
    doc: 'Deploy: the stream ARN comes from this CloudFormation export (another stack’s output).',
  });

/** A Kinesis data stream. */
export const KINESIS_SOURCE_NODE = object('a Kinesis source', {
  stream: required(string({ nonEmpty: true }), {
    doc: 'Stream name.',
    missing: 'a Kinesis source needs a stream name',
  }),
  shards: setting(integer(1, 500), {
    default: 1,
    doc: 'Shard count when shardflow creates the stream (locally, or when the stack owns it).',
  }),
  arn: setting(
    string({
      pattern: KINESIS_STREAM_ARN,
      rule: 'a Kinesis stream ARN (arn:aws:kinesis:<region>:<account>:stream/<name>)',
    }),
    {
      doc: 'Deploy: the ARN of an existing stream. Default: the stream of that name in the stage’s account and region.',
    },
  ),
  create: create(),
  import: importExport(),
});

/** A DynamoDB table's stream. */
export const DYNAMODB_SOURCE_NODE = object('a DynamoDB source', {
  table: required(string({ nonEmpty: true }), {
    doc: 'Table name.',
    missing: 'a DynamoDB source needs a table name',
  }),
  streamViewType: setting(oneOf(['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY']), {
    default: 'NEW_AND_OLD_IMAGES',
    aws: 'StreamViewType',
    doc: 'Stream view type when shardflow creates the table.',
  }),
  keySchema: setting(
    object('the key schema of a DynamoDB source', {
      partitionKey: required(string({ nonEmpty: true }), { doc: 'Partition key attribute (type S).' }),
      sortKey: setting(string({ nonEmpty: true }), { doc: 'Sort key attribute (type S).' }),
    }),
    {
      defaultDoc: "`{ partitionKey: 'id' }`",
      aws: 'KeySchema',
      doc: 'Key schema when shardflow creates the table.',
    },
  ),
  streamArn: setting(
    string({
      pattern: DYNAMODB_STREAM_ARN,
      rule: 'a DynamoDB stream ARN (arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>)',
    }),
    { aws: 'LatestStreamArn', doc: 'Deploy: the ARN of an existing table’s stream.' },
  ),
  create: create(),
  import: importExport(),
});

/** `streams.<name>.source`. */
export const SOURCE_NODE = variants('a stream source', {
  kinesis: KINESIS_SOURCE_NODE,
  dynamodb: DYNAMODB_SOURCE_NODE,
});

// Destinations: AWS's on-failure destination (`onFailure`) and shardflow's quarantine sink (`quarantine`).

const nameOrArn = (what: string) =>
  required(string({ nonEmpty: true }), {
    doc: `${what} name (the stack creates it, named \`<name>-<stage>\`) or ARN (it exists).`,
  });

/** `streams.<name>.onFailure`. */
export const ON_FAILURE_NODE = variants('an on-failure destination', {
  s3: object('an s3 on-failure destination', { bucket: nameOrArn('Bucket') }),
  sqs: object('an sqs on-failure destination', { queue: nameOrArn('Queue') }),
  sns: object('an sns on-failure destination', { topic: nameOrArn('Topic') }),
});

/** `streams.<name>.quarantine`. */
export const QUARANTINE_NODE = variants('a quarantine sink', {
  s3: object('an s3 quarantine sink', {
    bucket: nameOrArn('Bucket'),
    prefix: setting(string(), { default: S3_QUARANTINE_DEFAULT_PREFIX, doc: 'Key prefix of the entries.' }),
  }),
  sqs: object('an sqs quarantine sink', {
    queueUrl: required(string({ nonEmpty: true }), { doc: 'URL of an existing queue.' }),
  }),
  kinesis: object('a kinesis quarantine sink', { stream: nameOrArn('Stream') }),
  dynamodb: object('a dynamodb quarantine sink', { table: nameOrArn('Table') }),
  file: object('a file quarantine sink', {
    path: required(string({ nonEmpty: true }), { doc: 'NDJSON file (local runs only; a deploy refuses it).' }),
  }),
  function: object('a function quarantine sink', {
    write: required(
      custom<QuarantineWriteFunction>('a function (entries) => Promise<void>', (value) => typeof value === 'function'),
      { doc: 'Your own writer: resolve once the entries are stored.' },
    ),
  }),
});

// The stream.

const ESM = 'AWS::Lambda::EventSourceMapping';
const FUNCTION = 'AWS::Lambda::Function';

/** An ISO-8601 date (or date-time) that `Date` can read. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
/** Epoch seconds beyond this are milliseconds (year 5138 in seconds). */
const MAX_EPOCH_SECONDS = 1e11;

function checkIsoTimestamp(value: string, path: string): void {
  if (!ISO_8601.test(value) || !Number.isFinite(Date.parse(value))) {
    throw new InvalidSettingValueError(
      path,
      `must be an ISO-8601 date-time such as '2024-05-01T00:00:00Z' (or epoch seconds), got ${JSON.stringify(value)}`,
    );
  }
}

function checkEpochSeconds(value: number, path: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidSettingValueError(path, `must be epoch seconds (≥ 0), got ${String(value)}`);
  }
  if (value >= MAX_EPOCH_SECONDS) {
    throw new InvalidSettingValueError(
      path,
      `${value} looks like epoch milliseconds: write epoch seconds (${Math.floor(value / 1000)}) or an ISO-8601 date-time`,
    );
  }
}

/** Event source mapping settings, named as in shardflow, mapped to the Lambda API. */
export const ESM_FIELDS = {
  batchSize: setting(integer(1, 10_000), {
    default: 100,
    aws: 'BatchSize',
    cfn: `${ESM}.BatchSize`,
    stage: true,
    doc: 'Most records in one invocation.',
  }),
  batchWindowSeconds: setting(integer(0, 300), {
    default: 0,
    aws: 'MaximumBatchingWindowInSeconds',
    cfn: `${ESM}.MaximumBatchingWindowInSeconds`,
    stage: true,
    doc: 'How long the mapping gathers records before invoking.',
  }),
  startingPosition: required(oneOf(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']), {
    aws: 'StartingPosition',
    cfn: `${ESM}.StartingPosition`,
    missing: 'is required for stream sources (TRIM_HORIZON | LATEST | AT_TIMESTAMP)',
    doc: 'Where a new mapping starts reading. `AT_TIMESTAMP` is Kinesis only.',
  }),
  startingPositionTimestamp: setting(
    anyOf('an ISO-8601 date-time or epoch seconds', [
      string({ rule: 'an ISO-8601 date-time', validate: checkIsoTimestamp }),
      custom<number>('epoch seconds', (value) => typeof value === 'number', { validate: checkEpochSeconds }),
    ]),
    {
      aws: 'StartingPositionTimestamp',
      cfn: `${ESM}.StartingPositionTimestamp`,
      doc: 'With `AT_TIMESTAMP` only: ISO-8601 or epoch seconds (CloudFormation gets epoch seconds).',
    },
  ),
  parallelizationFactor: setting(integer(1, 10), {
    default: 1,
    aws: 'ParallelizationFactor',
    cfn: `${ESM}.ParallelizationFactor`,
    stage: true,
    doc: 'Concurrent batches per shard (order is kept per partition key).',
  }),
  bisectOnError: setting(boolean(), {
    default: false,
    aws: 'BisectBatchOnFunctionError',
    cfn: `${ESM}.BisectBatchOnFunctionError`,
    doc: 'Split a failing batch in two and retry the halves.',
  }),
  maxRetries: setting(integer(-1, 10_000), {
    default: -1,
    aws: 'MaximumRetryAttempts',
    cfn: `${ESM}.MaximumRetryAttempts`,
    doc: 'Retries of a failing batch; -1 retries until the records expire.',
  }),
  maxRecordAgeSeconds: setting(integer(60, 604_800, { also: [-1] }), {
    default: -1,
    aws: 'MaximumRecordAgeInSeconds',
    cfn: `${ESM}.MaximumRecordAgeInSeconds`,
    doc: 'Discard records older than this; -1 never discards.',
  }),
  tumblingWindowSeconds: setting(integer(0, 900), {
    default: 0,
    aws: 'TumblingWindowInSeconds',
    cfn: `${ESM}.TumblingWindowInSeconds`,
    doc: 'Tumbling-window length for aggregating processors; 0 is off.',
  }),
  filterPatterns: setting(
    list(custom<EventPattern>('an AWS event pattern (an object)', isPlainObject), {
      max: DEFAULT_MAX_FILTERS,
      itemsLabel: 'event patterns',
    }),
    {
      default: [],
      aws: 'FilterCriteria',
      cfn: `${ESM}.FilterCriteria`,
      doc: 'AWS event patterns, ORed: records none matches are dropped by the mapping (never invoked).',
    },
  ),
  onFailure: setting(ON_FAILURE_NODE, {
    aws: 'DestinationConfig',
    cfn: `${ESM}.DestinationConfig`,
    defaultDoc: 'none',
    doc: 'Where AWS sends the record of a batch it gives up on (after `maxRetries` or `maxRecordAgeSeconds`).',
  }),
  metrics: setting(list(oneOf(['EventCount']), { itemsLabel: 'mapping metrics' }), {
    default: ['EventCount'],
    aws: 'MetricsConfig',
    cfn: `${ESM}.MetricsConfig`,
    doc: 'The mapping’s own CloudWatch metrics (polled, filtered, invoked, failed, dropped, on-failure); [] is off.',
  }),
  reportBatchItemFailures: setting(boolean(), {
    default: true,
    aws: 'FunctionResponseTypes',
    cfn: `${ESM}.FunctionResponseTypes`,
    doc: '`ReportBatchItemFailures`: Lambda reads the handler’s per-record failures.',
  }),
};

/** Settings of the batch engine in the handler. */
export const ENGINE_FIELDS = {
  ordering: setting(oneOf(['partitionKey', 'shard', 'none']), {
    default: 'partitionKey',
    doc: '`partitionKey`: a failed key stops, other keys go on; `shard`: the first failure stops the batch.',
  }),
  concurrency: setting(integer(1, 1000), {
    default: 16,
    doc: 'Records of different keys processed at once.',
  }),
  unmatched: setting(oneOf(['skip', 'quarantine', 'fail']), {
    default: 'quarantine',
    doc: 'What happens to a record no route matches.',
  }),
  deadlineMarginMs: setting(integer(0, 900_000), {
    default: 2000,
    doc: 'Stop starting records when less than this is left before the Lambda deadline.',
  }),
  maxRecordBytes: setting(integer(1, 10 * 1024 * 1024), {
    default: 1024 * 1024,
    doc: 'Records whose payload is bigger are quarantined (`RecordTooLargeError`).',
  }),
  quarantine: setting(QUARANTINE_NODE, {
    defaultDoc: 'locally `.shardflow/quarantine/<stream>.ndjson`; deployed: none',
    doc: 'Where permanent failures go, with their record and reason. Default: none — they are reported for retry and end in the on-failure destination, locally as in Lambda.',
  }),
  keepRedactedInQuarantine: setting(boolean(), {
    default: false,
    doc: 'Keep quarantined payloads verbatim instead of redacting the `logging.redact` paths.',
  }),
  idempotency: setting(
    object('the idempotency settings of a stream', {
      table: required(string({ nonEmpty: true }), {
        doc: 'DynamoDB table name (the stack creates it) or ARN (it exists).',
      }),
      ttlSeconds: setting(integer(1, 31_536_000), {
        default: DEFAULT_IDEMPOTENCY_TTL_SECONDS,
        doc: 'How long a completed key is remembered.',
      }),
    }),
    { defaultDoc: 'none', doc: 'The store of idempotent processors; required when one is routed.' },
  ),
};

/** Settings of the deployed function. */
export const FUNCTION_FIELDS = {
  memorySize: setting(integer(128, 10_240), {
    default: 1024,
    aws: 'MemorySize',
    cfn: `${FUNCTION}.MemorySize`,
    stage: true,
    doc: 'Function memory, MB.',
  }),
  timeoutSeconds: setting(integer(1, 900), {
    default: 60,
    aws: 'Timeout',
    cfn: `${FUNCTION}.Timeout`,
    stage: true,
    doc: 'Function timeout, seconds.',
  }),
  runtime: setting(runtimeNode(), {
    aws: 'Runtime',
    cfn: `${FUNCTION}.Runtime`,
    stage: true,
    defaultDoc: `the config's \`runtime\` (${DEPLOY_DEFAULTS.runtime})`,
    doc: 'Lambda runtime of the function.',
  }),
  environment: setting(record('environment variables', string(), { key: checkEnvName, keyName: '<variable>' }), {
    aws: 'Environment',
    cfn: `${FUNCTION}.Environment.Variables`,
    defaultDoc: 'none',
    doc: 'Extra environment variables (names Lambda does not reserve).',
  }),
  discardOnFailure: setting(boolean(), {
    default: false,
    doc: 'Accept that AWS discards batches out of retries or age with no `onFailure` (deploys refuse it otherwise).',
  }),
};

const processorRef = custom<AnyProcessor>('a processor made by defineProcessor()', isProcessor, {
  error: InvalidProcessorError,
  validate: checkProcessorSpec,
});

/** One routing rule of a stream: records that match go to `processor`; the first match wins. */
export const ROUTE_NODE = object(
  'a route',
  {
    match: setting(
      custom<RouteMatch>(
        'a route match: an object of source, stream, eventName, keys, payload, filter, predicate',
        isPlainObject,
      ),
      { defaultDoc: 'every record', doc: 'When the route applies (every given field must hold).' },
    ),
    processor: required(
      anyOf('a processor made by defineProcessor() or the name of one', [string({ nonEmpty: true }), processorRef]),
      { missing: 'must be a processor or the name of one', doc: 'The processor, or the name of one in `processors`.' },
    ),
  },
  { moved: { eventName: 'match.eventName', payload: 'match.payload', keys: 'match.keys', filter: 'match.filter' } },
);

/** Every setting of a stream function. */
export const STREAM_FIELDS = {
  source: required(SOURCE_NODE, { doc: 'The Kinesis stream or DynamoDB table the function reads.' }),
  ...ESM_FIELDS,
  ...ENGINE_FIELDS,
  ...FUNCTION_FIELDS,
  routes: required(list(ROUTE_NODE, { min: 1, itemsLabel: 'routes' }), {
    missing: 'needs at least one route',
    doc: 'Routing rules, first match wins.',
  }),
};

/** `streams.<name>`. */
export const STREAM_NODE = object('a stream', STREAM_FIELDS, {
  moved: { stage: 'stages.<stage>.streams.<stream>', processors: 'processors (top level)' },
});

/** The processor node of the `processors` list. */
export const PROCESSOR_REF_NODE = processorRef;
