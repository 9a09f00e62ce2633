import type { AnyProcessor } from '../runtime/config/processor.js';
import type { ShardflowConfig } from '../runtime/config/types.js';
import { InvalidProcessorError } from './errors.js';

const FORMATS = new Set(['json', 'text', 'bytes']);

function isFunction(value: unknown): boolean {
  return typeof value === 'function';
}

function checkProcessor(path: string, processor: AnyProcessor): void {
  if (!isFunction(processor.process)) throw new InvalidProcessorError(`${path}.process`, 'must be a function');
  const schema = processor.schema as { safeParse?: unknown } | undefined;
  if (schema === null || typeof schema !== 'object' || !isFunction(schema.safeParse)) {
    throw new InvalidProcessorError(`${path}.schema`, 'must be a zod schema (z.object({ … }), z.string(), …)');
  }
  if (processor.format !== undefined && !FORMATS.has(processor.format)) {
    throw new InvalidProcessorError(
      `${path}.format`,
      `must be 'json', 'text' or 'bytes', got ${JSON.stringify(processor.format)}`,
    );
  }
  const idempotency = processor.idempotency as unknown;
  if (idempotency !== undefined && typeof idempotency !== 'boolean') {
    const key = (idempotency as { key?: unknown } | null)?.key;
    if (idempotency === null || typeof idempotency !== 'object' || (key !== undefined && !isFunction(key))) {
      throw new InvalidProcessorError(`${path}.idempotency`, 'must be true, false or { key(payload, record) }');
    }
  }
  const window = processor.window as { initial?: unknown; onClose?: unknown } | undefined;
  if (window !== undefined) {
    if (window === null || !isFunction(window.initial)) {
      throw new InvalidProcessorError(`${path}.window.initial`, 'must be a function returning the initial state');
    }
    if (window.onClose !== undefined && !isFunction(window.onClose)) {
      throw new InvalidProcessorError(`${path}.window.onClose`, 'must be a function');
    }
  }
  const batch = (processor as { batch?: { create?: unknown; commit?: unknown } }).batch;
  if (batch !== undefined && (batch === null || !isFunction(batch.create) || !isFunction(batch.commit))) {
    throw new InvalidProcessorError(`${path}.batch`, 'must have create() and commit(buffer, info) functions');
  }
}

/**
 * Checks every processor the config can reach (by name or by object): a zod schema, a `process` function,
 * a known payload format, well-formed idempotency, window and batch options. `defineConfig` already
 * resolved the names; this catches processors that would only fail on their first record.
 *
 * @throws {InvalidProcessorError} with the path `processors.<name>.<field>`
 *
 * @example
 * ```ts
 * checkProcessors(config); // throws InvalidProcessorError('processors.order-facts.schema', …)
 * ```
 */
export function checkProcessors(config: ShardflowConfig): void {
  for (const [name, processor] of config.processorsByName) checkProcessor(`processors.${name}`, processor);
}
