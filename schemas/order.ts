import { z } from 'zod';

/** An item of the `orders` DynamoDB table, as its stream's NewImage/OldImage carries it. */
export const Order = z.object({
  orderId: z.string().min(1),
  customerId: z.string().min(1),
  status: z.enum(['NEW', 'PAID', 'SHIPPED', 'CANCELLED']),
  sku: z.string().min(1),
  quantity: z.number().int().positive(),
  totalCents: z.number().int().nonnegative(),
  updatedAt: z.string(),
});

export type Order = z.infer<typeof Order>;
