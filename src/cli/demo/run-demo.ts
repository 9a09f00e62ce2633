import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import type { ShardflowConfig } from '../../config/types.js';
import { createHandler } from '../../handler.js';
import { createLogger } from '../../observability/logger.js';
import { Fate } from '../../processing/fates.js';
import { InMemoryIdempotencyStore } from '../../processing/idempotency/index.js';
import { FileQuarantineSink } from '../../processing/quarantine/index.js';
import { generateClicks } from './generate-clicks.js';
import { generateOrderChanges } from './generate-orders.js';
import { seededRandom } from './random.js';
import { redeliverShard, type ShardDelivery } from './redeliver.js';

/** Options of `shardflow demo`. */
export interface DemoOptions {
  readonly orders: number;
  readonly clicks: number;
  readonly poisonRate: number;
  readonly transientRate: number;
  readonly seed: number;
  readonly outDir: string;
}

/** The analytics store the example processors write to (see processors/analytics-store.ts). */
export interface DemoAnalytics {
  faults: { rate: number; random: () => number } | undefined;
  duplicates: number;
  injectedFailures: number;
  ofKind(kind: string): Record<string, unknown>[];
  reset(): void;
}

/** The demo's figures, also returned for tests. */
export interface DemoReport {
  readonly ok: boolean;
  readonly lines: string[];
}

const fmt = (n: number) => n.toLocaleString('en-US');

function tally(delivery: ShardDelivery): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of delivery.finalOutcomes.values()) counts[outcome.fate] = (counts[outcome.fate] ?? 0) + 1;
  return counts;
}

/**
 * Runs the example application's handlers over generated, AWS-shaped DynamoDB Streams and Kinesis
 * events (with KPL aggregates, poison records and injected downstream failures), redelivering from the
 * reported checkpoints like Lambda does, then checks the analytics against the generated truth and
 * reconciles every record.
 *
 * @example
 * ```ts
 * const report = await runDemo(config, analytics, { orders: 2000, clicks: 20000, poisonRate: 0.01,
 *   transientRate: 0.02, seed: 42, outDir: '.shardflow/demo' });
 * ```
 */
