/**
 * The analytics facts the example app writes to its data lake (Parquet, one object per batch). Every
 * fact has a `factId` derived from the record it came from, so a fact written twice (a redelivery after
 * a crash between the lake write and the idempotency completion) is counted once by the queries.
 */

/** An order changed status (`from` is null for a new order). */
export interface OrderTransitionFact {
  factId: string;
  orderId: string;
  from: string | null;
  to: string;
  at: string;
}

/** An order was paid: its revenue. */
export interface RevenueFact {
  factId: string;
  orderId: string;
  sku: string;
  quantity: number;
  cents: number;
  minute: string;
}

/** An order item was deleted. */
export interface TombstoneFact {
  factId: string;
  orderId: string;
  at: string;
}

/** A closed tumbling window's revenue, per minute of payment. */
export interface RevenueWindowFact {
  factId: string;
  windowStart: string;
  minute: string;
  cents: number;
  orders: number;
}

/** Column types of each lake table (the Parquet schema). */
export const LAKE_TABLES = {
  order_transitions: { factId: 'STRING', orderId: 'STRING', from: 'STRING', to: 'STRING', at: 'STRING' },
  revenue: { factId: 'STRING', orderId: 'STRING', sku: 'STRING', quantity: 'INT32', cents: 'INT64', minute: 'STRING' },
  tombstones: { factId: 'STRING', orderId: 'STRING', at: 'STRING' },
  revenue_windows: { factId: 'STRING', windowStart: 'STRING', minute: 'STRING', cents: 'INT64', orders: 'INT32' },
} as const;

export type LakeTable = keyof typeof LAKE_TABLES;
