import { ConfigError, ShardflowError } from '../runtime/errors.js';

export { InvalidResourceNameError } from '../runtime/stages/errors.js';

/**
 * esbuild could not bundle a stream's function (a missing import, a syntax error in a processor).
 *
 * @example
 * ```ts
 * throw new BundleError('orders', 'Could not resolve "./processors/missing.js"');
 * ```
 */
export class BundleError extends ShardflowError {
  /** The stream whose function failed to build. */
  readonly stream: string;
  constructor(stream: string, reason: string, options?: ErrorOptions) {
    super(`bundling the function of stream '${stream}' failed: ${reason}`, options);
    this.stream = stream;
  }
}

/**
 * A processor the config names is not usable: its schema is not a zod schema, `process` is not a function,
 * an unknown payload format, a window without `initial`.
 *
 * @example
 * ```ts
 * throw new InvalidProcessorError('processors.order-facts.schema', 'must be a zod schema');
 * ```
 */
export class InvalidProcessorError extends ConfigError {}
