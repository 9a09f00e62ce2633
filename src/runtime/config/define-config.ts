import type { AnyProcessor } from './processor.js';
import type { ShardflowConfig, ShardflowConfigInput } from './types.js';
import { validateConfig } from './validate-config.js';

/**
 * Declares a shardflow application: its streams, their event source mapping settings and their routes.
 * Validates everything at definition time against the settings table (see docs/config-reference.md): unknown
 * keys at every level (with "did you mean"), wrong types, AWS's ranges, impossible combinations, routes that
 * cannot match or never run, unknown or duplicate processors, malformed patterns and redaction paths. A bad
 * config fails at import with a named `ConfigError` subclass and the path of the setting, never on the first
 * record.
 *
 * @example
 * ```ts
 * import { defineConfig } from 'shardflow';
 * import orderFacts from './processors/order-facts.js';
 *
 * export default defineConfig({
 *   service: 'shop-analytics',
 *   processors: [orderFacts],
 *   streams: {
 *     orders: {
 *       source: { type: 'dynamodb', table: 'orders' },
 *       startingPosition: 'TRIM_HORIZON',
 *       batchSize: 100,
 *       bisectOnError: true,
 *       maxRetries: 3,
 *       routes: [{ match: { eventName: ['INSERT', 'MODIFY'] }, processor: 'order-facts' }],
 *     },
 *   },
 * });
 * ```
 */
export function defineConfig<const TProcessors extends readonly AnyProcessor[]>(
  input: ShardflowConfigInput<TProcessors>,
): ShardflowConfig<TProcessors> {
  const processorsByName = validateConfig(input as ShardflowConfigInput);
  return Object.freeze({
    ...input,
    kind: 'shardflow.config' as const,
    processorsByName,
  }) as ShardflowConfig<TProcessors>;
}
