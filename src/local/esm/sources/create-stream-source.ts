import type { StreamSource } from '../ports.js';
import { DynamoDBStreamsSource, type DynamoDBStreamsSourceOptions } from './dynamodb-streams-source.js';
import { KinesisSource, type KinesisSourceOptions } from './kinesis-source.js';

/** What {@link createStreamSource} needs for a Kinesis stream: client, stream ARN, region (+ options). */
export type KinesisStreamSourceSettings = KinesisSourceOptions;

/** What {@link createStreamSource} needs for a DynamoDB stream: client, stream ARN, region. */
export type DynamoDBStreamSourceSettings = DynamoDBStreamsSourceOptions;

/**
 * Creates the {@link StreamSource} for a stream kind: a {@link KinesisSource} (Kinesis client) or a
 * {@link DynamoDBStreamsSource} (DynamoDB Streams client).
 *
 * @example
 * ```ts
 * const emulators = await startEmulators(config);
 * const orders = emulators.resources.streams.orders!;
 * const source = createStreamSource('dynamodb', {
 *   client: emulators.clients.dynamodbStreams!,
 *   streamArn: orders.streamArn,
 *   region: emulators.region,
 * });
 * ```
 */
export function createStreamSource(kind: 'kinesis', settings: KinesisStreamSourceSettings): KinesisSource;
export function createStreamSource(kind: 'dynamodb', settings: DynamoDBStreamSourceSettings): DynamoDBStreamsSource;
export function createStreamSource(
  kind: 'kinesis' | 'dynamodb',
  settings: KinesisStreamSourceSettings | DynamoDBStreamSourceSettings,
): StreamSource;
export function createStreamSource(
  kind: 'kinesis' | 'dynamodb',
  settings: KinesisStreamSourceSettings | DynamoDBStreamSourceSettings,
): StreamSource {
  return kind === 'kinesis'
    ? new KinesisSource(settings as KinesisStreamSourceSettings)
    : new DynamoDBStreamsSource(settings as DynamoDBStreamSourceSettings);
}
