import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { ConfigError } from '../../../runtime/errors.js';
import type { OnFailureDelivery, OnFailureDestination } from '../ports.js';
import { OnFailureDeliveryError, OnFailureReadError, RedriveStateWriteError } from './errors.js';
import { parseOnFailureRecord, withoutPayload } from './record-json.js';
import type { RedriveAttempt } from './redrive-state.js';
import type { RecordedRedrive, RedrivableOnFailureRecords, StoredOnFailureRecord } from './types.js';

/** Options for {@link SqsOnFailureDestination}. */
export interface SqsOnFailureDestinationOptions {
  readonly client: SQSClient;
  /** URL of a standard queue (Lambda does not send stream on-failure records to FIFO queues). */
  readonly queueUrl: string;
  /**
   * `listStored`: how long received messages stay invisible to other consumers while they are redriven.
   * Default 300 s.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** `listStored`: receive at most this many messages. Default 1000. */
  readonly maxMessages?: number;
}

/** Messages per ReceiveMessage call (the API's maximum). */
const RECEIVE_BATCH = 10;

/**
 * On-failure destination sending each record as one SQS message, as Lambda does: `SendMessage` with the
 * on-failure record JSON (without `payload`: SQS and SNS carry only the batch's position in the stream)
 * as the body.
 *
 * Read back like a dead-letter queue: `listStored` receives the messages (keyed by message id, hidden
 * for `visibilityTimeoutSeconds`; receiving counts towards the queue's own `maxReceiveCount`, if it has a
 * redrive policy), and `recordRedrive` deletes a message whose records were all redriven — as users expect
 * from a DLQ redrive — or makes it visible again at once when some failed. SQS keeps no redrive state: a
 * message still in the queue has not been redriven successfully. (There is no SQS emulator here: locally
 * `shardflow dev` keeps SQS on-failure records in a directory; this class is tested with a mocked client.)
 *
 * @throws {ConfigError} at construction when `queueUrl` is empty or names a FIFO queue
 *
 * @example
 * ```ts
 * const destination = new SqsOnFailureDestination({
 *   client: new SQSClient({}),
 *   queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq',
 * });
 * await destination.send({ record, records, shardId, esmUuid });
 * ```
 */
export class SqsOnFailureDestination implements OnFailureDestination, RedrivableOnFailureRecords {
  readonly kind = 'sqs';
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #visibilityTimeoutSeconds: number;
  readonly #maxMessages: number;
  /** Receipt handles of received messages not yet deleted or returned, by message id. */
  readonly #held = new Map<string, string>();

  constructor(options: SqsOnFailureDestinationOptions) {
    if (options.queueUrl.trim() === '') throw new ConfigError('onFailure.queueUrl', 'must not be empty');
    if (options.queueUrl.endsWith('.fifo')) {
      throw new ConfigError(
        'onFailure.queueUrl',
        'stream event source mappings only send to standard queues, not FIFO',
      );
    }
    this.#client = options.client;
    this.#queueUrl = options.queueUrl;
    this.#visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 300;
    this.#maxMessages = options.maxMessages ?? 1000;
  }

  async send(delivery: OnFailureDelivery): Promise<void> {
    try {
      await this.#client.send(
        new SendMessageCommand({
          QueueUrl: this.#queueUrl,
          MessageBody: JSON.stringify(withoutPayload(delivery.record)),
        }),
      );
    } catch (error) {
      throw new OnFailureDeliveryError(this.kind, this.#queueUrl, delivery.shardId, { cause: error });
    }
  }

  /**
   * Receives the queue's messages (up to `maxMessages`, until a receive comes back empty), each as an
   * on-failure record keyed by its message id. They stay hidden until `recordRedrive` or `release`.
   *
   * @throws {OnFailureReadError} when receiving fails or a message is not an on-failure record (the
   *   messages received so far are released first)
   */
  async listStored(): Promise<StoredOnFailureRecord[]> {
    const stored: StoredOnFailureRecord[] = [];
    try {
      while (stored.length < this.#maxMessages) {
        const output = await this.#client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.#queueUrl,
            MaxNumberOfMessages: Math.min(RECEIVE_BATCH, this.#maxMessages - stored.length),
            VisibilityTimeout: this.#visibilityTimeoutSeconds,
            WaitTimeSeconds: 1,
          }),
        );
        const messages = output.Messages ?? [];
        if (messages.length === 0) break;
        for (const message of messages) {
          if (message.MessageId === undefined || message.ReceiptHandle === undefined) continue;
          this.#held.set(message.MessageId, message.ReceiptHandle);
          const parsed = parseOnFailureRecord(message.Body ?? '');
          if (typeof parsed === 'string') {
            throw new OnFailureReadError(
              this.kind,
              `${this.#queueUrl} message ${message.MessageId}`,
              `the body ${parsed}`,
            );
          }
          stored.push({ key: message.MessageId, record: parsed });
        }
      }
    } catch (error) {
      await this.release();
      if (error instanceof OnFailureReadError) throw error;
      throw new OnFailureReadError(this.kind, this.#queueUrl, String(error), { cause: error });
    }
    return stored.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Deletes the message when the attempt redrove every record, else makes it visible again at once.
   *
   * @throws {RedriveStateWriteError} when the message was not received by `listStored` or the call fails
   */
  async recordRedrive(stored: StoredOnFailureRecord, attempt: RedriveAttempt): Promise<RecordedRedrive> {
    const handle = this.#held.get(stored.key);
    const location = `${this.#queueUrl} message ${stored.key}`;
    if (handle === undefined) {
      throw new RedriveStateWriteError(this.kind, location, { cause: new Error('the message was not received') });
    }
    try {
      if (attempt.status === 'redriven') {
        await this.#client.send(new DeleteMessageCommand({ QueueUrl: this.#queueUrl, ReceiptHandle: handle }));
      } else {
        await this.#returnMessage(handle);
      }
    } catch (error) {
      throw new RedriveStateWriteError(this.kind, location, { cause: error });
    }
    this.#held.delete(stored.key);
    return {
      state: undefined,
      where: attempt.status === 'redriven' ? `deleted from ${this.#queueUrl}` : `returned to ${this.#queueUrl}`,
    };
  }

  /** Makes every received message that was neither deleted nor returned visible again. */
  async release(): Promise<void> {
    const handles = [...this.#held.values()];
    this.#held.clear();
    await Promise.all(handles.map((handle) => this.#returnMessage(handle).catch(() => undefined)));
  }

  async #returnMessage(handle: string): Promise<void> {
    await this.#client.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: this.#queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
  }
}
