import { defineConfig } from 'shardflow';
import clickSessions from './processors/click-sessions.js';
import orderFacts from './processors/order-facts.js';
import orderTombstones from './processors/order-tombstones.js';
import revenueByMinute from './processors/revenue-by-minute.js';

/** The orders table, read by two stream functions (DynamoDB Streams allows two readers per shard). */
const ordersTable = {
  type: 'dynamodb',
  table: 'orders',
  streamViewType: 'NEW_AND_OLD_IMAGES',
  keySchema: { partitionKey: 'orderId' },
  create: true,
} as const;

/** The example CDC → analytics application: one source of truth for handlers, local runs and deploys. */
export default defineConfig({
  service: 'shop-analytics',
  processors: [orderFacts, orderTombstones, revenueByMinute, clickSessions],
  logging: { redact: ['*.customerId'] },
  // The app's own resources: created by the stack, granted to the streams that use them, names passed in env.
  resources: {
    lake: {
      type: 's3',
      bucket: 'shop-analytics-lake',
      prefix: 'lake/',
      env: 'SHOP_LAKE_BUCKET',
      access: 'write',
      streams: ['orders', 'revenue'],
    },
    sessions: {
      type: 'dynamodb',
      table: 'shop-analytics-sessions',
      partitionKey: 'sessionId',
      env: 'SHOP_SESSIONS_TABLE',
      access: 'read-write',
      streams: ['clicks'],
    },
  },
  streams: {
    // Orders table CDC → status transitions, revenue and tombstone facts in the data lake.
    orders: {
      source: ordersTable,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      batchWindowSeconds: 1,
      parallelizationFactor: 2,
      bisectOnError: true,
      maxRetries: 5,
      maxRecordAgeSeconds: 3600,
      onFailure: { type: 's3', bucket: 'shop-analytics-orders-failures' },
      quarantine: { type: 's3', bucket: 'shop-analytics-quarantine' },
      idempotency: { table: 'shop-analytics-idempotency' },
      routes: [
        { match: { eventName: ['INSERT', 'MODIFY'] }, processor: 'order-facts' },
        { match: { eventName: 'REMOVE' }, processor: 'order-tombstones' },
      ],
    },
    // A second reader of the same table: payments only (ESM filtering), aggregated in tumbling windows.
    revenue: {
      source: ordersTable,
      startingPosition: 'TRIM_HORIZON',
      batchSize: 500,
      tumblingWindowSeconds: 15,
      maxRetries: 5,
      // After 5 retries AWS gives the batch up: its on-failure record lands here, never lost silently.
      onFailure: { type: 's3', bucket: 'shop-analytics-revenue-failures' },
      filterPatterns: [
        {
          eventName: ['MODIFY'],
          dynamodb: {
            NewImage: { status: { S: ['PAID'] } },
            OldImage: { status: { S: [{ 'anything-but': ['PAID'] }] } },
          },
        },
      ],
      quarantine: { type: 's3', bucket: 'shop-analytics-quarantine' },
      idempotency: { table: 'shop-analytics-idempotency' },
      routes: [{ processor: 'revenue-by-minute' }],
    },
    // Clickstream (partly KPL-aggregated) → per-session summaries, in order per user.
    clicks: {
      source: { type: 'kinesis', stream: 'clicks', shards: 4, create: true },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 500,
      parallelizationFactor: 2,
      bisectOnError: true,
      maxRetries: 5,
      maxRecordAgeSeconds: 3600,
      onFailure: { type: 's3', bucket: 'shop-analytics-clicks-failures' },
      quarantine: { type: 's3', bucket: 'shop-analytics-quarantine' },
      idempotency: { table: 'shop-analytics-idempotency' },
      routes: [{ match: { payload: { action: ['view', 'add_to_cart', 'checkout'] } }, processor: 'click-sessions' }],
    },
  },
});
