import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { benchPayload } from '../lib/fixtures.js';

/** PutRecords accepts at most 500 records per call. */
const PUT_RECORDS_LIMIT = 500;
/** The offered-rate producer sends one PutRecords call per tick. */
const TICK_MS = 50;

/** A benchmark record as put: the 1 KB payload plus the producer's clock at the PutRecords call. */
export interface TimedPayload {
  readonly putAtMs: number;
}

/**
 * Partition keys grouped by the open shard they hash to (Kinesis maps the MD5 of a partition key, as a
 * 128-bit number, into the shards' hash key ranges), so records can be spread evenly over the shards.
 */
export type ShardKeys = readonly (readonly string[])[];

/**
 * Finds `perShard` partition keys (`user-<n>`) for each open shard of a stream.
 *
 * @example
 * ```ts
 * const keys = await shardKeys(client, 'bench-1', 25); // keys[0] all hash into the first shard
 * ```
 */
export async function shardKeys(client: KinesisClient, streamName: string, perShard: number): Promise<ShardKeys> {
  const output = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const ranges = (output.Shards ?? [])
    .filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined)
    .map((shard) => ({
      start: BigInt(shard.HashKeyRange?.StartingHashKey ?? '0'),
      end: BigInt(shard.HashKeyRange?.EndingHashKey ?? '0'),
    }))
    .sort((a, b) => (a.start < b.start ? -1 : 1));
  const keys: string[][] = ranges.map(() => []);
  for (let n = 0; keys.some((list) => list.length < perShard); n++) {
    const key = `user-${n}`;
    const hash = BigInt(`0x${createHash('md5').update(key).digest('hex')}`);
    const shard = ranges.findIndex((range) => hash >= range.start && hash <= range.end);
    if (shard >= 0 && keys[shard]!.length < perShard) keys[shard]!.push(key);
  }
  return keys;
}

/** Record `index` goes to shard `index % shards`, cycling through that shard's keys. */
function entry(index: number, putAtMs: number, keys: ShardKeys): PutRecordsRequestEntry {
  const payload = { ...benchPayload(index), putAtMs };
  const ofShard = keys[index % keys.length]!;
  const partitionKey = ofShard[Math.floor(index / keys.length) % ofShard.length]!;
  return { Data: Buffer.from(JSON.stringify(payload)), PartitionKey: partitionKey };
}

/**
 * Sends records with PutRecords, re-sending the ones the response marks as failed (throttled) until
 * all are stored. Returns how many calls it took.
 *
 * @example
 * ```ts
 * await putAll(client, 'clicks', entries);
 * ```
 */
export async function putAll(client: KinesisClient, streamName: string, entries: PutRecordsRequestEntry[]) {
  let calls = 0;
  let pending = entries;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(Math.min(1000, 50 * 2 ** attempt));
    const output = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
    calls++;
    const results = output.Records ?? [];
    pending = (output.FailedRecordCount ?? 0) > 0 ? pending.filter((_, i) => results[i]?.ErrorCode !== undefined) : [];
  }
  return calls;
}

/**
 * Puts `count` benchmark records as fast as PutRecords (500 per call) takes them, spread evenly over the
 * shards of `keys`: the backlog a drain measurement starts from. Records are numbered from `firstIndex`.
 *
 * @example
 * ```ts
 * await preload(client, 'bench-1', await shardKeys(client, 'bench-1', 25), 10_000);
 * ```
 */
export async function preload(
  client: KinesisClient,
  streamName: string,
  keys: ShardKeys,
  count: number,
  firstIndex = 0,
) {
  for (let start = 0; start < count; start += PUT_RECORDS_LIMIT) {
    const now = Date.now();
    const size = Math.min(PUT_RECORDS_LIMIT, count - start);
    const entries = Array.from({ length: size }, (_, i) => entry(firstIndex + start + i, now, keys));
    await putAll(client, streamName, entries);
  }
}

/** What {@link produceAtRate} sent. */
export interface ProducedLoad {
  readonly records: number;
  readonly calls: number;
  readonly seconds: number;
  /** Records per second actually offered (below the target when PutRecords could not keep up). */
  readonly achievedRate: number;
}

/**
 * Offers load at a fixed rate: every 50 ms one PutRecords call with the records due by then (an
 * absolute schedule, so a slow call is caught up, not dropped). Each record carries `putAtMs`, the
 * producer's clock just before its PutRecords call, from which processors compute put→processed latency.
 *
 * @example
 * ```ts
 * const load = await produceAtRate(client, 'bench-1', keys, { ratePerSecond: 1000, durationMs: 5000, firstIndex: 10_000 });
 * ```
 */
export async function produceAtRate(
  client: KinesisClient,
  streamName: string,
  keys: ShardKeys,
  options: { readonly ratePerSecond: number; readonly durationMs: number; readonly firstIndex: number },
): Promise<ProducedLoad> {
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  const started = Date.now();
  let sent = 0;
  let calls = 0;
  for (let tick = 1; sent < total; tick++) {
    const due = Math.min(total, Math.round((options.ratePerSecond * (Date.now() - started)) / 1000));
    if (due > sent) {
      const now = Date.now();
      const size = Math.min(PUT_RECORDS_LIMIT, due - sent);
      const entries = Array.from({ length: size }, (_, i) => entry(options.firstIndex + sent + i, now, keys));
      calls += await putAll(client, streamName, entries);
      sent += size;
    }
    const wait = started + tick * TICK_MS - Date.now();
    if (wait > 0) await sleep(wait);
  }
  const seconds = (Date.now() - started) / 1000;
  return { records: sent, calls, seconds, achievedRate: sent / seconds };
}
