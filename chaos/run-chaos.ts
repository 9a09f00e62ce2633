import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import {
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { EMULATOR_CREDENTIALS, startEmulators } from 'shardflow/local';
import { seededRandom } from '../example/random.js';
import config, { CHAOS_TABLES } from './chaos-config.js';
import type { SelfTestInjection } from './faults.js';
import { type Ledger, MAX_RECORDS_PER_KEY, readLedger } from './ledger.js';
import { commitsPerRecord, orderViolations } from './reconcile-ledger.js';

/** Options of a chaos run. */
export interface ChaosOptions {
  readonly records: number;
  /** `kill -9` of the worker, at random moments while records flow. */
  readonly kills: number;
  readonly dataDir: string;
  readonly poisonRate: number;
  readonly transientRate: number;
  readonly throttleRate: number;
  /** Fraction of records on the Kinesis stream (the rest go through the DynamoDB table's stream). */
  readonly kinesisShare: number;
  readonly keys: number;
  readonly seed: number;
  /** Split one Kinesis shard at ⅓ of the load and merge two at ⅔. */
  readonly reshard: boolean;
  readonly timeoutMs: number;
  /**
   * Inject exactly one duplicate effect and one reordered pair of effects (see `effectsOf`): the run
   * must then report `duplicated` 1 and `order violations` ≥ 1 — proof that those rows can fail.
   */
  readonly selfTest?: boolean;
  readonly log?: (line: string) => void;
}

/** The run's figures: the chaos table. */
export interface ChaosResult {
  readonly ok: boolean;
  readonly table: Record<string, number | string>;
  readonly lines: string[];
  /** In a self-test: what was injected, and whether the report caught it (duplicated 1, order violations ≥ 1). */
  readonly selfTest?: { readonly injection: SelfTestInjection; readonly key: string; readonly caught: boolean };
}

interface InputRecord {
  readonly id: string;
  readonly key: string;
  readonly n: number;
  readonly stream: 'events' | 'orders';
  readonly poison: boolean;
}

/** Plans the input: the source of truth the run is reconciled against. */
function plan(o: ChaosOptions): InputRecord[] {
  const rand = seededRandom(o.seed);
  const next = new Map<string, number>();
  const input = Array.from({ length: o.records }, (_, i): InputRecord => {
    const stream = rand() < o.kinesisShare ? 'events' : 'orders';
    const key = `${stream === 'events' ? 'e' : 'o'}-${Math.floor(rand() * o.keys)}`;
    const n = next.get(key) ?? 0;
    next.set(key, n + 1);
    return { id: `r${String(i).padStart(7, '0')}`, key, n, stream, poison: rand() < o.poisonRate };
  });
  const busiest = Math.max(0, ...next.values());
  if (busiest > MAX_RECORDS_PER_KEY) {
    throw new RangeError(
      `${busiest} records on one key: a key's ledger holds at most ${MAX_RECORDS_PER_KEY}; use more keys`,
    );
  }
  return input;
}

/**
 * The self-test's targets: a duplicate of the first clean DynamoDB-stream record, and a reorder of the
 * first two clean Kinesis records of one key that follow each other (no clean record between them, so
 * the reorder is exactly one out-of-order pair). Falls back to the other stream when one has none.
 */
function selfTestTargets(input: readonly InputRecord[]): { injection: SelfTestInjection; key: string } {
  const clean = input.filter((r) => !r.poison);
  const lastOfKey = new Map<string, InputRecord>();
  let reorder: [InputRecord, InputRecord] | undefined;
  for (const stream of ['events', 'orders'] as const) {
    for (const r of clean) {
      if (r.stream !== stream) continue;
      const previous = lastOfKey.get(r.key);
      if (previous !== undefined && reorder === undefined) reorder = [previous, r];
      lastOfKey.set(r.key, r);
    }
  }
  if (reorder === undefined) throw new RangeError('the self-test needs a key with two clean records');
  const [earlier, later] = reorder;
  const others = clean.filter((r) => r.key !== earlier.key);
  const duplicate = others.find((r) => r.stream === 'orders') ?? others[0];
  if (duplicate === undefined) throw new RangeError('the self-test needs a clean record on a second key');
  return { injection: { duplicate: duplicate.id, reorder: [earlier.id, later.id] }, key: earlier.key };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the chaos harness: emulators owned by this process, the local ESM in a worker process that is
 * `kill -9`ed and restarted from its checkpoints, a Kinesis shard split and merge mid-run, poison
 * records, injected transient failures and DynamoDB throttling. Then reconciles every input record
 * from the ledger of committed effects (`ledger.ts`) and the two buckets: applied exactly once,
 * quarantined with its reason, or described by an on-failure record. `duplicated` counts the records
 * whose effect committed more than once; `order violations` the pairs of committed effects of one key
 * whose commit order differs from the order the records entered the stream.
 *
 * @example
 * ```ts
 * const { ok, lines } = await runChaos({ records: 100_000, kills: 3, … });
 * const selfTest = await runChaos({ records: 300, kills: 0, selfTest: true, … }); // selfTest.caught, !ok
 * ```
 */
export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const dataDir = resolve(o.dataDir);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  const emulators = await startEmulators(config, { dataDir: join(dataDir, 'emulators'), handleSignals: false });
  let worker: ChildProcess | undefined;
  try {
    const dynamodb = emulators.clients.dynamodb!;
    const kinesis = emulators.clients.kinesis!;
    const s3 = emulators.clients.s3!;
    await createTable(dynamodb, CHAOS_TABLES.ledger, 'key');
    const input = plan(o);
    const byId = new Map(input.map((r) => [r.id, r]));
    const selfTest = o.selfTest ? selfTestTargets(input) : undefined;
    if (selfTest) {
      const { duplicate, reorder } = selfTest.injection;
      log(
        `self-test: the effect of ${duplicate} commits twice; ${reorder[1]} commits before ${reorder[0]} (${selfTest.key})`,
      );
    }
    // The order the records entered their streams, per key (the order their effects must commit in).
    const streamRank = new Map<string, number>();
    const entered = (r: InputRecord) => streamRank.set(r.id, streamRank.size);

    const env = {
      ...process.env,
      AWS_REGION: emulators.region,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
      AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
      AWS_ENDPOINT_URL_KINESIS: emulators.endpoints.kinesis,
      CHAOS_FAULTS: JSON.stringify({
        transientRate: o.transientRate,
        throttleRate: o.throttleRate,
        selfTest: selfTest?.injection,
      }),
      CHAOS_STATE: JSON.stringify({
        dataDir,
        region: emulators.region,
        endpoints: emulators.endpoints,
        streamArns: Object.fromEntries(Object.entries(emulators.resources.streams).map(([k, v]) => [k, v.streamArn])),
      }),
    };
    const spawnWorker = async () => {
      const child = spawn(
        process.execPath,
        ['--conditions=shardflow-source', '--import', 'tsx', join(import.meta.dirname, 'worker.ts')],
        {
          env,
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        },
      );
      await new Promise<void>((resolveReady, reject) => {
        child.once('message', () => resolveReady());
        child.once('exit', (code) => reject(new Error(`chaos worker exited before it was ready (${code})`)));
      });
      return child;
    };
    worker = await spawnWorker();
    log(`worker ${worker.pid} started`);

    // Load, written while the worker runs.
    const kinesisRecords = input.filter((r) => r.stream === 'events');
    const ordersRecords = input.filter((r) => r.stream === 'orders');
    const reshards: string[] = [];
    const writing = (async () => {
      const third = Math.floor(kinesisRecords.length / 3);
      const writeOrders = writeDynamoDB(dynamodb, ordersRecords, entered);
      for (let i = 0; i < kinesisRecords.length; i += 250) {
        if (o.reshard && i >= third && reshards.length === 0) reshards.push(await split(kinesis));
        if (o.reshard && i >= 2 * third && reshards.length === 1) reshards.push(await merge(kinesis));
        await putKinesis(kinesis, kinesisRecords.slice(i, i + 250), entered);
      }
      await writeOrders;
    })();

    // Chaos: kill -9 the worker while records are in flight — spread over the run (kill i once about
    // i/(kills+1) of the records are accounted for, plus random jitter), then restart it.
    const rand = seededRandom(o.seed + 99);
    const pollMs = Math.max(500, Math.round(input.length / 20));
    let kills = 0;
    const killing = (async () => {
      while (kills < o.kills) {
        const threshold = ((kills + 1) / (o.kills + 1)) * input.length;
        let accounted = 0;
        do {
          await sleep(pollMs * (0.5 + rand()));
          accounted = (await account(dynamodb, s3, byId)).accounted;
        } while (accounted < threshold && accounted < input.length && Date.now() - started < o.timeoutMs);
        // Processing may outrun a threshold on a small run: the kill still happens (a restart on a drained
        // stream must not re-apply anything either), and the log says how much was in flight.
        const pid = worker!.pid;
        const exited = new Promise((r) => worker!.once('exit', r));
        worker!.kill('SIGKILL');
        await exited;
        kills++;
        log(`kill -9 ${pid} (${kills}/${o.kills}) with ${accounted}/${input.length} records accounted for; restarting`);
        worker = await spawnWorker();
      }
    })();
    await writing;
    log(`all ${input.length} records written${reshards.length ? ` (${reshards.join(', ')})` : ''}`);
    await killing;

    // Wait until every record is accounted for (applied, quarantined or on-failure).
    let books = await account(dynamodb, s3, byId);
    while (books.accounted < input.length && Date.now() - started < o.timeoutMs) {
      await sleep(pollMs);
      books = await account(dynamodb, s3, byId);
      log(`accounted ${books.accounted}/${input.length}`);
    }
    await sleep(1500); // late duplicates would show up now
    const exited = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
    worker = undefined;
    books = await account(dynamodb, s3, byId);

    // Reconcile every input record from the ledger and the two buckets.
    const commits = commitsPerRecord(books.effects);
    let processedOnce = 0;
    let lost = 0;
    let quarantinedOk = 0;
    let onFailure = 0;
    let doubleFate = 0;
    let poisonApplied = 0;
    const duplicates: string[] = [];
    for (const record of input) {
      const applied = commits.get(record.id) ?? 0;
      const quarantined = books.quarantined.has(record.id);
      const failed = books.onFailure.has(record.id);
      const fates = (applied > 0 ? 1 : 0) + (quarantined ? 1 : 0) + (failed ? 1 : 0);
      if (fates > 1) doubleFate++;
      if (applied > 1) duplicates.push(`${record.id} ×${applied}`);
      if (applied === 1) processedOnce++;
      if (record.poison && applied > 0) poisonApplied++;
      if (quarantined) quarantinedOk++;
      if (failed) onFailure++;
      if (fates === 0) lost++;
    }
    const duplicated = duplicates.length;
    const order = orderViolations(books.effects, streamRank);
    const stats = await workerStats(dataDir);
    const poison = input.filter((r) => r.poison).length;
    const table: Record<string, number | string> = {
      records: input.length,
      'kinesis records (4 shards)': kinesisRecords.length,
      'dynamodb records': ordersRecords.length,
      'kill -9 of the ESM': kills,
      reshards: reshards.length ? reshards.join('; ') : 'none',
      'poison generated': poison,
      'transient failures injected': stats.transient,
      'DynamoDB throttles injected': stats.throttles,
      'effects committed (ledger)': [...commits.values()].reduce((a, b) => a + b, 0),
      'applied exactly once': processedOnce,
      quarantined: quarantinedOk,
      'on-failure': onFailure,
      lost,
      duplicated,
      'two fates for one record': doubleFate,
      'poison applied': poisonApplied,
      'order violations': order.count,
      'duration (s)': Math.round((Date.now() - started) / 100) / 10,
    };
    const ok =
      lost === 0 &&
      duplicated === 0 &&
      doubleFate === 0 &&
      poisonApplied === 0 &&
      order.count === 0 &&
      quarantinedOk === poison &&
      kills === o.kills;
    const caught = duplicated === 1 && order.count >= 1;
    const width = Math.max(...Object.keys(table).map((k) => k.length));
    const lines = [
      '| figure | value |',
      '| --- | --: |',
      ...Object.entries(table).map(
        ([k, v]) => `| ${k.padEnd(width)} | ${typeof v === 'number' ? v.toLocaleString('en-US') : v} |`,
      ),
      '',
      `quarantine reasons: ${[...books.reasons].map(([k, v]) => `${k} ×${v}`).join(' · ') || 'none'}`,
      ...(duplicated > 0 ? [`duplicated: ${duplicates.slice(0, 5).join(' · ')}${duplicated > 5 ? ' · …' : ''}`] : []),
      ...(order.count > 0
        ? [
            `order violations: ${order.examples
              .map((v) => `${v.key}: ${v.appliedFirst} applied before ${v.appliedSecond}`)
              .join(' · ')}${order.count > order.examples.length ? ' · …' : ''}`,
          ]
        : []),
      ...(selfTest
        ? [
            `self-test: injected a duplicate of ${selfTest.injection.duplicate} and a reorder of ` +
              `${selfTest.injection.reorder.join(' → ')} (${selfTest.key}) — ${
                caught ? 'both caught' : 'NOT caught: the ledger is blind to them'
              }`,
          ]
        : []),
      ok ? 'result: OK — nothing lost, nothing applied twice, order kept per key' : 'result: FAILED',
    ];
    return { ok, table, lines, ...(selfTest ? { selfTest: { ...selfTest, caught } } : {}) };
  } finally {
    if (worker) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGKILL');
      await exited;
    }
    await emulators.stop();
  }
}

