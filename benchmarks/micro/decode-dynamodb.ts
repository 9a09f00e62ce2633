/**
 * DynamoDB decode benchmark: how long shardflow takes to decode (and to handle) MODIFY records that carry
 * both images of an 840-byte order-like item, compared with the same code at another git revision, in the
 * same process, in interleaved rounds.
 *
 * ```sh
 * node --conditions=shardflow-source --import tsx benchmarks/micro/decode-dynamodb.ts --baseline <rev> [--rounds 15]
 * ```
 *
 * `--baseline <rev>` extracts `src/runtime` at that revision (`git archive`) into a temporary directory and
 * imports it next to the working tree's, so both run under the same JIT, heap and machine load. Without it
 * only the working tree is measured. Each round times every contender for `--batches` batches (order
 * rotated every round); a contender's figure is the median over rounds of its per-round median batch time.
 * The before/after ratio is the median of the per-round ratios.
 *
 * Contenders: `decodeEvent` (decode only: Keys, NewImage, OldImage; each record's `oldImage` is read, since a
 * MODIFY's old image is unmarshalled on first read) and the handler of a one-route stream
 * whose processor validates the order with zod and does nothing (decode + route + validate + respond).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { marshall } from '@aws-sdk/util-dynamodb';
import { z } from 'zod';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Bytes of JSON of one marshalled image. */
export const ORDER_IMAGE_BYTES = 840;

/** An order as a shop's table holds it: scalars, a list of maps, a nested map, a string set, a null. */
export function orderItem(i: number, status: string): Record<string, unknown> {
  const base = {
    orderId: `o-${String(i).padStart(8, '0')}`,
    customerId: `c-${String(i % 97).padStart(5, '0')}`,
    status,
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    currency: 'EUR',
    totalCents: 12_999 + i,
    itemCount: 3,
    express: i % 2 === 0,
    coupon: null,
    items: [
      { sku: `SKU-${i % 89}`, name: 'Kettle', quantity: 1, priceCents: 4999 },
      { sku: `SKU-${(i + 7) % 89}`, name: 'Beans 1kg', quantity: 2, priceCents: 2500 },
      { sku: `SKU-${(i + 13) % 89}`, name: 'Filter papers', quantity: 1, priceCents: 3000 },
    ],
    shipping: { name: 'Ada Lovelace', street: '12 St James Sq', city: 'London', zip: 'SW1Y 4JH', country: 'GB' },
    tags: new Set(['gift', 'priority']),
    note: '',
  };
  const padding = ORDER_IMAGE_BYTES - Buffer.byteLength(JSON.stringify(marshall(base)));
  return { ...base, note: 'x'.repeat(Math.max(0, padding)) };
}

const OrderSchema = z.object({
  orderId: z.string(),
  customerId: z.string(),
  status: z.enum(['NEW', 'PAID', 'SHIPPED']),
  createdAt: z.string(),
  currency: z.string(),
  totalCents: z.number().int(),
  itemCount: z.number().int(),
  express: z.boolean(),
  coupon: z.null(),
  items: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), priceCents: z.number() })),
  shipping: z.object({ name: z.string(), street: z.string(), city: z.string(), zip: z.string(), country: z.string() }),
  tags: z.set(z.string()),
  note: z.string(),
});

const TABLE_STREAM_ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000';

/** A Lambda event of `size` MODIFY records (NEW → PAID), parsed from JSON as the Lambda runtime does. */
export function modifyEvent(size: number): unknown {
  const records = Array.from({ length: size }, (_, i) => {
    const oldImage = marshall(orderItem(i, 'NEW'));
    const newImage = marshall(orderItem(i, 'PAID'));
    return {
      eventID: `c81e728d9d4c2f636f067f89cc1486${String(i).padStart(2, '0')}`,
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_767_268_800 + i,
        Keys: marshall({ orderId: orderItem(i, 'NEW').orderId }),
        NewImage: newImage,
        OldImage: oldImage,
        SequenceNumber: String(100_000_000_000_000_000_000n + BigInt(i)),
        SizeBytes: Buffer.byteLength(JSON.stringify(newImage)) + Buffer.byteLength(JSON.stringify(oldImage)),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: TABLE_STREAM_ARN,
    };
  });
  return JSON.parse(JSON.stringify({ Records: records }));
}

/** The parts of a `src/runtime` tree the benchmark uses. */
interface RuntimeTree {
  decodeEvent(event: unknown): { entries: readonly { ok: boolean; record?: { oldImage?: unknown } }[] };
  handler(event: unknown): Promise<{ batchItemFailures: unknown[] }>;
}

