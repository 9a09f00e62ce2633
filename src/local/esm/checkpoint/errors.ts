import { ConfigError, ShardflowError, TransientError } from '../../../runtime/errors.js';

/**
 * A stored checkpoint cannot be read as one (unparsable file, wrong shape, an item without its keys).
 * Deliberately not transient and never "treated as empty": starting over from the stream's trim horizon
 * would silently reprocess (or, from LATEST, skip) records. Fix or remove the file to continue.
 *
 * @example
 * ```ts
 * try {
 *   await store.load('orders');
 * } catch (error) {
 *   if (error instanceof CorruptCheckpointError) console.error(`repair ${error.location}: ${error.reason}`);
 *   throw error;
 * }
 * ```
 */
export class CorruptCheckpointError extends ShardflowError {
  /** The file or table item that is corrupt. */
  readonly location: string;
  readonly reason: string;

  constructor(location: string, reason: string, options?: ErrorOptions) {
    super(`checkpoint ${location} is corrupt: ${reason}`, options);
    this.location = location;
    this.reason = reason;
  }
}

/**
 * Reading or writing checkpoints failed (I/O error, DynamoDB unavailable or throttled after the SDK's
 * retries). Transient: the checkpoint was not advanced, so the caller retries later and nothing is lost.
 *
 * @example
 * ```ts
 * await store.save(mappingId, shardId, checkpoint).catch((error) => {
 *   if (error instanceof CheckpointStoreError) logger.warn({ err: error }, 'checkpoint not saved; will retry');
 *   throw error;
 * });
 * ```
 */
export class CheckpointStoreError extends TransientError {
  /** `kind` of the store (`file`, `dynamodb`). */
  readonly storeKind: string;
  readonly mappingId: string;

  constructor(storeKind: string, mappingId: string, message: string, options: { cause: unknown }) {
    const reason =
      options.cause instanceof Error ? `${options.cause.name}: ${options.cause.message}` : String(options.cause);
    super(`${storeKind} checkpoint store: ${message} for mapping '${mappingId}': ${reason}`, options);
    this.storeKind = storeKind;
    this.mappingId = mappingId;
  }
}

/**
 * A checkpoint to save is malformed: a sequence number that is not a decimal string of at most 129
 * digits, or an `ended` that is not a boolean.
 *
 * @example
 * ```ts
 * await store.save('orders', 'shardId-000000000000', { sequenceNumber: 'abc', ended: false }); // throws
 * ```
 */
export class InvalidCheckpointError extends ShardflowError {}

/**
 * A mapping id cannot name a checkpoint file: empty, `.`/`..`, or with characters other than letters,
 * digits, `.`, `_` and `-`.
 *
 * @example
 * ```ts
 * await new FileCheckpointStore({ directory }).load('../etc'); // throws InvalidMappingIdError
 * ```
 */
export class InvalidMappingIdError extends ConfigError {
  constructor(mappingId: string) {
    super(
      'mappingId',
      `${JSON.stringify(mappingId)} cannot name a checkpoint file (use letters, digits, '.', '_' and '-')`,
    );
  }
}

/**
 * The checkpoint table exists with another key schema than partition key `mappingId` (S) and sort key
 * `shardId` (S).
 *
 * @example
 * ```ts
 * await ensureCheckpointTable(client, 'an-unrelated-table'); // throws CheckpointTableError
 * ```
 */
export class CheckpointTableError extends ConfigError {}
