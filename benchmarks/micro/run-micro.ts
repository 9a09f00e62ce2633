import { Bench } from 'tinybench';
import { dynamodbBenchEvent, kinesisBenchEvent, PAYLOAD_BYTES } from '../lib/fixtures.js';
import { round } from '../lib/markdown.js';
import type { Progress } from '../lib/progress.js';
import { type ContenderId, createContenders, type MicroSource } from './contenders.js';

/** DESIGN §6 targets of the handler-overhead suite. */
export const MICRO_TARGETS = Object.freeze({
  /** shardflow records/s ÷ Powertools-with-parser records/s. */
  vsPowertools: 1.5,
  /** shardflow records/s ÷ hand-written loop records/s. */
  vsHandLoop: 0.8,
});

/** Options of {@link runMicro}. */
export interface MicroOptions {
  readonly sources: readonly MicroSource[];
  readonly batchSizes: readonly number[];
  /** tinybench time budget per task and round (ms); slow tasks still run a minimum number of iterations. */
  readonly timeMs: number;
  readonly warmupMs: number;
  /** Rounds per batch size, contender order rotated each round; the best round's median is kept. */
  readonly rounds: number;
  readonly progress: Progress;
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
  /** Median ms per batch of the best round. */
  readonly medianMsPerBatch: number;
  readonly meanMsPerBatch: number;
  /** tinybench's relative margin of error (%) of the best round. */
  readonly rmePercent: number;
  readonly recordsPerSecond: number;
  readonly microsPerRecord: number;
  /** records/s of each round (median-based), to show the noise. */
  readonly roundsRecordsPerSecond: readonly number[];
}

/** shardflow's records/s divided by each peer's, at one batch size. */
export interface MicroRatio {
  readonly source: MicroSource;
  readonly batchSize: number;
  readonly shardflowRecordsPerSecond: number;
  readonly vsPowertoolsParser: number | undefined;
  readonly vsPowertoolsSchema: number | undefined;
  readonly vsPowertoolsPlain: number | undefined;
  readonly vsHandLoop: number | undefined;
  readonly meetsPowertoolsTarget: boolean;
  readonly meetsHandLoopTarget: boolean;
}

/** Everything the micro suite measured. */
export interface MicroReport {
  readonly settings: {
    readonly sources: readonly MicroSource[];
    readonly batchSizes: readonly number[];
    readonly timeMs: number;
    readonly warmupMs: number;
    readonly rounds: number;
    readonly payloadBytes: number;
    readonly harness: string;
  };
  readonly targets: typeof MICRO_TARGETS;
  readonly results: MicroResult[];
  readonly ratios: MicroRatio[];
  readonly includes: string;
}

function eventFor(source: MicroSource, batchSize: number): unknown {
  return source === 'kinesis' ? kinesisBenchEvent(batchSize) : dynamodbBenchEvent(batchSize);
}

