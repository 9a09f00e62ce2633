import { ShardflowError, TransientError } from '../../../runtime/errors.js';

/**
 * The input for an on-failure record or its storage location is unusable: no records, records of the
 * other source, a record without a sequence number or arrival time, or a shard id / mapping UUID that
 * cannot be a key segment. Retrying cannot help; it points at a bug in the caller.
 *
 * @example
 * ```ts
 * try {
 *   buildOnFailureRecord({ ...input, records: [] });
 * } catch (error) {
 *   if (error instanceof InvalidOnFailureInputError) logger.error({ err: error }, 'cannot describe the batch');
 * }
 * ```
 */
export class InvalidOnFailureInputError extends ShardflowError {}

/**
 * A destination could not store an on-failure record (S3/SQS/SNS call failed, disk full, …). It is a
 * {@link TransientError}: the ESM keeps the checkpoint where it is and retries the delivery, so a
 * discarded batch is never skipped without a record of it.
 *
 * @example
 * ```ts
 * try {
 *   await destination.send(delivery);
 * } catch (error) {
 *   if (error instanceof OnFailureDeliveryError) logger.warn({ target: error.target }, 'retrying delivery');
 *   throw error;
 * }
 * ```
 */
export class OnFailureDeliveryError extends TransientError {
  /** `kind` of the destination (`s3`, `sqs`, `sns`, `directory`). */
  readonly destinationKind: string;
  /** Where it tried to write: `s3://bucket/key`, the queue URL, the topic ARN or the file path. */
  readonly target: string;
  /** Shard of the discarded batch. */
  readonly shardId: string;

  constructor(destinationKind: string, target: string, shardId: string, options: { cause: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      `${destinationKind} on-failure destination could not store the record for ${shardId} at ${target}: ${reason}`,
      options,
    );
    this.destinationKind = destinationKind;
    this.target = target;
    this.shardId = shardId;
  }
}

/**
 * Reading stored on-failure records back failed: the listing or a read failed, or a stored object is not
 * an on-failure record.
 *
 * @example
 * ```ts
 * const records = await destination.list?.().catch((error) => {
 *   if (error instanceof OnFailureReadError) console.error(`unreadable: ${error.location}`);
 *   throw error;
 * });
 * ```
 */
export class OnFailureReadError extends ShardflowError {
  /** `kind` of the destination. */
  readonly destinationKind: string;
  /** The object, file or prefix that could not be read. */
  readonly location: string;

  constructor(destinationKind: string, location: string, message: string, options?: ErrorOptions) {
    super(`${destinationKind} on-failure destination cannot read ${location}: ${message}`, options);
    this.destinationKind = destinationKind;
    this.location = location;
  }
}

/**
 * The redrive state of an on-failure record could not be stored (S3 call or file write failed), or the
 * SQS message could not be deleted or returned to the queue. The records were redriven; only the trace is
 * missing, so a later redrive would not know they were.
 *
 * @example
 * ```ts
 * await destination.recordRedrive(stored, attempt).catch((error) => {
 *   if (error instanceof RedriveStateWriteError) console.error(`redriven, but not recorded at ${error.location}`);
 *   throw error;
 * });
 * ```
 */
export class RedriveStateWriteError extends ShardflowError {
  /** `kind` of the destination. */
  readonly destinationKind: string;
  /** The object, file or queue it tried to write. */
  readonly location: string;

  constructor(destinationKind: string, location: string, options: { cause: unknown }) {
    const reason =
      options.cause instanceof Error ? `${options.cause.name}: ${options.cause.message}` : String(options.cause);
    super(`${destinationKind} on-failure destination could not record the redrive at ${location}: ${reason}`, options);
    this.destinationKind = destinationKind;
    this.location = location;
  }
}
