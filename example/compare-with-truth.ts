import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulators } from 'shardflow/local';
import { analyticsReport } from './analytics-report.js';
import type { ClicksTruth } from './click-load.js';
import type { ExampleApp } from './example-app.js';
import { downloadPrefix } from './lake-download.js';
import type { OrdersTruth } from './order-load.js';

const fmt = (n: number) => n.toLocaleString('en-US');
const dollars = (cents: number) => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;

/** Linear-interpolated quantile, as DuckDB's `quantile_cont` computes it. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

/**
 * Answers the analytics questions (DuckDB over the lake and the session table) and checks every answer
 * against values computed from the generated input, independently of shardflow; reads the quarantine
 * bucket back and counts the reasons.
 *
 * @example
 * ```ts
 * const { ok, lines } = await compareWithTruth(emulators, app, orders.truth, clicks.truth);
 * ```
 */
export async function compareWithTruth(
  emulators: RunningEmulators,
  app: ExampleApp,
  orders: OrdersTruth,
  clicks: ClicksTruth,
): Promise<{
  ok: boolean;
  lines: string[];
  checks: { label: string; actual: unknown; expected: unknown; ok: boolean }[];
}> {
  const workDir = await mkdtemp(join(tmpdir(), 'shardflow-analytics-'));
  try {
    const answers = await analyticsReport({
      s3: emulators.clients.s3!,
      dynamodb: emulators.clients.dynamodb!,
      lakeBucket: app.lakeBucket,
      sessionsTable: app.sessionsTable,
      workDir,
    });
    const checks: { label: string; actual: unknown; expected: unknown; ok: boolean }[] = [];
    const check = (label: string, actual: unknown, expected: unknown, render = (v: unknown) => String(v)) => {
      const ok = JSON.stringify(actual) === JSON.stringify(expected);
      checks.push({ label, actual, expected, ok });
      return `  ${label}: ${render(actual)} ${ok ? '✓' : `✗ (expected ${render(expected)})`}`;
    };
    const expectedMinutes = [...orders.revenueByMinute.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([minute, v]) => ({ minute, cents: v.cents, orders: v.orders }));
    const expectedSkus = [...orders.revenueBySku.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 3)
      .map(([sku, cents]) => ({ sku, cents }));
    const round = (n: number) => Math.round(n * 1000) / 1000;
    const lengths = answers.sessionSeconds;

    const quarantineDir = join(workDir, 'quarantine-copy');
    await downloadPrefix(emulators.clients.s3!, app.quarantineBucket, 'quarantine/', quarantineDir);
    const reasons = new Map<string, number>();
    for (const file of await listFiles(quarantineDir)) {
      for (const line of (await readFile(file, 'utf8')).split('\n')) {
        if (line.trim() === '') continue;
        const entry = JSON.parse(line) as { stream: string; error: { name: string } };
        const key = `${entry.stream}: ${entry.error.name}`;
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
    }
    const quarantinedTotal = [...reasons.values()].reduce((a, b) => a + b, 0);

    const lines = [
      'analytics (DuckDB over the Parquet lake and the session table; each answer checked against the generated input):',
      check('paid orders', answers.paidOrders, orders.paidOrders, (v) => fmt(Number(v))),
      check('revenue', answers.revenueCents, orders.revenueCents, (v) => dollars(Number(v))),
      check('status transitions', answers.transitions, orders.transitions, (v) => fmt(Number(v))),
      check('orders deleted', answers.deletions, orders.deletions, (v) => fmt(Number(v))),
      check('revenue per minute (tumbling windows)', answers.revenueByMinute, expectedMinutes, (v) => {
        const rows = v as { minute: string; cents: number; orders: number }[];
        const busiest = [...rows].sort((a, b) => b.cents - a.cents)[0];
        return `${rows.length} minutes${busiest ? `, busiest ${busiest.minute.slice(11)} UTC ${dollars(busiest.cents)} from ${busiest.orders} orders` : ''}`;
      }),
      check('top SKUs by revenue', answers.topSkus, expectedSkus, (v) =>
        (v as { sku: string; cents: number }[]).map((s) => `${s.sku} ${dollars(s.cents)}`).join(' · '),
      ),
      check(
        'conversion funnel (sessions → cart → checkout)',
        answers.funnel,
        { sessions: clicks.sessions, carted: clicks.carted, checkedOut: clicks.checkedOut },
        (v) => {
          const f = v as { sessions: number; carted: number; checkedOut: number };
          return `${fmt(f.sessions)} → ${fmt(f.carted)} (${((f.carted / Math.max(1, f.sessions)) * 100).toFixed(1)}%) → ${fmt(f.checkedOut)} (${((f.checkedOut / Math.max(1, f.sessions)) * 100).toFixed(1)}%)`;
        },
      ),
      check('clicks in sessions', answers.clicks, clicks.validClicks, (v) => fmt(Number(v))),
      check(
        'session length p50/p90/p99 (s)',
        [round(lengths.p50), round(lengths.p90), round(lengths.p99)],
        [0.5, 0.9, 0.99].map((q) => round(quantile(clicks.sessionSeconds, q))),
        (v) => (v as number[]).map((n) => n.toFixed(1)).join(' / '),
      ),
      check('duplicate facts in the lake', answers.duplicateFacts, 0),
      check('quarantined records stored with their reason', quarantinedTotal, orders.poison + clicks.poison, (v) =>
        fmt(Number(v)),
      ),
      `  quarantine reasons: ${[...reasons.entries()].map(([k, n]) => `${k} ×${n}`).join(' · ') || 'none'}`,
      `  lake: ${fmt(answers.lakeObjects)} Parquet objects in s3://${app.lakeBucket}/lake/`,
    ];
    return { ok: checks.every((c) => c.ok), lines, checks };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}
