/**
 * Service limits the quarantine sinks chunk and validate against.
 *
 * @example
 * ```ts
 * import { SERVICE_LIMITS } from './constants.js';
 * SERVICE_LIMITS.sqs.maxEntriesPerBatch; // 10
 * ```
 */
export const SERVICE_LIMITS = {
  sqs: {
    /** `SendMessageBatch` takes at most 10 entries. */
    maxEntriesPerBatch: 10,
    /** Message size limit (and, for `SendMessageBatch`, the limit on the sum of all bodies): 256 KiB. */
    maxMessageBytes: 262_144,
  },
  kinesis: {
    /** `PutRecords` takes at most 500 records. */
    maxRecordsPerRequest: 500,
    /** One record (data + partition key) at most 1 MiB. */
    maxRecordBytes: 1_048_576,
    /** One `PutRecords` request at most 5 MiB (data + partition keys). */
    maxRequestBytes: 5_242_880,
    /** Partition keys are at most 256 Unicode characters. */
    maxPartitionKeyLength: 256,
  },
  dynamodb: {
    /** `BatchWriteItem` takes at most 25 put/delete requests. */
    maxItemsPerBatch: 25,
    /** One item at most 400 KB (names + values). */
    maxItemBytes: 409_600,
    /** One `BatchWriteItem` request at most 16 MB. */
    maxRequestBytes: 16_777_216,
  },
} as const;

/**
 * Retry defaults for entries a service reports as failed (SQS `Failed`, Kinesis `ErrorCode`, DynamoDB
 * `UnprocessedItems`): 4 attempts in all, full-jitter exponential backoff from 100 ms capped at 2 s.
 * Whole-request errors are not retried here: the SDK client already retried the retryable ones.
 */
export const DEFAULT_RETRY = {
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 2_000,
} as const;
