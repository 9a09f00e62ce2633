import { ConfigError, ShardflowError } from '../errors.js';

/**
 * A name AWS would reject once the stage is applied: an S3 bucket name with capitals, a Lambda function
 * name over 64 characters, a stage name that cannot be part of resource names, two streams whose
 * CloudFormation logical IDs collide. `path` points at the setting to change.
 *
 * @example
 * ```ts
 * throw new InvalidResourceNameError('streams.orders.onFailure.bucket', "'Orders-Failures-dev' is not an S3 bucket name");
 * ```
 */
export class InvalidResourceNameError extends ConfigError {}

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
