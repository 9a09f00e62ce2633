import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '../../../runtime/errors.js';
import type { OnFailureDelivery, OnFailureDestination } from '../ports.js';
import { OnFailureDeliveryError } from './errors.js';
import { withoutPayload } from './record-json.js';

/** Options for {@link SqsOnFailureDestination}. */
export interface SqsOnFailureDestinationOptions {
  readonly client: SQSClient;
  /** URL of a standard queue (Lambda does not send stream on-failure records to FIFO queues). */
  readonly queueUrl: string;
}

/**
 * On-failure destination sending each record as one SQS message, as Lambda does: `SendMessage` with the
 * on-failure record JSON (without `payload`: SQS and SNS carry only the batch's position in the stream)
 * as the body.
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
export class SqsOnFailureDestination implements OnFailureDestination {
  readonly kind = 'sqs';
  readonly #client: SQSClient;
  readonly #queueUrl: string;

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
}
