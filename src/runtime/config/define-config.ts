import { compileFilterCriteria, compileRouteMatch } from '../routing/index.js';
import type { AnyProcessor } from './processor.js';
import type { ShardflowConfig, ShardflowConfigInput } from './types.js';
import { validateConfig } from './validate-config.js';

/**
 * Declares a shardflow application: its streams, their event source mapping settings and their routes.
 * Validates everything at definition time (AWS ranges, unknown or duplicate processors, malformed
 * patterns), so a bad config fails at import, never on the first record.
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
  for (const [name, stream] of Object.entries(input.streams)) {
    for (const [i, route] of stream.routes.entries()) {
      compileRouteMatch(route.match, `streams.${name}.routes[${i}].match`);
    }
    if (stream.filterPatterns)
      compileFilterCriteria([...stream.filterPatterns], { path: `streams.${name}.filterPatterns` });
  }
  return Object.freeze({ ...input, kind: 'shardflow.config' as const, processorsByName });
}
