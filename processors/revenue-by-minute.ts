import { defineProcessor } from 'shardflow';
import type { RevenueWindowFact } from '../schemas/facts.js';
import { Order } from '../schemas/order.js';
import { writeFacts } from './lake.js';

/** The aggregate a tumbling window carries between invocations. */
interface RevenueWindow {
  /** Sequence number of the window's first record: makes the window's facts' ids unique and stable. */
  first: string | null;
  byMinute: Record<string, { cents: number; orders: number }>;
}

/**
 * Tumbling-window aggregation of paid orders into revenue and order counts per minute. Lambda carries
 * the state between invocations; when the window closes, the aggregate becomes lake facts. Idempotent,
 * so a redelivered payment is not added to a window twice.
 */
export default defineProcessor({
  name: 'revenue-by-minute',
  schema: Order,
  idempotency: true,
  window: {
    initial: (): RevenueWindow => ({ first: null, byMinute: {} }),
    async onClose(state, window) {
      const facts: RevenueWindowFact[] = Object.entries(state.byMinute).map(([minute, total]) => ({
        factId: `${state.first}:${minute}`,
        windowStart: window.start,
        minute,
        cents: total.cents,
        orders: total.orders,
      }));
      await writeFacts('revenue_windows', facts, {
        stream: 'revenue',
        shardId: undefined,
        awsRequestId: undefined,
        firstSequenceNumber: state.first ?? undefined,
      });
    },
  },
  process(order, ctx) {
    const state = ctx.window!.state;
    state.first ??= ctx.record.sequenceNumber;
    const minute = order.updatedAt.slice(0, 16);
    state.byMinute[minute] ??= { cents: 0, orders: 0 };
    const total = state.byMinute[minute];
    total.cents += order.totalCents;
    total.orders += 1;
  },
});
