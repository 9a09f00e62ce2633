import { z } from 'zod';

/**
 * The one zod schema both cold-start handlers validate with: an order as a shop's order service emits
 * it (customer, address, line items, totals), {@link ORDER_BYTES} bytes of JSON.
 */
export const Order = z.object({
  orderId: z.string(),
  customerId: z.string(),
  status: z.enum(['placed', 'paid', 'shipped', 'delivered', 'cancelled']),
  placedAt: z.string(),
  currency: z.string().length(3),
  shippingAddress: z.object({
    name: z.string(),
    line1: z.string(),
    line2: z.string().optional(),
    city: z.string(),
    postalCode: z.string(),
    country: z.string().length(2),
  }),
  items: z.array(
    z.object({
      sku: z.string(),
      title: z.string(),
      quantity: z.number().int().positive(),
      unitPriceCents: z.number().int(),
    }),
  ),
  totals: z.object({ subtotalCents: z.number().int(), shippingCents: z.number().int(), taxCents: z.number().int() }),
  channel: z.enum(['web', 'ios', 'android', 'store']),
  note: z.string(),
});

/** An order record. */
export type OrderRecord = z.output<typeof Order>;

/** Bytes of JSON every cold-start record is padded to. */
export const ORDER_BYTES = 840;
