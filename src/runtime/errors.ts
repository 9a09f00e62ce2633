/**
 * Error classes shared across shardflow. Every error has `name` set to its class name so logs,
 * quarantine entries and on-failure records carry a stable, greppable reason.
 *
 * Two families matter to the batch engine:
 * - {@link PermanentError} and its subclasses: retrying cannot help (undecodable data, schema
 *   violation, no route). The record goes to the quarantine sink and counts as handled.
 * - everything else: treated as transient and reported to Lambda for retry.
 *
 * @example
 * ```ts
 * import { PermanentError } from 'shardflow';
 * if (!order.customerId) throw new PermanentError('order has no customer');
 * ```
 */
export class ShardflowError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A failure that retrying cannot fix. The record is quarantined and the shard moves on. */
export class PermanentError extends ShardflowError {}

/** A failure worth retrying (throttling, a dependency down). Reported in `batchItemFailures`. */
export class TransientError extends ShardflowError {}

/** Configuration that cannot work: thrown at `defineConfig` / `createHandler` time, never per record. */
export class ConfigError extends ShardflowError {
  /** Dotted path of the offending setting, e.g. `streams.orders.routes[1].processor`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/** A route names a processor that is not registered in the config. */
export class UnknownProcessorError extends ConfigError {}

/** The event handed to the handler is neither a Kinesis nor a DynamoDB Streams event. */
export class UnsupportedEventError extends ShardflowError {}

/**
 * A failure that cannot be attributed to a record with a sequence number (e.g. a DynamoDB record
 * without `SequenceNumber`). The whole batch must fail: the handler throws this.
 */
export class UnattributableFailureError extends ShardflowError {}
