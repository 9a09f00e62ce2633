import { defineProcessor } from 'shardflow';
import type { TombstoneFact } from '../schemas/facts.js';
import { Order } from '../schemas/order.js';
import { writeFacts } from './lake.js';

/** Orders REMOVE events (user deletes and TTL expiries) → tombstone facts. */
export default defineProcessor({
  name: 'order-tombstones',
  schema: Order,
  idempotency: true,
  batch: {
    create: (): TombstoneFact[] => [],
    commit: (facts, info) => writeFacts('tombstones', facts, info),
  },
  process(order, ctx) {
    ctx.batch.push({ factId: ctx.record.eventID, orderId: order.orderId, at: order.updatedAt });
  },
});
