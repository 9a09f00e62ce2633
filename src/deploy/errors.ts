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

/**
 * A function's Lambda runtime is one AWS no longer lets you create or update functions on: the deploy would
 * fail in CloudFormation, so validation and packaging fail first.
 *
 * @example
 * ```ts
 * throw new RuntimeBlockedError('runtime', 'nodejs20.x was deprecated on 2026-04-30; …');
 * ```
 */
export class RuntimeBlockedError extends ConfigError {}

/**
 * A `runtime` that shardflow's runtime table (`LAMBDA_NODE_RUNTIMES`) does not know.
 *
 * @example
 * ```ts
 * throw new UnknownRuntimeError('streams.orders.runtime', 'nodejs26.x', ['nodejs24.x', 'nodejs22.x']);
 * ```
 */
export class UnknownRuntimeError extends ConfigError {
  constructor(path: string, runtime: string, known: readonly string[]) {
    super(path, `${runtime} is not a Lambda Node.js runtime shardflow knows (known: ${known.join(', ')})`);
  }
}

/**
 * A stream whose event source mapping can run out of retries or record age with no on-failure destination:
 * AWS would then discard the batch and nothing would record which records were lost. Give the stream an
 * `onFailure` destination, or opt out explicitly with `discardOnFailure: true`.
 *
 * @example
 * ```ts
 * throw new SilentDiscardError('streams.revenue', 'after 5 retries AWS discards the batch …');
 * ```
 */
export class SilentDiscardError extends ConfigError {}
