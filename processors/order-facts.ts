import { defineProcessor } from 'shardflow';
import type { OrderTransitionFact, RevenueFact } from '../schemas/facts.js';
import { Order } from '../schemas/order.js';
import { writeFacts } from './lake.js';

/**
 * Orders CDC → status-transition and revenue facts in the data lake. Idempotent: a redelivered change
 * adds nothing. Facts are buffered per invocation and written as one Parquet object per table.
 */
export default defineProcessor({
  name: 'order-facts',
  schema: Order,
  idempotency: true,
  batch: {
    create: () => ({ transitions: [] as OrderTransitionFact[], revenue: [] as RevenueFact[] }),
    async commit(facts, info) {
      await Promise.all([
        writeFacts('order_transitions', facts.transitions, info),
        writeFacts('revenue', facts.revenue, info),
      ]);
    },
  },
  process(order, ctx) {
    const before = ctx.previous;
    if (before?.status === order.status) return; // an update that did not change the status
    const factId = ctx.record.eventID;
    ctx.batch.transitions.push({
      factId,
      orderId: order.orderId,
      from: before?.status ?? null,
      to: order.status,
      at: order.updatedAt,
    });
    if (order.status === 'PAID') {
      ctx.batch.revenue.push({
        factId,
        orderId: order.orderId,
        sku: order.sku,
        quantity: order.quantity,
        cents: order.totalCents,
        minute: order.updatedAt.slice(0, 16),
      });
    }
  },
});
