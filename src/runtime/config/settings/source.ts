import { DYNAMODB_STREAM_ARN, KINESIS_STREAM_ARN } from '../../stages/resource-refs.js';
import { boolean, integer, object, oneOf, required, setting, string, variants } from '../schema/nodes.js';

/**
 * The settings table: the source of a stream function (`streams.<name>.source`), a Kinesis data stream or a
 * DynamoDB table's stream.
 *
 * @example
 * ```ts
 * checkNode(SOURCE_NODE, { type: 'kinesis', stream: 'clicks' }, 'streams.clicks.source');
 * ```
 */

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
