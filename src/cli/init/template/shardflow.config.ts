import { defineConfig } from 'shardflow';
import orderEvents from './src/processors/order-events.js';

/** Where both streams quarantine records that can never succeed (a bucket the stack creates per stage). */
const quarantine = { type: 's3', bucket: '__SERVICE__-quarantine' } as const;

/**
 * The service: one source of truth for the Lambda handlers, `shardflow dev` and the deploy (`osls package`).
 * Resources named without an ARN are created by the stack as `<name>-<stage>`, and by `shardflow dev` locally.
 */
export default defineConfig({
  service: '__SERVICE__',
  processors: [orderEvents],
  streams: {
    // Order events published to a Kinesis stream.
    'order-events': {
      source: { type: 'kinesis', stream: 'order-events', shards: 1, create: true },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      bisectOnError: true,
      maxRetries: 5,
      maxRecordAgeSeconds: 3600,
      // A batch that still fails after its retries is described here (then skipped).
      onFailure: { type: 'sqs', queue: 'order-events-failures' },
      quarantine,
      routes: [{ processor: 'order-events' }],
    },
    // Changes of the orders table, through its DynamoDB stream.
    orders: {
      source: {
        type: 'dynamodb',
        table: 'orders',
        streamViewType: 'NEW_AND_OLD_IMAGES',
        keySchema: { partitionKey: 'orderId' },
        create: true,
      },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      bisectOnError: true,
      maxRetries: 5,
      maxRecordAgeSeconds: 3600,
      onFailure: { type: 'sqs', queue: 'orders-failures' },
      quarantine,
      routes: [{ processor: 'order-events' }],
    },
  },
});