async function loadTree(srcRuntime: string): Promise<RuntimeTree> {
  const url = (file: string) => pathToFileURL(join(srcRuntime, file)).href;
  const records = (await import(url('records/decode-event.ts'))) as Pick<RuntimeTree, 'decodeEvent'>;
  const { defineConfig } = (await import(url('config/define-config.ts'))) as {
    defineConfig(input: unknown): unknown;
  };
  const { defineProcessor } = (await import(url('config/processor.ts'))) as {
    defineProcessor(spec: unknown): unknown;
  };
  const { createHandler } = (await import(url('handler.ts'))) as {
    createHandler(config: unknown, stream: string, options: unknown): RuntimeTree['handler'];
  };
  const { createLogger } = (await import(url('observability/logger.ts'))) as {
    createLogger(options: unknown): unknown;
  };
  const processor = defineProcessor({ name: 'orders', schema: OrderSchema, async process() {} });
  const config = defineConfig({
    service: 'bench',
    streams: {
      orders: {
        source: { type: 'dynamodb', table: 'orders' },
        startingPosition: 'TRIM_HORIZON',
        routes: [{ processor }],
      },
    },
  });
  const handler = createHandler(config, 'orders', { logger: createLogger({ level: 'silent' }), metrics: false });
  return { decodeEvent: records.decodeEvent, handler };
}

/** `src/runtime` of `rev`, extracted into a temporary directory that resolves packages from this repo. */
function extractRevision(rev: string): { srcRuntime: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'shardflow-baseline-'));
  const archive = execFileSync('git', ['-C', ROOT, 'archive', rev, 'src/runtime'], { maxBuffer: 1 << 28 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return { srcRuntime: join(dir, 'src/runtime'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `decodeEvent`, then every record's old image read (unmarshalled then, where it is lazy). */
function decodeBothImages(tree: RuntimeTree, event: unknown): unknown {
  let images = 0;
  for (const entry of tree.decodeEvent(event).entries) if (entry.record?.oldImage !== undefined) images++;
  return images;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Contender {
  readonly name: string;
  run(): unknown;
}

async function timeBatches(contender: Contender, batches: number): Promise<number> {
  const samples: number[] = new Array(batches);
  for (let i = 0; i < batches; i++) {
    const started = performance.now();
    const result = contender.run();
    if (result instanceof Promise) await result;
    samples[i] = performance.now() - started;
  }
  return median(samples);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string' },
      rounds: { type: 'string', default: '15' },
      batches: { type: 'string', default: '200' },
      size: { type: 'string', default: '100' },
    },
  });
  const rounds = Number(values.rounds);
  const batches = Number(values.batches);
  const size = Number(values.size);
  const event = modifyEvent(size);

  const trees: [string, RuntimeTree][] = [['working tree', await loadTree(join(ROOT, 'src/runtime'))]];
  const extracted = values.baseline === undefined ? undefined : extractRevision(values.baseline);
  try {
    if (extracted !== undefined) trees.push([`baseline ${values.baseline}`, await loadTree(extracted.srcRuntime)]);
    const contenders: Contender[] = [];
    for (const [label, tree] of trees) {
      const decoded = tree.decodeEvent(event).entries;
      if (decoded.length !== size || decoded.some((entry) => !entry.ok)) throw new Error(`${label}: decode failed`);
      const response = await tree.handler(event);
      if (response.batchItemFailures.length > 0) throw new Error(`${label}: the handler reported failures`);
      contenders.push({ name: `decodeEvent · ${label}`, run: () => decodeBothImages(tree, event) });
      contenders.push({ name: `handler · ${label}`, run: () => tree.handler(event) });
    }
    for (const contender of contenders) await timeBatches(contender, batches); // warm-up
    const perRound = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const contender = contenders[(k + round) % contenders.length]!;
        perRound.get(contender.name)!.push(await timeBatches(contender, batches));
      }
    }
    const imageBytes = Buffer.byteLength(JSON.stringify(marshall(orderItem(0, 'PAID'))));
    console.log(
      `MODIFY records with NewImage + OldImage (${imageBytes} bytes of JSON each), batches of ${size}; ` +
        `${rounds} interleaved rounds × ${batches} batches; median of per-round medians`,
    );
    console.log(`node ${process.version}, ${process.arch}`);
    for (const contender of contenders) {
      const ms = median(perRound.get(contender.name)!);
      console.log(`${contender.name.padEnd(44)} ${((ms * 1000) / size).toFixed(2).padStart(8)} µs/record`);
    }
    if (trees.length === 2) {
      for (const kind of ['decodeEvent', 'handler']) {
        const now = perRound.get(`${kind} · ${trees[0]![0]}`)!;
        const before = perRound.get(`${kind} · ${trees[1]![0]}`)!;
        const ratios = now.map((value, i) => value / before[i]!);
        console.log(`${kind}: working tree / baseline = ${median(ratios).toFixed(3)} (median of per-round ratios)`);
      }
    }
  } finally {
    extracted?.cleanup();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
