import type { QuarantineWriteFunction } from '../../processing/quarantine/function-quarantine-sink.js';
import { S3_QUARANTINE_DEFAULT_PREFIX } from '../../stages/constants.js';
import { custom, object, required, setting, string, variants } from '../schema/nodes.js';

/**
 * The settings table: where records go that cannot be processed — the event source mapping's on-failure
 * destination (`onFailure`, written by AWS) and shardflow's quarantine sink (`quarantine`, written by the
 * handler).
 *
 * @example
 * ```ts
 * checkNode(QUARANTINE_NODE, { type: 's3', bucket: 'shop-quarantine' }, 'streams.orders.quarantine');
 * ```
 */

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