async function createTable(dynamodb: DynamoDBClient, name: string, key: string): Promise<void> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** A record's payload; poison is a schema violation (its id stays readable) or truncated JSON. */
function payload(record: InputRecord): string {
  if (!record.poison) return JSON.stringify({ id: record.id, key: record.key, n: record.n });
  return record.n % 2 === 0
    ? JSON.stringify({ id: record.id, key: record.key, n: 'not-a-number' })
    : `{"id":"${record.id}","key":"${record.key}","n":`;
}

/** Puts records; `onEntered` sees each one once it is in the stream (a retried one after the rest of its call). */
async function putKinesis(
  kinesis: KinesisClient,
  records: readonly InputRecord[],
  onEntered: (record: InputRecord) => void,
): Promise<void> {
  let pending = records;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const response = await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'chaos-events',
        Records: pending.map((r) => ({ PartitionKey: r.key, Data: Buffer.from(payload(r)) })),
      }),
    );
    const failed = (i: number) => response.Records?.[i]?.ErrorCode !== undefined;
    for (const [i, r] of pending.entries()) if (!failed(i)) onEntered(r);
    pending = pending.filter((_, i) => failed(i));
    if (pending.length > 0) await sleep(50 * 2 ** attempt);
  }
}

/** Writes each key's records in order (keys in parallel): every put is one DynamoDB Streams record. */
async function writeDynamoDB(
  dynamodb: DynamoDBClient,
  records: readonly InputRecord[],
  onWritten: (record: InputRecord) => void,
) {
  const byKey = new Map<string, InputRecord[]>();
  for (const r of records) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const limit = pLimit(8);
  await Promise.all(
    [...byKey.values()].map((list) =>
      limit(async () => {
        for (const r of list) {
          const n = r.poison ? { S: 'not-a-number' } : { N: String(r.n) };
          await dynamodb.send(
            new PutItemCommand({ TableName: CHAOS_TABLES.orders, Item: { key: { S: r.key }, id: { S: r.id }, n } }),
          );
          onWritten(r);
        }
      }),
    ),
  );
}

