import type { KinesisStreamRecord } from 'aws-lambda';
import { aggregateUserRecords } from '../../esm/kpl-aggregate.js';
import { kinesisLambdaRecord } from '../../esm/lambda-event.js';
import { seededRandom } from './random.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/clicks';
const PAGES = ['/', '/search', '/p/kettle', '/p/mug', '/p/tea', '/cart', '/checkout'];

/** Expected results computed from the generated input. */
export interface ClicksTruth {
  /** User records (KPL sub-records counted one by one). */
  readonly userRecords: number;
  /** Kinesis records as stored (an aggregate counts once). */
  readonly kinesisRecords: number;
  readonly poison: number;
  readonly validClicks: number;
  readonly sessions: number;
  readonly checkouts: number;
}

/**
 * Generates a clickstream across `shards` shards as Kinesis Lambda records, partitioned by user,
 * with every `kplEvery`-th put a KPL aggregate of several clicks, and `poisonRate` of the records
 * undecodable (bad base64, not JSON, or schema-violating).
 *
 * @example
 * ```ts
 * const { byShard, truth } = generateClicks({ clicks: 1000, shards: 4, poisonRate: 0.01, seed: 7 });
 * ```
 */
export function generateClicks(options: {
  clicks: number;
  shards: number;
  poisonRate: number;
  seed: number;
  kplEvery?: number;
}): { byShard: Map<string, KinesisStreamRecord[]>; truth: ClicksTruth } {
  const rand = seededRandom(options.seed);
  const byShard = new Map<string, KinesisStreamRecord[]>();
  const sequences = new Map<string, bigint>();
  const sessions = new Set<string>();
  const checkoutSessions = new Set<string>();
  const users = Math.max(1, Math.floor(options.clicks / 20));
  let clock = Date.UTC(2026, 10, 22, 9, 0, 0);
  let poison = 0;
  let validClicks = 0;
  let kinesisRecords = 0;
  let userRecords = 0;
  const kplEvery = options.kplEvery ?? 10;

  const shardOf = (userId: string) => {
    let h = 0;
    for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
    return `shardId-${String(h % options.shards).padStart(12, '0')}`;
  };
  const put = (shardId: string, partitionKey: string, data: Buffer | string) => {
    const next = (sequences.get(shardId) ?? 49_650_000_000_000_000_000_000_000_000_000_000_000_000_000_000n) + 1_000n;
    sequences.set(shardId, next);
    const record = kinesisLambdaRecord({
      streamArn: STREAM_ARN,
      region: 'us-east-1',
      shardId,
      sequenceNumber: next.toString(),
      partitionKey,
      data: typeof data === 'string' ? Buffer.alloc(0) : data,
      approximateArrivalMs: clock,
    });
    if (typeof data === 'string') record.kinesis.data = data; // deliberately malformed base64
    const list = byShard.get(shardId) ?? [];
    list.push(record);
    byShard.set(shardId, list);
    kinesisRecords++;
  };
  const click = (userId: string) => {
    const sessionId = `${userId}-s${Math.floor(rand() * 3)}`;
    const r = rand();
    const action = r < 0.8 ? 'view' : r < 0.95 ? 'add_to_cart' : 'checkout';
    clock += 1 + Math.floor(rand() * 20);
    return {
      userId,
      sessionId,
      page: PAGES[Math.floor(rand() * PAGES.length)]!,
      action,
      at: new Date(clock).toISOString(),
    };
  };

  let produced = 0;
  let puts = 0;
  while (produced < options.clicks) {
    const userId = `u-${Math.floor(rand() * users)}`;
    const shardId = shardOf(userId);
    puts++;
    if (rand() < options.poisonRate) {
      poison++;
      produced++;
      userRecords++;
      const kind = Math.floor(rand() * 3);
      if (kind === 0) put(shardId, userId, '%%%not-base64%%%');
      else if (kind === 1) put(shardId, userId, Buffer.from('{"userId": "truncated'));
      else put(shardId, userId, Buffer.from(JSON.stringify({ ...click(userId), action: 'hover' })));
      continue;
    }
    if (puts % kplEvery === 0) {
      const n = Math.min(2 + Math.floor(rand() * 4), options.clicks - produced);
      const clicks = Array.from({ length: n }, () => click(userId));
      for (const c of clicks) {
        sessions.add(c.sessionId);
        if (c.action === 'checkout') checkoutSessions.add(c.sessionId);
      }
      const aggregate = aggregateUserRecords(
        clicks.map((c) => ({ partitionKey: userId, data: Buffer.from(JSON.stringify(c)) })),
      );
      put(shardId, aggregate.partitionKey, aggregate.data);
      produced += n;
      userRecords += n;
      validClicks += n;
      continue;
    }
    const c = click(userId);
    sessions.add(c.sessionId);
    if (c.action === 'checkout') checkoutSessions.add(c.sessionId);
    put(shardId, userId, Buffer.from(JSON.stringify(c)));
    produced++;
    userRecords++;
    validClicks++;
  }
  return {
    byShard,
    truth: {
      userRecords,
      kinesisRecords,
      poison,
      validClicks,
      sessions: sessions.size,
      checkouts: checkoutSessions.size,
    },
  };
}
