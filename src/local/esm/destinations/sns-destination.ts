import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { ConfigError } from '../../../runtime/errors.js';
import type { OnFailureDelivery, OnFailureDestination } from '../ports.js';
import { OnFailureDeliveryError } from './errors.js';
import { withoutPayload } from './record-json.js';

/** Options for {@link SnsOnFailureDestination}. */
export interface SnsOnFailureDestinationOptions {
  readonly client: SNSClient;
  /** ARN of a standard topic (Lambda does not publish stream on-failure records to FIFO topics). */
  readonly topicArn: string;
}

/**
 * On-failure destination publishing each record to an SNS topic, as Lambda does: `Publish` with the
 * on-failure record JSON (without `payload`) as the `Message`. A topic keeps nothing, so these records
 * cannot be read back or redriven from here (locally, `shardflow dev` keeps them in a directory, which
 * can); redrive from what the topic's subscribers stored.
 *
 * @throws {ConfigError} at construction when `topicArn` is not an SNS topic ARN or names a FIFO topic
 *
 * @example
 * ```ts
 * const destination = new SnsOnFailureDestination({
 *   client: new SNSClient({}),
 *   topicArn: 'arn:aws:sns:us-east-1:123456789012:orders-failures',
 * });
 * await destination.send({ record, records, shardId, esmUuid });
 * ```
 */
export class SnsOnFailureDestination implements OnFailureDestination {
  readonly kind = 'sns';
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: SnsOnFailureDestinationOptions) {
    if (!/^arn:[^:]+:sns:[^:]*:[^:]*:[^:]+$/.test(options.topicArn)) {
      throw new ConfigError('onFailure.topicArn', `${JSON.stringify(options.topicArn)} is not an SNS topic ARN`);
    }
    if (options.topicArn.endsWith('.fifo')) {
      throw new ConfigError(
        'onFailure.topicArn',
        'stream event source mappings only publish to standard topics, not FIFO',
      );
    }
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  async send(delivery: OnFailureDelivery): Promise<void> {
    try {
      await this.#client.send(
        new PublishCommand({ TopicArn: this.#topicArn, Message: JSON.stringify(withoutPayload(delivery.record)) }),
      );
    } catch (error) {
      throw new OnFailureDeliveryError(this.kind, this.#topicArn, delivery.shardId, { cause: error });
    }
  }
}
