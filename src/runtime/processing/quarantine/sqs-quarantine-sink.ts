import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
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

/** Options for {@link SqsQuarantineSink}. */
export interface SqsQuarantineSinkOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /**
   * Largest message body, and largest sum of bodies in one `SendMessageBatch`. Default 262144 (256 KiB,
   * the classic SQS limit); raise it if your queue's `MaximumMessageSize` is larger.
   */
  readonly maxMessageBytes?: number;
  readonly retry?: QuarantineRetryOptions;
}

interface SqsItem {
  readonly body: string;
  readonly bytes: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * SQS accepts only #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF in a body.
 * `JSON.stringify` already escapes control characters and lone surrogates; the two noncharacters
 * U+FFFE and U+FFFF it leaves raw are escaped here (they can only occur inside JSON strings).
 */
const sqsSafeJson = (json: string): string =>
  json.replace(/[\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);

/**
 * Quarantine sink sending one SQS message per entry (body = the entry as JSON) with `SendMessageBatch`,
 * 10 messages and at most `maxMessageBytes` per call. Entries whose message would exceed
 * `maxMessageBytes` are not sent and fail the write (never silently dropped: use the S3 sink for large
 * records). `Failed` entries are retried with backoff unless SQS blames the sender. FIFO queues
 * (`.fifo`) get `MessageGroupId` = stream + shard and a `MessageDeduplicationId` derived from the record's
 * identity, so a redelivered batch does not quarantine twice within the deduplication window.
 *
 * @example
 * ```ts
 * const sink = new SqsQuarantineSink({ client: new SQSClient({}), queueUrl: process.env.QUARANTINE_QUEUE_URL! });
 * await sink.write(entries);
 * ```
 */
export class SqsQuarantineSink implements QuarantineSink {
  readonly kind = 'sqs';
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #maxMessageBytes: number;
  readonly #retry: QuarantineRetryOptions;
  readonly #fifo: boolean;

  constructor(options: SqsQuarantineSinkOptions) {
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#maxMessageBytes = options.maxMessageBytes ?? SERVICE_LIMITS.sqs.maxMessageBytes;
    this.#retry = options.retry ?? {};
    this.#fifo = options.queueUrl.endsWith('.fifo');
  }

  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const accepted: PendingItem<SqsItem>[] = [];
    const rejected: QuarantineWriteFailure[] = [];
    for (const entry of entries) {
      const body = sqsSafeJson(serializeEntry(entry));
      const bytes = Buffer.byteLength(body);
      if (bytes > this.#maxMessageBytes) {
        rejected.push({ entry, reason: `message is ${bytes} bytes, over the ${this.#maxMessageBytes}-byte SQS limit` });
      } else {
        accepted.push({ entry, request: { body, bytes } });
      }
    }
    const chunks = chunkByLimits(
      accepted,
      { maxItems: SERVICE_LIMITS.sqs.maxEntriesPerBatch, maxBytes: this.#maxMessageBytes },
      (item) => item.request.bytes,
    );
    await deliverWithRetry(this.kind, chunks, (chunk) => this.#send(chunk), this.#retry, rejected);
  }

  async #send(chunk: readonly PendingItem<SqsItem>[]): Promise<ItemFailure<SqsItem>[]> {
    const byId = new Map<string, PendingItem<SqsItem>>();
    const Entries = chunk.map((item, index): SendMessageBatchRequestEntry => {
      const Id = String(index);
      byId.set(Id, item);
      return { Id, MessageBody: item.request.body, ...this.#fifoFields(item.entry) };
    });
    const response = await this.#client.send(new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries }));
    const failures: ItemFailure<SqsItem>[] = [];
    for (const failed of response.Failed ?? []) {
      const item = failed.Id === undefined ? undefined : byId.get(failed.Id);
      if (item === undefined) continue;
      failures.push({
        item,
        reason: `SendMessageBatch entry failed: ${failed.Code ?? 'unknown'} ${failed.Message ?? ''}`.trim(),
        retryable: failed.SenderFault !== true,
      });
    }
    // Entries SQS reports neither as Successful nor as Failed were not stored: retry them too.
    const answered = new Set([...(response.Successful ?? []), ...(response.Failed ?? [])].map((result) => result.Id));
    for (const [id, item] of byId) {
      if (!answered.has(id)) failures.push({ item, reason: 'SendMessageBatch returned no result', retryable: true });
    }
    return failures;
  }

  #fifoFields(entry: QuarantineEntry): Pick<SendMessageBatchRequestEntry, 'MessageGroupId' | 'MessageDeduplicationId'> {
    if (!this.#fifo) return {};
    const group = `${entry.stream}#${entry.shardId ?? 'unknown'}`;
    const identity = `${entry.eventSourceARN}#${entry.sequenceNumber ?? entry.eventID}#${entry.subSequenceNumber ?? 0}`;
    return { MessageGroupId: group.length <= 128 ? group : sha256(group), MessageDeduplicationId: sha256(identity) };
  }
}
