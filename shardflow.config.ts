import { defineConfig } from 'shardflow';
import clickSessions from './processors/click-sessions.js';
import orderFacts from './processors/order-facts.js';
import orderTombstones from './processors/order-tombstones.js';

/** The example CDC → analytics application: one source of truth for handlers, local runs and deploys. */
export default defineConfig({
  service: 'shop-analytics',
  processors: [orderFacts, orderTombstones, clickSessions],
  streams: {
    orders: {
      source: { type: 'dynamodb', table: 'orders', streamViewType: 'NEW_AND_OLD_IMAGES' },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      batchWindowSeconds: 1,
      parallelizationFactor: 2,
      bisectOnError: true,
      maxRetries: 5,
      maxRecordAgeSeconds: 3600,
      onFailure: { type: 's3', bucket: 'shop-analytics-orders-failures' },
      idempotency: { table: 'shop-analytics-idempotency' },
      routes: [
        { match: { eventName: ['INSERT', 'MODIFY'] }, processor: 'order-facts' },
        { match: { eventName: 'REMOVE' }, processor: 'order-tombstones' },
      ],
    },
    clicks: {
      source: { type: 'kinesis', stream: 'clicks', shards: 4 },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 500,
      bisectOnError: true,
      maxRetries: 5,
      idempotency: { table: 'shop-analytics-idempotency' },
      routes: [{ match: { payload: { action: ['view', 'add_to_cart', 'checkout'] } }, processor: clickSessions }],
    },
  },
});
