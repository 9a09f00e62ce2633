import { createHash } from 'node:crypto';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { chunkByLimits } from './chunk-by-limits.js';
import { SERVICE_LIMITS } from './constants.js';
import {
  deliverWithRetry,
  type ItemFailure,
  type PendingItem,
  type QuarantineRetryOptions,
} from './deliver-with-retry.js';
import type { QuarantineEntry, QuarantineSink } from './quarantine-entry.js';
import type { QuarantineWriteFailure } from './quarantine-write-error.js';
import { serializeEntry } from './serialize-entry.js';

/** Options for {@link KinesisQuarantineSink}. */
export interface KinesisQuarantineSinkOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly retry?: QuarantineRetryOptions;
}

interface KinesisItem {
  readonly data: Uint8Array;
  readonly partitionKey: string;
  readonly bytes: number;
}

/**
 * The partition key a quarantined entry is written under: the record's own partition key (so one key's
 * poison records stay in order), else its sequence number, else its eventID. Keys over Kinesis'
 * 256-character limit are replaced by their SHA-256 (hex).
 *
 * @example
 * ```ts
 * quarantinePartitionKey(entry); // 'customer-42'
 * ```
 */
export function quarantinePartitionKey(entry: QuarantineEntry): string {
  const key = entry.partitionKey || entry.sequenceNumber || entry.eventID;
  return key.length <= SERVICE_LIMITS.kinesis.maxPartitionKeyLength
    ? key
    : createHash('sha256').update(key).digest('hex');
}

/**
 * Quarantine sink putting one Kinesis record per entry (data = the entry as JSON) with `PutRecords`:
 * at most 500 records and 5 MiB per call. Entries over the 1 MiB record limit are not sent and fail
 * the write; records Kinesis reports with an `ErrorCode` (throttling, internal failure) are retried
 * with backoff.
 *
 * @example
 * ```ts
 * const sink = new KinesisQuarantineSink({ client: new KinesisClient({}), streamName: 'orders-quarantine' });
 * await sink.write(entries);
 * ```
 */
export class KinesisQuarantineSink implements QuarantineSink {
  readonly kind = 'kinesis';
  readonly #client: KinesisClient;
  readonly #streamName: string;
  readonly #retry: QuarantineRetryOptions;

  constructor(options: KinesisQuarantineSinkOptions) {
    this.#client = options.client;
    this.#streamName = options.streamName;
    this.#retry = options.retry ?? {};
  }

  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const { maxRecordBytes, maxRecordsPerRequest, maxRequestBytes } = SERVICE_LIMITS.kinesis;
    const accepted: PendingItem<KinesisItem>[] = [];
    const rejected: QuarantineWriteFailure[] = [];
    for (const entry of entries) {
      const data = Buffer.from(serializeEntry(entry));
      const partitionKey = quarantinePartitionKey(entry);
      const bytes = data.byteLength + Buffer.byteLength(partitionKey);
      if (bytes > maxRecordBytes) {
        rejected.push({ entry, reason: `record is ${bytes} bytes, over the ${maxRecordBytes}-byte Kinesis limit` });
      } else {
        accepted.push({ entry, request: { data, partitionKey, bytes } });
      }
    }
    const chunks = chunkByLimits(
      accepted,
      { maxItems: maxRecordsPerRequest, maxBytes: maxRequestBytes },
      (item) => item.request.bytes,
    );
    await deliverWithRetry(this.kind, chunks, (chunk) => this.#send(chunk), this.#retry, rejected);
  }

  async #send(chunk: readonly PendingItem<KinesisItem>[]): Promise<ItemFailure<KinesisItem>[]> {
    const Records = chunk.map(
      ({ request }): PutRecordsRequestEntry => ({ Data: request.data, PartitionKey: request.partitionKey }),
    );
    const response = await this.#client.send(new PutRecordsCommand({ StreamName: this.#streamName, Records }));
    const failures: ItemFailure<KinesisItem>[] = [];
    // PutRecords answers in request order, one result per record.
    chunk.forEach((item, index) => {
      const result = response.Records?.[index];
      if (result === undefined) {
        failures.push({ item, reason: 'PutRecords returned no result', retryable: true });
      } else if (result.ErrorCode !== undefined) {
        const reason = `PutRecords record failed: ${result.ErrorCode} ${result.ErrorMessage ?? ''}`.trim();
        failures.push({ item, reason, retryable: true });
      }
    });
    return failures;
  }
}
