import { ConfigError } from '../runtime/errors.js';

/**
 * One line describing a config or deploy error: the error's name and, for config errors, the offending path,
 * e.g. `ConfigRangeError at streams.orders.batchSize: must be an integer from 1 to 10000, got 20000`.
 *
 * @example
 * ```ts
 * describeDeployError(new ConfigRangeError('streams.orders.batchSize', 'must be …'));
 * // 'ConfigRangeError at streams.orders.batchSize: must be …'
 * ```
 */
export function describeDeployError(error: unknown): string {
  if (error instanceof ConfigError) {
    const prefix = `${error.path}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return `${error.name} at ${error.path}: ${message}`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return String(error);
}
