import { checkProcessorSpec } from '../runtime/config/settings/processor.js';
import type { ShardflowConfig } from '../runtime/config/types.js';

/**
 * Checks every processor the config can reach (by name or by object) against the processor table, as
 * `defineProcessor` and `defineConfig` already did: a zod schema, a `process` function, a known payload format,
 * well-formed idempotency, window and batch options, no unknown keys. A second look for processor objects
 * made by hand and passed where a config was built without `defineConfig`.
 *
 * @throws {ConfigError} subclasses with the path `processors.<name>.<field>`
 *
 * @example
 * ```ts
 * checkProcessors(config); // throws InvalidSettingTypeError('processors.order-facts.schema', …)
 * ```
 */
export function checkProcessors(config: ShardflowConfig): void {
  for (const processor of config.processorsByName.values()) checkProcessorSpec(processor);
}
