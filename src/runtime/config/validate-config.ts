import { InvalidSettingTypeError } from './errors.js';
import type { AnyProcessor } from './processor.js';
import {
  checkResourceReferences,
  checkRoutes,
  checkStageReferences,
  checkStreamCombinations,
  checkStreamSet,
  resolveProcessors,
} from './rules.js';
import { checkNode, describeValue } from './schema/check.js';
import type { IntegerSpec, ListSpec, Node } from './schema/nodes.js';
import { CONFIG_NODE } from './settings/config.js';
import { ENV_NAME, RESERVED_ENV } from './settings/names.js';
import { ESM_FIELDS, FUNCTION_FIELDS } from './settings/stream.js';
import type { ShardflowConfigInput } from './types.js';

export { ENV_NAME, RESERVED_ENV };

function range(setting: { readonly node: Node<number, IntegerSpec> }): { readonly min: number; readonly max: number } {
  return { min: setting.node.min, max: setting.node.max };
}

/**
 * AWS's documented ranges for stream event source mappings and functions (CreateEventSourceMapping,
 * CreateFunction API references), as the settings table has them.
 *
 * @example
 * ```ts
 * ESM_LIMITS.batchSize.max; // 10000
 * ```
 */
export const ESM_LIMITS = {
  batchSize: range(ESM_FIELDS.batchSize),
  batchWindowSeconds: range(ESM_FIELDS.batchWindowSeconds),
  parallelizationFactor: range(ESM_FIELDS.parallelizationFactor),
  maxRetries: range(ESM_FIELDS.maxRetries),
  maxRecordAgeSeconds: range(ESM_FIELDS.maxRecordAgeSeconds),
  tumblingWindowSeconds: range(ESM_FIELDS.tumblingWindowSeconds),
  filterPatterns: { max: (ESM_FIELDS.filterPatterns.node as ListSpec).max },
  memorySize: range(FUNCTION_FIELDS.memorySize),
  timeoutSeconds: range(FUNCTION_FIELDS.timeoutSeconds),
} as const;

/**
 * Validates a config against the settings table (known keys only, types, AWS's ranges, allowed values) and
 * shardflow's rules between settings (combinations, routes that cannot match or never run, processors and
 * what they need, stage and resource references), and resolves every route's processor. Throws the first
 * mistake as a named `ConfigError` subclass whose `path` points at the offending setting; never
 * anything else, whatever the input.
 *
 * @example
 * ```ts
 * const byName = validateConfig(input); // throws UnknownSettingError('streams.orders.maxRetires', …)
 * ```
 */
export function validateConfig(input: ShardflowConfigInput): Map<string, AnyProcessor> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidSettingTypeError(
      'config',
      `must be an object (the argument of defineConfig), got ${describeValue(input)}`,
    );
  }
  checkNode(CONFIG_NODE, input, '');
  checkStreamSet(input);
  const byName = resolveProcessors(input);
  for (const [name, stream] of Object.entries(input.streams)) {
    const path = `streams.${name}`;
    checkStreamCombinations(stream, path);
    checkRoutes(stream, path);
  }
  checkStageReferences(input);
  checkResourceReferences(input);
  return byName;
}
