import { PermanentError, TransientError } from '../errors.js';

/** The payload does not satisfy the processor's schema. Quarantined with the zod issues. */
export class SchemaValidationError extends PermanentError {
  readonly issues: unknown;
  constructor(processor: string, issues: unknown, summary: string) {
    super(`payload does not match the schema of '${processor}': ${summary}`);
    this.issues = issues;
  }
}

/** No route matched the record and the stream's `unmatched` policy is `quarantine`. */
export class UnmatchedRecordError extends PermanentError {}

/** No route matched the record and the stream's `unmatched` policy is `fail`: reported for retry. */
export class UnroutableRecordError extends TransientError {}

/** Another invocation holds a live idempotency lock on this record: retried later. */
export class IdempotencyInProgressError extends TransientError {}

/** The deadline guard stopped the batch before this record started: retried from here. */
export class DeadlineReachedError extends TransientError {}

/** A processor threw something that is not an Error (a string, undefined, …). Treated as transient. */
export class NonErrorThrownError extends TransientError {}

/** A windowed processor's `onClose` failed: the whole final invocation fails, as Lambda requires. */
export class WindowCloseError extends TransientError {}

/** A processor's `batch.commit` failed: the records it handled in the invocation are retried. */
export class BatchCommitError extends TransientError {}
