import { ALARM_DEFAULTS, LOG_RETENTION_DAYS } from '../../stages/constants.js';
import { assertStageName } from '../../stages/deploy-names.js';
import { InvalidSettingValueError } from '../errors.js';
import {
  anyOf,
  boolean,
  integer,
  integerIn,
  list,
  object,
  oneOf,
  record,
  required,
  setting,
  stageFields,
  string,
  variants,
} from '../schema/nodes.js';
import { checkName, envNameNode, LOG_LEVELS } from './names.js';
import { STREAM_FIELDS } from './stream.js';

/**
 * The settings table of the deploy sections. `stages`: per stage, the stream settings marked `stage` in the
 * stream table (stage-wide, or for one stream under `streams.<name>`), alarms, log level, log retention and
 * `retain`. `resources`: buckets and tables the processors use, which the stack creates (a name) or references
 * (an ARN), grants to the streams that use them and passes in an environment variable.
 *
 * @example
 * ```ts
 * Object.keys(STAGE_STREAM_FIELDS); // ['batchSize', 'batchWindowSeconds', 'parallelizationFactor', 'memorySize', 'timeoutSeconds', 'runtime', 'alarms']
 * ```
 */

// Stages.

const SNS_TOPIC_ARN = /^arn:[^:]+:sns:[^:]+:\d{12}:[A-Za-z0-9_-]+$/;

/** A stream function's CloudWatch alarms. */
export const ALARM_FIELDS = {
  enabled: setting(boolean(), {
    default: true,
    doc: 'An object means "on"; `false` turns alarms off, keeping the thresholds.',
  }),
  iteratorAgeSeconds: setting(integer(1, 604_800), {
    default: ALARM_DEFAULTS.iteratorAgeSeconds,
    doc: 'IteratorAge, seconds, at or above which the function is falling behind.',
  }),
  errors: setting(integer(1, 1_000_000), {
    default: ALARM_DEFAULTS.errors,
    doc: 'Function errors (whole-batch failures) per minute that raise the alarm.',
  }),
  destinationDepth: setting(integer(1, 1_000_000), {
    default: ALARM_DEFAULTS.destinationDepth,
    doc: 'Messages in (or published to) the on-failure destination that raise the alarm.',
  }),
  evaluationPeriods: setting(integer(1, 1440), {
    default: ALARM_DEFAULTS.evaluationPeriods,
    doc: 'Consecutive one-minute periods above the IteratorAge threshold before it fires.',
  }),
  actions: setting(
    list(string({ pattern: SNS_TOPIC_ARN, rule: 'an SNS topic ARN' }), { itemsLabel: 'SNS topic ARNs' }),
    { default: [], doc: 'SNS topics notified when an alarm fires and when it recovers.' },
  ),
};

/** What a stage may change for every stream, or for one under `streams.<name>`. */
export const STAGE_STREAM_FIELDS = {
  ...stageFields(STREAM_FIELDS),
  alarms: setting(anyOf('true, false or alarm settings', [boolean(), object('alarm settings', ALARM_FIELDS)]), {
    default: false,
    doc: 'CloudWatch alarms on (`true` or settings) or off.',
  }),
};

/** `stages.<stage>.streams.<stream>`. */
export const STAGE_STREAM_NODE = object('the stage overrides of a stream', STAGE_STREAM_FIELDS, {
  moved: { logLevel: 'stages.<stage>.logLevel', retentionDays: 'stages.<stage>.retentionDays' },
});

/** One stage's overrides. */
export const STAGE_FIELDS = {
  ...STAGE_STREAM_FIELDS,
  logLevel: setting(oneOf(LOG_LEVELS, { ignoreCase: true }), {
    defaultDoc: '`logging.level`',
    doc: 'Log level of the deployed handlers; overrides `logging.level`.',
  }),
  retentionDays: setting(integerIn(LOG_RETENTION_DAYS), {
    defaultDoc: 'never expire',
    aws: 'RetentionInDays',
    cfn: 'AWS::Logs::LogGroup.RetentionInDays',
    doc: 'CloudWatch Logs retention of the functions’ log groups, days.',
  }),
  retain: setting(boolean(), {
    defaultDoc: 'the config’s `retain`',
    doc: 'Keep the stage’s data resources when its stack is removed.',
  }),
  streams: setting(record('stream overrides', STAGE_STREAM_NODE, { key: checkName, keyName: '<stream>' }), {
    defaultDoc: 'none',
    doc: 'Per-stream overrides; they win over the stage-wide ones.',
  }),
};

/** `stages`. */
export const STAGES_NODE = record('stages', object('a stage', STAGE_FIELDS), {
  key: (name, path) => assertStageName(name, path),
  keyName: '<stage>',
});

// Application resources.

function common() {
  return {
    env: setting(envNameNode(), {
      defaultDoc: 'none',
      doc: 'Environment variable that receives the resource’s physical name in the stage.',
    }),
    access: required(oneOf(['read', 'write', 'read-write']), {
      missing: "must be 'read', 'write' or 'read-write' (permissions are never implied)",
      doc: 'What the functions may do with it. Required: permissions are never implied.',
    }),
    streams: setting(list(string({ nonEmpty: true }), { min: 1, itemsLabel: 'stream names' }), {
      defaultDoc: 'every stream',
      doc: 'The streams whose functions get access (and the variable).',
    }),
  };
}

function checkPrefix(prefix: string, path: string): void {
  if (prefix.includes('*')) throw new InvalidSettingValueError(path, 'must be a key prefix without wildcards');
}

/** `resources.<name>`. */
export const RESOURCE_NODE = variants('an application resource', {
  s3: object('an s3 resource', {
    bucket: required(string({ nonEmpty: true }), { doc: 'Bucket name (the stack creates it) or ARN (it exists).' }),
    prefix: setting(string({ validate: checkPrefix }), {
      defaultDoc: 'the whole bucket',
      doc: 'Limit object access to keys under this prefix.',
    }),
    ...common(),
  }),
  dynamodb: object('a dynamodb resource', {
    table: required(string({ nonEmpty: true }), { doc: 'Table name (the stack creates it) or ARN (it exists).' }),
    partitionKey: setting(string({ nonEmpty: true }), {
      doc: 'Partition key (type S) when the stack creates the table.',
    }),
    sortKey: setting(string({ nonEmpty: true }), { doc: 'Sort key (type S) when the stack creates the table.' }),
    ttlAttribute: setting(string({ nonEmpty: true }), { doc: 'TTL attribute when the stack creates the table.' }),
    ...common(),
  }),
});

/** `resources`. */
export const RESOURCES_NODE = record('resources', RESOURCE_NODE, { key: checkName, keyName: '<resource>' });
