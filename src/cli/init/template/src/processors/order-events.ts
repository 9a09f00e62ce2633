import { defineProcessor, PermanentError } from 'shardflow';
import { Order } from '../schemas/order.js';

/**
 * Handles one order, from the `order-events` Kinesis stream (its JSON data) and from the `orders` table's
 * DynamoDB stream (the new image; the old one on REMOVE). Replace the log line with your own effect.
 *
 * - A record that is not an `Order` is quarantined (SchemaValidationError) and the shard moves on.
 * - Throw `PermanentError` for a record that can never succeed: it is quarantined too.
 * - Any other error is retried by Lambda; later records of the same key wait, others go on.
 */
export default defineProcessor({
  name: 'order-events',
  schema: Order,
  process(order, ctx) {
    if (order.status === 'SHIPPED' && order.totalCents === 0) {
      throw new PermanentError(`order ${order.orderId} was shipped with a total of 0`);
    }
    ctx.logger.info({ orderId: order.orderId, status: order.status, was: ctx.previous?.status }, 'order event');
  },
});
