import { loadavg } from 'node:os';
import { dynamodbBenchEvent, kinesisBenchEvent, PAYLOAD_BYTES } from '../lib/fixtures.js';
import { round } from '../lib/markdown.js';
import type { Progress } from '../lib/progress.js';
import { type ContenderId, createContenders, type MicroSource } from './contenders.js';

/** One ratio the suite checks: `subject` records/s ÷ `peer` records/s, paired by round, at some batch sizes. */
export interface MicroTarget {
  readonly id: string;
  readonly source: MicroSource;
  readonly subject: ContenderId;
  readonly peer: ContenderId;
  /** The median paired ratio must be at least this. */
  readonly atLeast: number;
  /** Batch sizes it applies to. */
  readonly batchSizes: readonly number[];
  readonly description: string;
}

const TEN_TO_10K = [10, 100, 1000, 10_000];

/**
 * The handler suite's targets (issue 14, and the project's target for Powertools with its parser). The logger target is a
 * ratio too: shardflow with the default `info` logger ÷ shardflow silent ≥ 0.95 is a cost of at most 5 %.
 */
export const MICRO_TARGETS: readonly MicroTarget[] = Object.freeze([
  {
    id: 'kinesis-hand-100',
    source: 'kinesis',
    subject: 'shardflow',
    peer: 'hand-loop',
    atLeast: 0.9,
    batchSizes: [100],
    description: 'Kinesis: ≥ 0.9× the hand loop + zod at batch 100',
  },
  {
    id: 'kinesis-hand',
    source: 'kinesis',
    subject: 'shardflow',
    peer: 'hand-loop',
    atLeast: 0.8,
    batchSizes: TEN_TO_10K,
    description: 'Kinesis: ≥ 0.8× the hand loop + zod at every batch size 10–10 000',
  },
  {
    id: 'kinesis-powertools',
    source: 'kinesis',
    subject: 'shardflow',
    peer: 'powertools-plain',
    atLeast: 1.2,
    batchSizes: TEN_TO_10K,
    description: 'Kinesis: ≥ 1.2× Powertools without a parser',
  },
  {
    id: 'dynamodb-hand',
    source: 'dynamodb',
    subject: 'shardflow',
    peer: 'hand-loop',
    atLeast: 0.8,
    batchSizes: TEN_TO_10K,
    description: 'DynamoDB: ≥ 0.8× a hand loop that decodes what the processor reads (NewImage)',
  },
  {
    id: 'dynamodb-hand-both',
    source: 'dynamodb',
    subject: 'shardflow-previous',
    peer: 'hand-loop-both',
    atLeast: 0.8,
    batchSizes: TEN_TO_10K,
    description: 'DynamoDB, processor reading ctx.previous: ≥ 0.8× a hand loop decoding both images',
  },
  {
    id: 'dynamodb-powertools',
    source: 'dynamodb',
    subject: 'shardflow',
    peer: 'powertools-plain',
    atLeast: 1.0,
    batchSizes: TEN_TO_10K,
    description: 'DynamoDB: ≥ 1.0× Powertools without a parser',
  },
  ...(['kinesis', 'dynamodb'] as const).map((source) => ({
    id: `${source}-logger`,
    source,
    subject: 'shardflow-info' as const,
    peer: 'shardflow' as const,
    atLeast: 0.95,
    batchSizes: [10],
    description: `${source === 'kinesis' ? 'Kinesis' : 'DynamoDB'}: the default info logger costs ≤ 5 % at batch 10`,
  })),
  ...(['kinesis', 'dynamodb'] as const).map((source) => ({
    id: `${source}-powertools-parser`,
    source,
    subject: 'shardflow' as const,
    peer: 'powertools-parser' as const,
    atLeast: 1.5,
    batchSizes: TEN_TO_10K,
    description: `${source === 'kinesis' ? 'Kinesis' : 'DynamoDB'}: ≥ 1.5× Powertools with its parser (project target)`,
  })),
]);

/** The subject ÷ peer pairs the suite reports at every batch size (targets or not). */
export const MICRO_PAIRS: readonly (readonly [ContenderId, ContenderId])[] = [
  ['shardflow', 'hand-loop'],
  ['shardflow', 'powertools-plain'],
  ['shardflow', 'powertools-parser'],
  ['shardflow', 'powertools-schema'],
  ['shardflow-previous', 'hand-loop-both'],
  ['shardflow-previous', 'powertools-schema'],
  ['shardflow-info', 'shardflow'],
];

/** Options of {@link runMicro}. */
export interface MicroOptions {
  readonly sources: readonly MicroSource[];
  readonly batchSizes: readonly number[];
  /** CPU time each contender runs per round (ms); slow batches still run {@link minBatches} times. */
  readonly sliceMs: number;
  /** Time each contender runs before the first round, per batch size (ms). */
  readonly warmupMs: number;
  /** Interleaved rounds per batch size (contender order rotated each round). */
  readonly rounds: number;
  readonly progress: Progress;
}

