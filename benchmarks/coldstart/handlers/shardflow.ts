/**
 * The shardflow side of the cold-start suite: a one-processor Kinesis handler written the way the docs
 * show it — everything imported from the `shardflow` entry. Metrics off (outside Lambda they are off
 * anyway) and a `silent` log level, so that neither handler writes to standard output while measured.
 */
import { createHandler, defineConfig, defineProcessor } from 'shardflow';
import { Order } from './order.js';

/** What the processor does with a valid order: nothing, asynchronously (as the Powertools handler). */
async function accept(_order: unknown): Promise<void> {}

const orders = defineProcessor({ name: 'orders', schema: Order, process: accept });

const config = defineConfig({
  service: 'coldstart',
  processors: [orders],
  logging: { level: 'silent' },
  metrics: { enabled: false },
  streams: {
    orders: {
      source: { type: 'kinesis', stream: 'orders' },
      startingPosition: 'TRIM_HORIZON',
      routes: [{ processor: 'orders' }],
      quarantine: { type: 'sqs', queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-quarantine' },
    },
  },
});

export const handler = createHandler(config, 'orders');
