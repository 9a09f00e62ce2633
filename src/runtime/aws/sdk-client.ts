/**
 * An AWS SDK for JavaScript v3 client, as shardflow's public options name it: any object with the SDK's
 * `send(command)`. Pass the real client the option's name says (`new DynamoDBClient({})` for `dynamodb`,
 * `new S3Client({})` for `s3`, …); shardflow sends it the commands of that service.
 *
 * Structural rather than the SDK's class types on purpose: the SDK's declarations need `@types/node` (or the
 * DOM lib), and shardflow's runtime declarations compile without either, so a project pays for them only
 * when it imports the SDK itself.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { type AwsSdkClient, createHandler } from 'shardflow';
 *
 * const dynamodb: AwsSdkClient = new DynamoDBClient({ endpoint: 'http://127.0.0.1:8000' });
 * export const handler = createHandler(config, 'orders', { clients: { dynamodb } });
 * ```
 */
export interface AwsSdkClient {
  send(command: never, options?: never): Promise<unknown>;
}
