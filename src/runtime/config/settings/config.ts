import { parseRedactionPath } from '../../redaction/paths.js';
import { DEPLOY_DEFAULTS } from '../../stages/constants.js';
import { boolean, list, object, oneOf, record, required, setting, string } from '../schema/nodes.js';
import { checkName, LOG_LEVELS, nameNode, runtimeNode } from './names.js';
import { RESOURCES_NODE, STAGES_NODE } from './sections.js';
import { PROCESSOR_REF_NODE, STREAM_NODE } from './stream.js';

/**
 * The settings table of a whole config (what `defineConfig` accepts): the top level, and through it every
 * section (`streams`, `logging`, `metrics`, `stages`, `resources`).
 *
 * @example
 * ```ts
 * checkNode(CONFIG_NODE, input, ''); // throws the first mistake, with its path
 * ```
 */

/** `logging`. */
export const LOGGING_FIELDS = {
  level: setting(oneOf(LOG_LEVELS, { ignoreCase: true }), {
    defaultDoc: '`LOG_LEVEL`, `AWS_LAMBDA_LOG_LEVEL`, else `info`',
    stage: true,
    doc: 'Minimum level logged (any letter case). A stage overrides it with `logLevel`.',
  }),
  redact: setting(
    list(
      string({ rule: 'a redaction path (pino syntax)', validate: (path, at) => void parseRedactionPath(path, at) }),
      {
        itemsLabel: 'redaction paths',
      },
    ),
    {
      default: [],
      doc: 'pino paths (`email`, `card.number`, `headers["x-api-key"]`, `contacts[*].email`) redacted in logs, quarantine entries and on-failure payloads.',
    },
  ),
};

/** `metrics`. */
export const METRICS_FIELDS = {
  enabled: setting(boolean(), {
    defaultDoc: 'on in Lambda, off elsewhere',
    doc: 'Emit CloudWatch metrics (EMF log lines).',
  }),
  namespace: setting(
    string({ pattern: /^[^:][^:]{0,254}$/, rule: 'a CloudWatch namespace (1–255 characters, no ":")' }),
    {
      default: 'shardflow',
      doc: 'CloudWatch namespace of the metrics.',
    },
  ),
};

/** The top level of a config. */
export const CONFIG_FIELDS = {
  service: required(nameNode(), { doc: 'Service name: stack name, function name prefix, log and metric dimension.' }),
  processors: setting(list(PROCESSOR_REF_NODE, { itemsLabel: 'processors' }), {
    default: [],
    doc: 'Processors that routes may name by string (processors routed as objects need not be listed).',
  }),
  streams: required(
    record('streams', STREAM_NODE, {
      key: checkName,
      keyName: '<stream>',
      min: 1,
      minMessage: 'needs at least one stream',
    }),
    { missing: 'needs at least one stream', doc: 'The stream functions, by name.' },
  ),
  logging: setting(object('the logging section', LOGGING_FIELDS), {
    defaultDoc: 'none',
    doc: 'Log level and redaction.',
  }),
  metrics: setting(object('the metrics section', METRICS_FIELDS), { defaultDoc: 'none', doc: 'CloudWatch metrics.' }),
  runtime: setting(runtimeNode(), {
    default: DEPLOY_DEFAULTS.runtime,
    aws: 'Runtime',
    cfn: 'AWS::Lambda::Function.Runtime',
    stage: true,
    doc: 'Lambda runtime of every stream function unless a stream or stage says otherwise.',
  }),
  bundleAwsSdk: setting(boolean(), {
    default: false,
    doc: "Bundle the AWS SDK for JavaScript v3 into each function instead of using the one the Lambda runtime ships (`@aws-sdk/*` external, the default, as the CDK's NodejsFunction does): a pinned SDK version for a bigger zip.",
  }),
  retain: setting(boolean(), {
    default: false,
    stage: true,
    doc: 'Keep the data resources the stack creates when it is removed (`DeletionPolicy: Retain`).',
  }),
  stages: setting(STAGES_NODE, { defaultDoc: 'none', doc: 'Per-stage overrides for deploys (`--stage <name>`).' }),
  resources: setting(RESOURCES_NODE, {
    defaultDoc: 'none',
    doc: 'Buckets and tables the processors use: created or referenced, and granted to the streams using them.',
  }),
};

/** The whole config. */
export const CONFIG_NODE = object('the config', CONFIG_FIELDS, {
  moved: { stage: 'stages', level: 'logging.level', redact: 'logging.redact' },
});
