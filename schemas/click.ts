import { z } from 'zod';

/** One clickstream event on the `clicks` Kinesis stream (JSON data, partition key = userId). */
export const Click = z.object({
  userId: z.string().min(1),
  sessionId: z.string().min(1),
  page: z.string().min(1),
  action: z.enum(['view', 'add_to_cart', 'checkout']),
  sku: z.string().optional(),
  at: z.string(),
});

export type Click = z.infer<typeof Click>;
