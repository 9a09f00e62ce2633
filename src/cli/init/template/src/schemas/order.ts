import { z } from 'zod';

/** An order: the JSON data of an `order-events` Kinesis record, or an item of the `orders` table. */
export const Order = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  status: z.enum(['NEW', 'PAID', 'SHIPPED', 'CANCELLED']),
  totalCents: z.number().int().nonnegative(),
});

/** A validated order. */
export type Order = z.infer<typeof Order>;
