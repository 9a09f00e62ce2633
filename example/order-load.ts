import { BatchWriteItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import pLimit from 'p-limit';
import { seededRandom } from './random.js';

const SKUS = ['sku-kettle', 'sku-mug', 'sku-tea', 'sku-grinder', 'sku-beans', 'sku-filter'];

/** One change to the orders table. */
export type OrderChange =
  | { readonly kind: 'put'; readonly item: Record<string, unknown> }
  | { readonly kind: 'delete'; readonly orderId: string };

/** What the generated load must produce, computed from the plan itself (independently of shardflow). */
export interface OrdersTruth {
  /** Stream records the changes produce (one per put or delete). */
  readonly records: number;
  readonly poison: number;
  readonly paidOrders: number;
  readonly revenueCents: number;
  readonly revenueByMinute: ReadonlyMap<string, { cents: number; orders: number }>;
  readonly revenueBySku: ReadonlyMap<string, number>;
  readonly deletions: number;
  readonly transitions: number;
}

/**
 * Plans an orders workload: each order is created (NEW), most are paid, many shipped, a few deleted;
 * `poisonRate` of the orders are written with a status the schema rejects. Changes of one order are
 * sequential; `updatedAt` comes from a synthetic clock so per-minute revenue is reproducible.
 *
 * @example
 * ```ts
 * const { changes, truth } = planOrders({ orders: 1000, poisonRate: 0.01, seed: 42 });
 * ```
 */
export function planOrders(options: { orders: number; poisonRate: number; seed: number }): {
  changes: OrderChange[][];
  truth: OrdersTruth;
} {
  const rand = seededRandom(options.seed);
  let clock = Date.UTC(2026, 10, 22, 9, 0, 0);
  const at = () => {
    clock += 1 + Math.floor(rand() * 60);
    return new Date(clock).toISOString();
  };
  const changes: OrderChange[][] = [];
  const revenueByMinute = new Map<string, { cents: number; orders: number }>();
  const revenueBySku = new Map<string, number>();
  let records = 0;
  let poison = 0;
  let paidOrders = 0;
  let revenueCents = 0;
  let deletions = 0;
  let transitions = 0;
  for (let i = 0; i < options.orders; i++) {
    const orderId = `o-${String(i).padStart(7, '0')}`;
    const quantity = 1 + Math.floor(rand() * 3);
    const base = {
      orderId,
      customerId: `c-${Math.floor(rand() * Math.max(1, options.orders * 0.4))}`,
      sku: SKUS[Math.floor(rand() * SKUS.length)]!,
      quantity,
      totalCents: quantity * (500 + Math.floor(rand() * 4500)),
    };
    const steps: OrderChange[] = [];
    if (rand() < options.poisonRate) {
      poison++;
      steps.push({ kind: 'put', item: { ...base, status: 'LOST', updatedAt: at() } });
      changes.push(steps);
      records += 1;
      continue;
    }
    steps.push({ kind: 'put', item: { ...base, status: 'NEW', updatedAt: at() } });
    transitions++;
    if (rand() < 0.9) {
      const paidAt = at();
      steps.push({ kind: 'put', item: { ...base, status: 'PAID', updatedAt: paidAt } });
      transitions++;
      paidOrders++;
      revenueCents += base.totalCents;
      const minute = paidAt.slice(0, 16);
      const bucket = revenueByMinute.get(minute) ?? { cents: 0, orders: 0 };
      bucket.cents += base.totalCents;
      bucket.orders += 1;
      revenueByMinute.set(minute, bucket);
      revenueBySku.set(base.sku, (revenueBySku.get(base.sku) ?? 0) + base.totalCents);
      if (rand() < 0.75) {
        steps.push({ kind: 'put', item: { ...base, status: 'SHIPPED', updatedAt: at() } });
        transitions++;
        if (rand() < 0.05) {
          steps.push({ kind: 'delete', orderId });
          deletions++;
        }
      }
    }
    records += steps.length;
    changes.push(steps);
  }
  return {
    changes,
    truth: { records, poison, paidOrders, revenueCents, revenueByMinute, revenueBySku, deletions, transitions },
  };
}

/** Items per `BatchWriteItem` call (DynamoDB's limit). */
const BATCH_WRITE_ITEMS = 25;

/**
 * Applies a planned orders workload to the table through the DynamoDB API (so DynamoDB Streams produce
 * the CDC records): in rounds — every order's first change, then every order's second change, … — each
 * round in `BatchWriteItem` calls of 25 items (`concurrency` calls in flight), so each order's changes
 * stay in sequence while the emulator sees 25 times fewer requests than one write per change.
 * Unprocessed items are retried with backoff until written.
 *
 * @example
 * ```ts
 * await writeOrders(client, 'orders', changes, (n) => progress(n));
 * ```
 */
export async function writeOrders(
  client: DynamoDBClient,
  table: string,
  changes: readonly OrderChange[][],
  onWritten: (count: number) => void,
  concurrency = 4,
): Promise<void> {
  const limit = pLimit(concurrency);
  const rounds = Math.max(0, ...changes.map((steps) => steps.length));
  for (let round = 0; round < rounds; round++) {
    const requests: WriteRequest[] = [];
    for (const steps of changes) {
      const step = steps[round];
      if (step === undefined) continue;
      requests.push(
        step.kind === 'put'
          ? { PutRequest: { Item: marshall(step.item) } }
          : { DeleteRequest: { Key: marshall({ orderId: step.orderId }) } },
      );
    }
    const calls: Promise<void>[] = [];
    for (let i = 0; i < requests.length; i += BATCH_WRITE_ITEMS) {
      const chunk = requests.slice(i, i + BATCH_WRITE_ITEMS);
      calls.push(limit(() => writeChunk(client, table, chunk, onWritten)));
    }
    await Promise.all(calls);
  }
}

/** One `BatchWriteItem`, retried for its unprocessed items (none on DynamoDB Local, some under throttling). */
async function writeChunk(
  client: DynamoDBClient,
  table: string,
  chunk: WriteRequest[],
  onWritten: (count: number) => void,
): Promise<void> {
  let pending = chunk;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
    const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
    const unprocessed = output.UnprocessedItems?.[table] ?? [];
    onWritten(pending.length - unprocessed.length);
    pending = unprocessed;
  }
}
