import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { aggregateUserRecords } from 'shardflow/local';
import { seededRandom } from './random.js';

const PAGES = ['/', '/search', '/p/kettle', '/p/mug', '/p/tea', '/cart', '/checkout'];

/** One PutRecords entry. */
export interface ClickPut {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** User records inside (KPL aggregates hold several). */
  readonly userRecords: number;
}

/** What the click load must produce, computed from the plan itself. */
export interface ClicksTruth {
  /** User records (a KPL aggregate's records counted one by one). */
  readonly userRecords: number;
  readonly kinesisRecords: number;
  readonly aggregates: number;
  readonly poison: number;
  readonly validClicks: number;
  readonly sessions: number;
  readonly carted: number;
  readonly checkedOut: number;
  /** Sorted session lengths in seconds (last click − first click). */
  readonly sessionSeconds: readonly number[];
}

/**
 * Plans a clickstream: users browse in sessions (views, add-to-cart, checkout), partitioned by user;
 * every `kplEvery`-th put is a KPL aggregate of several clicks; `poisonRate` of the puts are poison
 * (not JSON, invalid UTF-8, schema-violating, or an action no route handles). Click times only move
 * forward, so per-user order can be checked downstream.
 *
 * @example
 * ```ts
 * const { puts, truth } = planClicks({ clicks: 10000, poisonRate: 0.01, seed: 7 });
 * ```
 */
export function planClicks(options: { clicks: number; poisonRate: number; seed: number; kplEvery?: number }): {
  puts: ClickPut[];
  truth: ClicksTruth;
} {
  const rand = seededRandom(options.seed);
  const users = Math.max(1, Math.floor(options.clicks / 25));
  const kplEvery = options.kplEvery ?? 8;
  let clock = Date.UTC(2026, 10, 22, 9, 0, 0);
  const sessions = new Map<string, { first: number; last: number; carted: boolean; checkedOut: boolean }>();
  const puts: ClickPut[] = [];
  let produced = 0;
  let poison = 0;
  let validClicks = 0;
  let aggregates = 0;
  const click = (userId: string) => {
    clock += 1 + Math.floor(rand() * 40);
    const sessionId = `${userId}-s${Math.floor(rand() * 3)}`;
    const r = rand();
    const action = r < 0.78 ? 'view' : r < 0.94 ? 'add_to_cart' : 'checkout';
    const session = sessions.get(sessionId) ?? { first: clock, last: clock, carted: false, checkedOut: false };
    session.last = clock;
    session.carted ||= action === 'add_to_cart';
    session.checkedOut ||= action === 'checkout';
    sessions.set(sessionId, session);
    validClicks++;
    const page = PAGES[Math.floor(rand() * PAGES.length)]!;
    return Buffer.from(JSON.stringify({ userId, sessionId, page, action, at: new Date(clock).toISOString() }));
  };
  while (produced < options.clicks) {
    const userId = `u-${Math.floor(rand() * users)}`;
    if (rand() < options.poisonRate) {
      poison++;
      produced++;
      const kind = Math.floor(rand() * 4);
      const data =
        kind === 0
          ? Buffer.from('not json at all')
          : kind === 1
            ? Buffer.from([0xff, 0xfe, 0x7b, 0x22])
            : kind === 2
              ? Buffer.from(JSON.stringify({ userId, sessionId: 42, page: '/', action: 'view', at: 'x' }))
              : Buffer.from(JSON.stringify({ userId, sessionId: `${userId}-s0`, page: '/', action: 'hover', at: 'x' }));
      puts.push({ partitionKey: userId, data, userRecords: 1 });
      continue;
    }
    if (puts.length % kplEvery === kplEvery - 1 && options.clicks - produced >= 2) {
      const n = Math.min(2 + Math.floor(rand() * 4), options.clicks - produced);
      const aggregate = aggregateUserRecords(
        Array.from({ length: n }, () => ({ partitionKey: userId, data: click(userId) })),
      );
      puts.push({ partitionKey: aggregate.partitionKey, data: aggregate.data, userRecords: n });
      produced += n;
      aggregates++;
      continue;
    }
    puts.push({ partitionKey: userId, data: click(userId), userRecords: 1 });
    produced++;
  }
  const all = [...sessions.values()];
  return {
    puts,
    truth: {
      userRecords: produced,
      kinesisRecords: puts.length,
      aggregates,
      poison,
      validClicks,
      sessions: all.length,
      carted: all.filter((s) => s.carted).length,
      checkedOut: all.filter((s) => s.checkedOut).length,
      sessionSeconds: all.map((s) => (s.last - s.first) / 1000).sort((a, b) => a - b),
    },
  };
}

/**
 * Puts the planned clicks with PutRecords (≤ 500 entries a call, in order), retrying entries Kinesis
 * rejects (throughput exceeded) so none is lost. A retried entry lands after the entries accepted with
 * it; kinesalite never throttles, so locally the order is exactly the plan's.
 *
 * @example
 * ```ts
 * await writeClicks(client, 'clicks', puts, (n) => progress(n));
 * ```
 */
export async function writeClicks(
  client: KinesisClient,
  stream: string,
  puts: readonly ClickPut[],
  onWritten: (userRecords: number) => void,
): Promise<void> {
  for (let i = 0; i < puts.length; i += 500) {
    let pending = puts.slice(i, i + 500);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const response = await client.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: pending.map((p) => ({ PartitionKey: p.partitionKey, Data: p.data })),
        }),
      );
      const failed = pending.filter((_, j) => response.Records?.[j]?.ErrorCode !== undefined);
      for (const put of pending) if (!failed.includes(put)) onWritten(put.userRecords);
      if (failed.length > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** attempt)));
      pending = failed;
    }
  }
}