/** records/s over rounds: the median and the spread. */
export interface RateSummary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One contender at one batch size. */
export interface MicroResult {
  readonly source: MicroSource;
  readonly batchSize: number;
  readonly contender: ContenderId;
  readonly label: string;
  /** Whether it reported no failures for the all-valid batch (an incorrect contender is flagged, not dropped). */
  readonly correct: boolean;
  readonly failuresReported: number;
  /** Timed batches over all rounds. */
  readonly samples: number;
  /**
   * Median over rounds of the round's records per CPU-second (the process's CPU time, all threads, GC
   * included: what Lambda's CPU share meters, and what other work on a shared machine disturbs least).
   */
  readonly recordsPerSecond: number;
  /** CPU µs per record (from {@link MicroResult.recordsPerSecond}). */
  readonly microsPerRecord: number;
  /** Lowest and highest round (records per CPU-second). */
  readonly spread: { readonly min: number; readonly max: number };
  /** Records per CPU-second of each round (`null` for rounds it sat out: contenders tens of times slower run round 0 only). */
  readonly roundsRecordsPerSecond: readonly (number | null)[];
  /** The same over wall-clock time: median over rounds, and each round. */
  readonly wallRecordsPerSecond: number;
  readonly roundsWallRecordsPerSecond: readonly (number | null)[];
}

/** `subject` ÷ `peer` records/s at one batch size, paired by round (both measured in the same round). */
export interface MicroRatio {
  readonly source: MicroSource;
  readonly batchSize: number;
  readonly subject: ContenderId;
  readonly peer: ContenderId;
  /** Median of the per-round ratios of records per CPU-second, and their spread. */
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** Median of the per-round ratios of wall-clock records/s. */
  readonly wallMedian: number;
  /** Rounds in which both ran. */
  readonly rounds: number;
}

/** One target at one batch size. */
export interface MicroTargetCheck {
  readonly target: string;
  readonly description: string;
  readonly source: MicroSource;
  readonly batchSize: number;
  readonly atLeast: number;
  readonly ratio: MicroRatio | undefined;
  readonly met: boolean;
}

/** Everything the micro suite measured. */
export interface MicroReport {
  readonly settings: {
    readonly sources: readonly MicroSource[];
    readonly batchSizes: readonly number[];
    readonly sliceMs: number;
    readonly warmupMs: number;
    readonly rounds: number;
    readonly payloadBytes: number;
    readonly harness: string;
    readonly events: Readonly<Record<MicroSource, string>>;
  };
  readonly targets: readonly MicroTarget[];
  readonly results: MicroResult[];
  readonly ratios: MicroRatio[];
  readonly checks: MicroTargetCheck[];
  /** 1-minute load average when each batch size's rounds started (the machine may be shared). */
  readonly loadAverage: { readonly min: number; readonly max: number };
  readonly includes: string;
}

const EVENTS: Readonly<Record<MicroSource, string>> = Object.freeze({
  kinesis: '1 shard, 100 partition keys, 1 KB JSON records',
  dynamodb: 'MODIFY records with NewImage and OldImage (NEW_AND_OLD_IMAGES) of a 1 KB item, one item per record',
});

/**
 * The event a batch size measures, round-tripped through JSON as the Lambda runtime hands it over (every
 * record a fresh object from `JSON.parse`).
 *
 * @example
 * ```ts
 * const event = microEvent('dynamodb', 100); // 100 MODIFY records with both images
 * ```
 */
export function microEvent(source: MicroSource, batchSize: number): unknown {
  const event =
    source === 'kinesis' ? kinesisBenchEvent(batchSize) : dynamodbBenchEvent(batchSize, { eventNames: 'modify' });
  return JSON.parse(JSON.stringify(event));
}

