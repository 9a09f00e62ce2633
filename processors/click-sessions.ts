import { defineProcessor } from 'shardflow';
import { Click } from '../schemas/click.js';
import { analytics } from './analytics-store.js';

/** Clickstream → per-session summaries. Relies on per-partition-key (userId) ordering. */
export default defineProcessor({
  name: 'click-sessions',
  schema: Click,
  idempotency: true,
  process(click, ctx) {
    analytics.upsert(`session:${click.sessionId}`, (session) => {
      const current = session ?? {
        kind: 'session',
        userId: click.userId,
        sessionId: click.sessionId,
        clicks: 0,
        firstAt: click.at,
        lastAt: click.at,
        checkedOut: false,
        outOfOrder: 0,
      };
      return {
        ...current,
        clicks: Number(current.clicks) + 1,
        lastAt: click.at,
        checkedOut: current.checkedOut === true || click.action === 'checkout',
        outOfOrder: Number(current.outOfOrder) + (String(current.lastAt) > click.at ? 1 : 0),
      };
    });
    ctx.logger.debug({ sessionId: click.sessionId }, 'click');
  },
});