async function openShards(kinesis: KinesisClient) {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: 'chaos-events' }));
  return Shards.filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined);
}

async function split(kinesis: KinesisClient): Promise<string> {
  const shard = (await openShards(kinesis))[0]!;
  const start = BigInt(shard.HashKeyRange!.StartingHashKey!);
  const end = BigInt(shard.HashKeyRange!.EndingHashKey!);
  await kinesis.send(
    new SplitShardCommand({
      StreamName: 'chaos-events',
      ShardToSplit: shard.ShardId!,
      NewStartingHashKey: ((start + end) / 2n).toString(),
    }),
  );
  await sleep(200);
  return `split ${shard.ShardId}`;
}

async function merge(kinesis: KinesisClient): Promise<string> {
  const shards = (await openShards(kinesis)).sort((a, b) =>
    BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1,
  );
  for (let i = 0; i + 1 < shards.length; i++) {
    const [a, b] = [shards[i]!, shards[i + 1]!];
    if (BigInt(a.HashKeyRange!.EndingHashKey!) + 1n === BigInt(b.HashKeyRange!.StartingHashKey!)) {
      await kinesis.send(
        new MergeShardsCommand({
          StreamName: 'chaos-events',
          ShardToMerge: a.ShardId!,
          AdjacentShardToMerge: b.ShardId!,
        }),
      );
      await sleep(200);
      return `merge ${a.ShardId} + ${b.ShardId}`;
    }
  }
  return 'merge skipped (no adjacent open shards)';
}