function failuresIn(response: unknown): number {
  const failures = (response as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
  return Array.isArray(failures) ? failures.length : 0;
}

/**
 * A contender slower than this per record (over its warm-up, in CPU time) runs in the first round only: it is tens of
 * times slower than shardflow, so rounds would add minutes and no information.
 */
const SLOW_MICROS_PER_RECORD = 100;

/** Batch size of the warm-up that compiles every contender before a source's first measurement. */
const WARMUP_BATCH_SIZE = 10;

/**
 * Timed batches per slice at least, whatever the time: a few even when one batch takes seconds (Powertools'
 * parser at 10 000 records), more for small batches.
 */
export function minBatches(batchSize: number): number {
  return Math.max(2, Math.min(64, Math.ceil(1000 / batchSize)));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One slice's throughput. */
interface SliceRate {
  /** Records per CPU-second of the process. */
  readonly cpu: number;
  /** Records per wall-clock second. */
  readonly wall: number;
}

/** Runs batches back to back for at least `ms` of CPU time and `batches`; records/s over the slice (GC included). */
async function slice(run: () => Promise<unknown>, batchSize: number, ms: number, batches: number) {
  let count = 0;
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  let cpuMs = 0;
  do {
    await run();
    count++;
    const cpu = process.cpuUsage(cpuStart);
    cpuMs = (cpu.user + cpu.system) / 1000;
  } while (cpuMs < ms || count < batches);
  const wallMs = performance.now() - started;
  const rate: SliceRate = { cpu: (count * batchSize) / (cpuMs / 1000), wall: (count * batchSize) / (wallMs / 1000) };
  return { rate, batches: count };
}

/**
 * The handler-overhead suite: for each source and batch size, every contender (shardflow silent, with the
 * default logger and, on DynamoDB, reading `ctx.previous`; Powertools with its parser two ways and without
 * one; the hand-written loops) handles the same event in the same process. After a warm-up, `rounds`
 * interleaved rounds give each contender a slice of `sliceMs` of CPU time (order rotated every round); a
 * slice's figure is its records per CPU-second of the process (all threads, garbage collection included:
 * what Lambda's CPU share meters, and what other work on a shared machine disturbs least; wall-clock
 * records/s are recorded too). A contender's figure is the median over
 * rounds with the lowest and highest round; ratios are paired by round (both contenders measured in the same
 * round, minutes apart at most) and reported as the median with its spread, so that a shared machine's load
 * moves both sides of each ratio. Each contender is first checked on the event (an all-valid batch must
 * report no failures).
 *
 * @example
 * ```ts
 * const report = await runMicro({ sources: ['kinesis'], batchSizes: [100], sliceMs: 200, warmupMs: 200,
 *   rounds: 5, progress: silentProgress });
 * report.checks.find((c) => c.target === 'kinesis-hand-100')?.met;
 * ```
 */
export async function runMicro(options: MicroOptions): Promise<MicroReport> {
  const results: MicroResult[] = [];
  const loads: number[] = [];
  const task = options.progress.task('micro', options.sources.length * options.batchSizes.length);
  for (const source of options.sources) {
    const contenders = createContenders(source);
    // Compile every contender before the first measurement: otherwise the first contender of the first batch
    // size pays for the JIT (CPU time counts the compiler threads) and is mistaken for a slow one.
    const warmupEvent = microEvent(source, WARMUP_BATCH_SIZE);
    for (const contender of contenders) {
      await slice(() => contender.run(warmupEvent), WARMUP_BATCH_SIZE, options.warmupMs, 1);
    }
    for (const batchSize of options.batchSizes) {
      const event = microEvent(source, batchSize);
      const failures = new Map<ContenderId, number>();
      const slow = new Set<ContenderId>();
      for (const contender of contenders) {
        failures.set(contender.id, failuresIn(await contender.run(event)));
        // The warm-up (its first batches run before the JIT has compiled the contender) also tells the slow ones.
        const warm = await slice(() => contender.run(event), batchSize, options.warmupMs, 1);
        if (1e6 / warm.rate.cpu > SLOW_MICROS_PER_RECORD) slow.add(contender.id);
      }
      loads.push(loadavg()[0]!);
      const rounds = new Map<ContenderId, (SliceRate | null)[]>(contenders.map((c) => [c.id, []]));
      const samples = new Map<ContenderId, number>();
      for (let r = 0; r < options.rounds; r++) {
        for (let k = 0; k < contenders.length; k++) {
          const contender = contenders[(k + r) % contenders.length]!;
          const list = rounds.get(contender.id)!;
          if (r > 0 && slow.has(contender.id)) {
            list.push(null);
            continue;
          }
          const measured = await slice(
            () => contender.run(event),
            batchSize,
            slow.has(contender.id) ? 0 : options.sliceMs,
            slow.has(contender.id) ? 1 : minBatches(batchSize),
          );
          list.push(measured.rate);
          samples.set(contender.id, (samples.get(contender.id) ?? 0) + measured.batches);
        }
      }
      for (const contender of contenders) {
        const list = rounds.get(contender.id)!;
        const measured = list.filter((v): v is SliceRate => v !== null).map((v) => v.cpu);
        const wall = list.filter((v): v is SliceRate => v !== null).map((v) => v.wall);
        const rate = median(measured);
        const failuresReported = failures.get(contender.id) ?? 0;
        results.push({
          source,
          batchSize,
          contender: contender.id,
          label: contender.label,
          correct: failuresReported === 0,
          failuresReported,
          samples: samples.get(contender.id) ?? 0,
          recordsPerSecond: round(rate, 4),
          microsPerRecord: round(1e6 / rate, 4),
          spread: { min: round(Math.min(...measured), 4), max: round(Math.max(...measured), 4) },
          roundsRecordsPerSecond: list.map((v) => (v === null ? null : round(v.cpu, 4))),
          wallRecordsPerSecond: round(median(wall), 4),
          roundsWallRecordsPerSecond: list.map((v) => (v === null ? null : round(v.wall, 4))),
        });
      }
      task.tick(`${source} batch ${batchSize}`);
    }
  }
  task.done();
  const ratios = microRatios(results);
  return {
    settings: {
      sources: options.sources,
      batchSizes: options.batchSizes,
      sliceMs: options.sliceMs,
      warmupMs: options.warmupMs,
      rounds: options.rounds,
      payloadBytes: PAYLOAD_BYTES,
      harness:
        'interleaved rounds, contender order rotated each round; a slice = batches back to back for the slice (in CPU time), records per CPU-second of the process over the slice (all threads, GC included; wall-clock records/s recorded too); figures = median over rounds (spread min–max); ratios paired by round',
      events: EVENTS,
    },
    targets: MICRO_TARGETS,
    results,
    ratios,
    checks: checkTargets(ratios, MICRO_TARGETS),
    loadAverage: { min: round(Math.min(...loads), 3), max: round(Math.max(...loads), 3) },
    includes:
      'One in-process call per batch on an event parsed from JSON (as the Lambda runtime passes it): decode (base64 + JSON.parse, or unmarshall) + route + zod validation + an awaited no-op + the partial batch response. Excludes the Lambda runtime (event JSON parsing, invoke) and I/O.',
  };
}

/**
 * `subject` ÷ `peer` for every pair of {@link MICRO_PAIRS} measured at a source and batch size, paired by
 * round: the ratio of each round in which both ran, then their median and spread.
 *
 * @example
 * ```ts
 * const ratios = microRatios(report.results);
 * ratios.find((r) => r.subject === 'shardflow' && r.peer === 'hand-loop' && r.batchSize === 100)?.median;
 * ```
 */
export function microRatios(results: readonly MicroResult[]): MicroRatio[] {
  const ratios: MicroRatio[] = [];
  const keys = new Set(results.map((r) => `${r.source}:${r.batchSize}`));
  for (const key of keys) {
    const rows = results.filter((r) => `${r.source}:${r.batchSize}` === key);
    for (const [subject, peer] of MICRO_PAIRS) {
      const a = rows.find((r) => r.contender === subject);
      const b = rows.find((r) => r.contender === peer);
      if (a === undefined || b === undefined) continue;
      const pair = (x: readonly (number | null)[], y: readonly (number | null)[]) => {
        const ratios: number[] = [];
        x.forEach((rate, i) => {
          const other = y[i];
          if (rate !== null && other !== null && other !== undefined && other > 0) ratios.push(rate / other);
        });
        return ratios;
      };
      const paired = pair(a.roundsRecordsPerSecond, b.roundsRecordsPerSecond);
      const wallPaired = pair(a.roundsWallRecordsPerSecond ?? [], b.roundsWallRecordsPerSecond ?? []);
      if (paired.length === 0) continue;
      ratios.push({
        source: a.source,
        batchSize: a.batchSize,
        subject,
        peer,
        median: round(median(paired), 3),
        min: round(Math.min(...paired), 3),
        max: round(Math.max(...paired), 3),
        wallMedian: wallPaired.length === 0 ? Number.NaN : round(median(wallPaired), 3),
        rounds: paired.length,
      });
    }
  }
  return ratios;
}

/**
 * Checks each target at each of its batch sizes that was measured.
 *
 * @example
 * ```ts
 * checkTargets(microRatios(results), MICRO_TARGETS).filter((c) => !c.met);
 * ```
 */
export function checkTargets(ratios: readonly MicroRatio[], targets: readonly MicroTarget[]): MicroTargetCheck[] {
  const checks: MicroTargetCheck[] = [];
  for (const target of targets) {
    for (const batchSize of target.batchSizes) {
      const ratio = ratios.find(
        (r) =>
          r.source === target.source &&
          r.batchSize === batchSize &&
          r.subject === target.subject &&
          r.peer === target.peer,
      );
      if (ratio === undefined && !ratios.some((r) => r.source === target.source && r.batchSize === batchSize)) continue;
      checks.push({
        target: target.id,
        description: target.description,
        source: target.source,
        batchSize,
        atLeast: target.atLeast,
        ratio,
        met: ratio !== undefined && ratio.median >= target.atLeast,
      });
    }
  }
  return checks;
}