function failuresIn(response: unknown): number {
  const failures = (response as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
  return Array.isArray(failures) ? failures.length : 0;
}

/**
 * A contender slower than this per record (on its second batch) runs in the first round only: it is tens of
 * times slower than shardflow, so rounds would add minutes and no information.
 */
const SLOW_MICROS_PER_RECORD = 100;

/** At least a few timed batches even when one batch takes seconds (Powertools' parser at 10 000 records). */
function minIterations(batchSize: number): number {
  return Math.max(2, Math.min(64, Math.ceil(1000 / batchSize)));
}

/**
 * The handler-overhead suite: for each source and batch size, every contender (shardflow, Powertools
 * with its parser two ways, Powertools without a parser, the hand-written loop) handles the same event
 * in the same process and run, under tinybench with warm-up. Each contender is first checked on the
 * event (an all-valid batch must report no failures). Reports median-based records/s and µs/record and
 * shardflow's ratios to each peer.
 *
 * @example
 * ```ts
 * const report = await runMicro({ sources: ['kinesis'], batchSizes: [100], timeMs: 500, warmupMs: 200,
 *   rounds: 1, progress: silentProgress });
 * report.ratios[0]?.vsHandLoop;
 * ```
 */
export async function runMicro(options: MicroOptions): Promise<MicroReport> {
  const results: MicroResult[] = [];
  const task = options.progress.task('micro', options.sources.length * options.batchSizes.length);
  for (const source of options.sources) {
    const contenders = createContenders(source);
    for (const batchSize of options.batchSizes) {
      const event = eventFor(source, batchSize);
      const failures = new Map<ContenderId, number>();
      const slow = new Set<ContenderId>();
      for (const contender of contenders) {
        failures.set(contender.id, failuresIn(await contender.run(event)));
        const started = performance.now();
        await contender.run(event);
        if ((performance.now() - started) * 1000 > SLOW_MICROS_PER_RECORD * batchSize) slow.add(contender.id);
      }
      const rounds = new Map<ContenderId, { medianMs: number; meanMs: number; rme: number; samples: number }[]>();
      for (let round = 0; round < options.rounds; round++) {
        const iterations = minIterations(batchSize);
        const bench = new Bench({
          name: `${source} batch ${batchSize}`,
          time: options.timeMs,
          iterations,
          warmupTime: options.warmupMs,
          warmupIterations: Math.max(1, Math.ceil(iterations / 2)),
          throws: true,
        });
        // Contenders that take seconds per batch (tens of times slower than shardflow) run one round only.
        const order = contenders
          .map((_, i) => contenders[(i + round) % contenders.length]!)
          .filter((contender) => round === 0 || !slow.has(contender.id));
        for (const contender of order) bench.add(contender.id, () => contender.run(event), { async: true });
        await bench.run();
        for (const t of bench.tasks) {
          const result = t.result;
          if (!('latency' in result)) throw new Error(`micro ${source}/${batchSize}/${t.name}: ${result.state}`);
          const list = rounds.get(t.name as ContenderId) ?? [];
          list.push({
            medianMs: result.latency.p50,
            meanMs: result.latency.mean,
            rme: result.latency.rme,
            samples: result.latency.samplesCount,
          });
          rounds.set(t.name as ContenderId, list);
        }
      }
      for (const contender of contenders) {
        const list = rounds.get(contender.id)!;
        const best = list.reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
        const failuresReported = failures.get(contender.id) ?? 0;
        results.push({
          source,
          batchSize,
          contender: contender.id,
          label: contender.label,
          correct: failuresReported === 0,
          failuresReported,
          samples: list.reduce((sum, r) => sum + r.samples, 0),
          medianMsPerBatch: round(best.medianMs, 4),
          meanMsPerBatch: round(best.meanMs, 4),
          rmePercent: round(best.rme, 2),
          recordsPerSecond: round(batchSize / (best.medianMs / 1000), 4),
          microsPerRecord: round((best.medianMs * 1000) / batchSize, 4),
          roundsRecordsPerSecond: list.map((r) => round(batchSize / (r.medianMs / 1000), 4)),
        });
      }
      task.tick(`${source} batch ${batchSize}`);
    }
  }
  task.done();
  return {
    settings: {
      sources: options.sources,
      batchSizes: options.batchSizes,
      timeMs: options.timeMs,
      warmupMs: options.warmupMs,
      rounds: options.rounds,
      payloadBytes: PAYLOAD_BYTES,
      harness: 'tinybench (warm-up, median of per-batch latency, best of rounds)',
    },
    targets: MICRO_TARGETS,
    results,
    ratios: microRatios(results),
    includes:
      'One in-process call per batch on a pre-built event object: decode (base64 + JSON.parse, or unmarshall) + route + zod validation + an awaited no-op + the partial batch response. Excludes the Lambda runtime (event JSON parsing, invoke) and I/O.',
  };
}

/**
 * shardflow's records/s over each peer's, per source and batch size.
 *
 * @example
 * ```ts
 * const ratios = microRatios(report.results);
 * ```
 */
export function microRatios(results: readonly MicroResult[]): MicroRatio[] {
  const ratios: MicroRatio[] = [];
  const keys = new Set(results.map((r) => `${r.source}:${r.batchSize}`));
  for (const key of keys) {
    const rows = results.filter((r) => `${r.source}:${r.batchSize}` === key);
    const rate = (id: ContenderId) => rows.find((r) => r.contender === id)?.recordsPerSecond;
    const shardflow = rate('shardflow');
    if (shardflow === undefined) continue;
    const over = (id: ContenderId) => {
      const peer = rate(id);
      return peer === undefined ? undefined : round(shardflow / peer, 3);
    };
    const vsPowertoolsParser = over('powertools-parser');
    const vsHandLoop = over('hand-loop');
    ratios.push({
      source: rows[0]!.source,
      batchSize: rows[0]!.batchSize,
      shardflowRecordsPerSecond: shardflow,
      vsPowertoolsParser,
      vsPowertoolsSchema: over('powertools-schema'),
      vsPowertoolsPlain: over('powertools-plain'),
      vsHandLoop,
      meetsPowertoolsTarget: (vsPowertoolsParser ?? 0) >= MICRO_TARGETS.vsPowertools,
      meetsHandLoopTarget: (vsHandLoop ?? 0) >= MICRO_TARGETS.vsHandLoop,
    });
  }
  return ratios;
}
