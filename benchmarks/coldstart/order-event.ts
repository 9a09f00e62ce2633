import type { KinesisStreamEvent } from '../../src/runtime/records/lambda-events.js';
import { kinesisBenchEvent } from '../lib/fixtures.js';
import { ORDER_BYTES, type OrderRecord } from './handlers/order.js';

const STATUSES = ['placed', 'paid', 'shipped', 'delivered', 'cancelled'] as const;
const CHANNELS = ['web', 'ios', 'android', 'store'] as const;

/**
 * The `i`-th order, padded (via `note`) to exactly {@link ORDER_BYTES} bytes of JSON. Deterministic.
 *
 * @example
 * ```ts
 * Buffer.byteLength(JSON.stringify(orderPayload(3))); // 840
 * ```
 */
export function orderPayload(i: number): OrderRecord {
  const base: OrderRecord = {
    orderId: `ord-${String(i).padStart(10, '0')}`,
    customerId: `cust-${i % 100}`,
    status: STATUSES[i % STATUSES.length]!,
    placedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    currency: 'EUR',
    shippingAddress: {
      name: 'Ada Lovelace',
      line1: `${1 + (i % 200)} Analytical Engine Street`,
      city: 'London',
      postalCode: 'NW1 2DB',
      country: 'GB',
    },
    items: [
      { sku: `SKU-${i % 97}`, title: 'Brass gear, 40 teeth', quantity: 1 + (i % 3), unitPriceCents: 1999 },
      { sku: `SKU-${(i + 13) % 97}`, title: 'Punched card deck', quantity: 2, unitPriceCents: 499 },
      { sku: `SKU-${(i + 41) % 97}`, title: 'Difference engine manual', quantity: 1, unitPriceCents: 3450 },
    ],
    totals: { subtotalCents: 9447, shippingCents: 495, taxCents: 1889 },
    channel: CHANNELS[i % CHANNELS.length]!,
    note: '',
  };
  const padding = ORDER_BYTES - Buffer.byteLength(JSON.stringify(base));
  if (padding < 0) throw new RangeError(`order ${i} is ${ORDER_BYTES - padding} bytes before padding`);
  return { ...base, note: 'x'.repeat(padding) };
}

/**
 * A Kinesis event of `size` orders (one shard, 100 partition keys), in the shape Lambda delivers.
 *
 * @example
 * ```ts
 * orderEvent(100).Records.length; // 100
 * ```
 */
export function orderEvent(size: number): KinesisStreamEvent {
  return kinesisBenchEvent(size, {
    payload: orderPayload,
    streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/orders',
  }) as KinesisStreamEvent;
}