export async function runDemo(
  config: ShardflowConfig,
  analytics: DemoAnalytics,
  options: DemoOptions,
): Promise<DemoReport> {
  await rm(options.outDir, { recursive: true, force: true });
  await mkdir(options.outDir, { recursive: true });
  const logFile = join(options.outDir, 'shardflow.log');
  const logger = createLogger({ level: 'info', destination: pino.destination({ dest: logFile, sync: true }) });
  analytics.reset();
  analytics.faults = { rate: options.transientRate, random: seededRandom(options.seed + 1) };
  const lines: string[] = [];
  let ok = true;
  const check = (label: string, actual: number, expected: number) => {
    const pass = actual === expected;
    ok &&= pass;
    return `${label} ${fmt(actual)} ${pass ? '✓' : `✗ (expected ${fmt(expected)})`}`;
  };

  const idempotency = new InMemoryIdempotencyStore();
  const handlerFor = (stream: string) =>
    createHandler(config, stream, {
      logger,
      idempotency,
      metrics: false,
      quarantine: new FileQuarantineSink({ path: join(options.outDir, `quarantine-${stream}.ndjson`) }),
    });

  // Orders: DynamoDB Streams CDC, one shard.
  const orders = generateOrderChanges({ orders: options.orders, poisonRate: options.poisonRate, seed: options.seed });
  const ordersStream = config.streams.orders!;
  let started = performance.now();
  const orderDelivery = await redeliverShard(handlerFor('orders').run, orders.records, {
    batchSize: ordersStream.batchSize ?? 100,
    maxRetries: ordersStream.maxRetries ?? 5,
    functionName: `${config.service}-orders`,
  });
  const ordersMs = performance.now() - started;

  // Clicks: Kinesis, several shards, KPL aggregates.
  const clicks = generateClicks({
    clicks: options.clicks,
    shards: 4,
    poisonRate: options.poisonRate,
    seed: options.seed + 2,
  });
  const clicksStream = config.streams.clicks!;
  const clickHandler = handlerFor('clicks');
  started = performance.now();
  const clickDeliveries = await Promise.all(
    [...clicks.byShard.values()].map((records) =>
      redeliverShard(clickHandler.run, records, {
        batchSize: clicksStream.batchSize ?? 100,
        maxRetries: clicksStream.maxRetries ?? 5,
        functionName: `${config.service}-clicks`,
      }),
    ),
  );
  const clicksMs = performance.now() - started;

  // Records that exhausted their retries went to the on-failure destination. Once the injected outage is
  // over, redrive them (what `shardflow destinations redrive` does against a real destination).
  analytics.faults = undefined;
  const outOfOrderBeforeRedrive = analytics.ofKind('session').reduce((n, s) => n + Number(s.outOfOrder), 0);
  const redrive = async (
    delivery: ShardDelivery<{ eventID?: string }>,
    run: typeof clickHandler.run,
    batchSize: number,
  ) => {
    if (delivery.exhausted.length === 0) return 0;
    const again = await redeliverShard(run, delivery.exhausted, { batchSize, maxRetries: 5, functionName: 'redrive' });
    for (const [key, outcome] of again.finalOutcomes) delivery.finalOutcomes.set(key, outcome);
    return delivery.exhausted.length;
  };
  let redriven = await redrive(orderDelivery, handlerFor('orders').run, ordersStream.batchSize ?? 100);
  for (const d of clickDeliveries) redriven += await redrive(d, clickHandler.run, clicksStream.batchSize ?? 100);

  const orderCounts = tally(orderDelivery);

  const clickCounts: Record<string, number> = {};
  for (const d of clickDeliveries)
    for (const [k, v] of Object.entries(tally(d))) clickCounts[k] = (clickCounts[k] ?? 0) + v;
  const sum = (c: Record<string, number>, ...fates: string[]) => fates.reduce((n, f) => n + (c[f] ?? 0), 0);
  const handled = [Fate.processed, Fate.duplicate, Fate.ignored];
  const retryFates = [Fate.failed, Fate.blocked, Fate.deferred];

  const describe = (name: string, what: string, total: number, deliveries: ShardDelivery[], ms: number) => {
    const invocations = deliveries.reduce((n, d) => n + d.invocations, 0);
    const retries = deliveries.reduce((n, d) => n + d.retries, 0);
    const exhausted = deliveries.reduce((n, d) => n + d.exhausted.length, 0);
    return `${name.padEnd(7)} ${what}: ${fmt(total)} records · ${fmt(invocations)} invocations · ${fmt(
      retries,
    )} partial retries · ${fmt(exhausted)} to on-failure · ${fmt(Math.round(total / (ms / 1000)))} records/s`;
  };

  lines.push("shardflow demo — the example app's handlers over generated AWS-shaped events, redelivered from");
  lines.push('each reported checkpoint as Lambda does (poison records, KPL aggregates, injected downstream faults)');
  lines.push('');
  lines.push(describe('orders', 'DynamoDB Streams, 1 shard', orders.truth.records, [orderDelivery], ordersMs));
  lines.push(
    describe(
      'clicks',
      `Kinesis, ${clicks.byShard.size} shards, KPL`,
      clicks.truth.userRecords,
      clickDeliveries,
      clicksMs,
    ),
  );
  lines.push(
    `injected transient failures: ${fmt(analytics.injectedFailures)} · records past maxRetries sent to on-failure, then redriven: ${fmt(redriven)}`,
  );
  lines.push('');

  const revenue = analytics.ofKind('revenue');
  const revenueCents = revenue.reduce((n, f) => n + Number(f.cents), 0);
  const sessions = analytics.ofKind('session');
  const sessionClicks = sessions.reduce((n, s) => n + Number(s.clicks), 0);
  const checkedOut = sessions.filter((s) => s.checkedOut === true).length;
  const outOfOrder = sessions.reduce((n, s) => n + Number(s.outOfOrder), 0);
  const bySku = new Map<string, number>();
  for (const f of revenue) bySku.set(String(f.sku), (bySku.get(String(f.sku)) ?? 0) + Number(f.cents));
  const topSkus = [...bySku.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);

  lines.push('analytics (checked against values computed from the generated input):');
  lines.push(`  ${check('paid orders', revenue.length, orders.truth.paidOrders)}`);
  lines.push(`  ${check('revenue (cents)', revenueCents, orders.truth.revenueCents)}`);
  lines.push(`  ${check('order deletions', analytics.ofKind('tombstone').length, orders.truth.removes)}`);
  lines.push(`  ${check('sessions', sessions.length, clicks.truth.sessions)}`);
  lines.push(`  ${check('clicks in sessions', sessionClicks, clicks.truth.validClicks)}`);
  lines.push(`  ${check('sessions with checkout', checkedOut, clicks.truth.checkouts)}`);
  lines.push(`  ${check('clicks applied out of order (before redrive)', outOfOrderBeforeRedrive, 0)}`);
  if (outOfOrder > 0) {
    lines.push(
      `  clicks applied after a later click of their session by the redrive: ${fmt(outOfOrder)} (expected: the ESM moved past them)`,
    );
  }
  lines.push(`  ${check('duplicate effects', analytics.duplicates, 0)}`);
  lines.push(
    `  top SKUs by revenue: ${topSkus.map(([sku, cents]) => `${sku} $${(cents / 100).toFixed(2)}`).join(' · ')}`,
  );
  lines.push(
    `  checkout conversion: ${((checkedOut / Math.max(1, sessions.length)) * 100).toFixed(1)}% of ${fmt(sessions.length)} sessions`,
  );
  lines.push('');
  const reconcile = (name: string, total: number, counts: Record<string, number>, poison: number) => {
    const processed = sum(counts, ...handled);
    const quarantined = sum(counts, Fate.quarantined);
    const onFailure = sum(counts, ...retryFates);
    const pass = processed + quarantined + onFailure === total && quarantined === poison;
    ok &&= pass;
    return `  ${name}: put ${fmt(total)} = processed ${fmt(processed)} + quarantined ${fmt(quarantined)} + on-failure ${fmt(
      onFailure,
    )} ${pass ? '✓' : '✗'} (poison generated: ${fmt(poison)})`;
  };
  lines.push('reconciliation (every record ends exactly once):');
  lines.push(reconcile('orders', orders.truth.records, orderCounts, orders.truth.poison));
  lines.push(reconcile('clicks', clicks.truth.userRecords, clickCounts, clicks.truth.poison));
  lines.push('');
  lines.push(`quarantined records with their reasons: ${join(options.outDir, 'quarantine-*.ndjson')}`);
  lines.push(`structured logs (pino JSON): ${logFile}`);
  lines.push(ok ? 'result: OK' : 'result: MISMATCH — see the ✗ lines above');
  analytics.faults = undefined;
  return { ok, lines };
}
