/**
 * Quarantine: where permanently failing records go, with the full record and the reason.
 *
 * This entry point loads no AWS SDK client. The AWS sinks (`S3QuarantineSink`, `SqsQuarantineSink`,
 * `KinesisQuarantineSink`, `DynamoDBQuarantineSink`) live in their own modules — import those directly
 * when you construct one yourself; {@link createQuarantineSink} loads them on first use.
 *
 * @example
 * ```ts
 * import { createQuarantineSink, toQuarantineEntry } from './processing/quarantine/index.js';
 * const sink = createQuarantineSink({ type: 'file', path: '.shardflow/quarantine.ndjson' });
 * await sink.write([toQuarantineEntry({ record, error, context: { service: 'shop', stream: 'orders' } })]);
 * ```
 */
export { DEFAULT_RETRY, SERVICE_LIMITS } from './constants.js';
export {
  createQuarantineSink,
  type QuarantineClients,
  type QuarantineSinkSpec,
} from './create-quarantine-sink.js';
export type { QuarantineRetryOptions } from './deliver-with-retry.js';
export { FileQuarantineSink, type FileQuarantineSinkOptions } from './file-quarantine-sink.js';
export { FunctionQuarantineSink, type QuarantineWriteFunction } from './function-quarantine-sink.js';
export type { QuarantineEntry, QuarantineSink } from './quarantine-entry.js';
export { QuarantineWriteError, type QuarantineWriteFailure } from './quarantine-write-error.js';
export { createEntryRedactor } from './redact-entry.js';
export { toNdjson } from './serialize-entry.js';
export {
  describeError,
  type QuarantineContext,
  type ToQuarantineEntryInput,
  toQuarantineEntry,
} from './to-quarantine-entry.js';
