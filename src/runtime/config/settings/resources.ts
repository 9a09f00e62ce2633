import { InvalidSettingValueError } from '../errors.js';
import { list, object, oneOf, record, required, setting, string, variants } from '../schema/nodes.js';
import { checkName, envNameNode } from './names.js';

/**
 * The settings table of the `resources` section: buckets and tables the processors use, which the stack creates
 * (a name) or references (an ARN), grants to the streams that use them and passes in an environment variable.
 *
 * @example
 * ```ts
 * checkNode(RESOURCES_NODE, { lake: { type: 's3', bucket: 'lake', access: 'write' } }, 'resources');
 * ```
 */

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