interface Accounting {
  effects: Ledger;
  quarantined: Set<string>;
  onFailure: Set<string>;
  reasons: Map<string, number>;
  accounted: number;
}

/** Reads the ledger, the quarantine bucket and the on-failure bucket back. */
async function account(
  dynamodb: DynamoDBClient,
  s3: S3Client,
  byId: ReadonlyMap<string, InputRecord>,
): Promise<Accounting> {
  const effects = await readLedger(dynamodb);
  const applied = commitsPerRecord(effects);
  const quarantined = new Set<string>();
  const reasons = new Map<string, number>();
  for (const body of await objects(s3, 'chaos-quarantine')) {
    for (const line of body.split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as { error: { name: string }; record: unknown };
      const id = idOf(entry.record);
      if (id !== undefined) quarantined.add(id);
      reasons.set(entry.error.name, (reasons.get(entry.error.name) ?? 0) + 1);
    }
  }
  const onFailure = new Set<string>();
  for (const body of await objects(s3, 'chaos-on-failure')) {
    const record = JSON.parse(body) as { payload?: { Records: unknown[] } };
    for (const r of record.payload?.Records ?? []) {
      const id = idOf(r);
      if (id !== undefined) onFailure.add(id);
    }
  }
  let accounted = 0;
  for (const id of byId.keys()) if ((applied.get(id) ?? 0) > 0 || quarantined.has(id) || onFailure.has(id)) accounted++;
  return { effects, quarantined, onFailure, reasons, accounted };
}

