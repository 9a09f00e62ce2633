import { defineProcessor } from 'shardflow';
import { Order } from '../schemas/order.js';
import { analytics } from './analytics-store.js';

/** Orders CDC → status-transition and revenue facts. Idempotent: a redelivered change adds nothing. */
export default defineProcessor({
  name: 'order-facts',
  schema: Order,
  idempotency: true,
  process(order, ctx) {
    const before = ctx.previous;
    if (before?.status === order.status) return;
    const facts: [string, Record<string, unknown>][] = [
      [
        `transition:${ctx.record.eventID}`,
        {
          kind: 'transition',
          orderId: order.orderId,
          from: before?.status ?? null,
          to: order.status,
          at: order.updatedAt,
        },
      ],
    ];
    if (order.status === 'PAID') {
      facts.push([
        `revenue:${order.orderId}`,
        {
          kind: 'revenue',
          orderId: order.orderId,
          sku: order.sku,
          cents: order.totalCents,
          minute: order.updatedAt.slice(0, 16),
        },
      ]);
    }
    analytics.put(...facts);
  },
});
