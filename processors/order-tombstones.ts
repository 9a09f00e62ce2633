import { defineProcessor } from 'shardflow';
import { Order } from '../schemas/order.js';
import { analytics } from './analytics-store.js';

/** Orders REMOVE events (user deletes and TTL expiries) → tombstone facts. */
export default defineProcessor({
  name: 'order-tombstones',
  schema: Order,
  idempotency: true,
  process(order, ctx) {
    const record = ctx.record;
    analytics.put([
      `tombstone:${order.orderId}`,
      { kind: 'tombstone', orderId: order.orderId, expired: record.source === 'dynamodb' && record.isTtlDelete },
    ]);
  },
});