/** The input id inside a Lambda record (Kinesis data, possibly truncated JSON; DynamoDB NewImage). */
function idOf(record: unknown): string | undefined {
  const r = record as { kinesis?: { data: string }; dynamodb?: { NewImage?: { id?: { S?: string } } } };
  if (r.dynamodb) return r.dynamodb.NewImage?.id?.S;
  const text = Buffer.from(r.kinesis?.data ?? '', 'base64').toString('utf8');
  return /"id":"(r\d+)"/.exec(text)?.[1];
}

async function objects(s3: S3Client, bucket: string): Promise<string[]> {
  const bodies: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: startAfter }));
    const contents = page.Contents ?? [];
    for (const o of contents) {
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }));
      bodies.push(await object.Body!.transformToString());
    }
    if (!page.IsTruncated || contents.length === 0) return bodies;
    startAfter = contents.at(-1)!.Key;
  }
}

/** A worker's stats file, `stats-<pid>.json` (chaos/worker.ts writes it by temp file and rename). */
const WORKER_STATS_FILE = /^stats-\d+\.json$/;

async function workerStats(dataDir: string): Promise<{ transient: number; throttles: number }> {
  const totals = { transient: 0, throttles: 0 };
  for (const file of await readdir(dataDir)) {
    if (!WORKER_STATS_FILE.test(file)) continue; // not the `.tmp` a killed worker may leave behind
    const stats = JSON.parse(await readFile(join(dataDir, file), 'utf8')) as { transient: number; throttles: number };
    totals.transient += stats.transient;
    totals.throttles += stats.throttles;
  }
  return totals;
}
