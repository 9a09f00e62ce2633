import { DeleteStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createResources, type RunningEmulators, startEmulators } from '../../src/local/emulators/index.js';
import { DEFAULT_POLLING } from '../../src/local/esm/event-source-mapping.js';
import { startLocal } from '../../src/local/esm/local-runner.js';
import { KinesisSource } from '../../src/local/esm/sources/index.js';
import { defineConfig } from '../../src/runtime/config/define-config.js';
import type { ShardflowConfig } from '../../src/runtime/config/types.js';
import { createHandler } from '../../src/runtime/handler.js';
import { createLogger } from '../../src/runtime/observability/logger.js';
import { type Spread, spread } from '../coldstart/run-coldstart.js';
import type { LatencySummary } from '../lib/latency-histogram.js';
import { round } from '../lib/markdown.js';
import type { Progress } from '../lib/progress.js';
import { type CompletionPhase, CompletionSink } from './completion-sink.js';
import { startEsmPathLoop } from './esm-path-loop.js';
import { startLeanLoop } from './lean-loop.js';
import { preload, produceAtRate, shardKeys } from './producer.js';

/** The targets of the end-to-end suite (issue 14, target 4). */
export const E2E_TARGETS = Object.freeze({
  /** Local ESM drain records/s ÷ the lean loop's, paired by round (median), at window 0. */
  vsCeiling: 0.9,
  /** p99 put→processed latency at the offered rate, after the first poll (window 0). */
  p99Ms: 250,
});

/** Options of {@link runE2e}. */
export interface E2eOptions {
  readonly batchSizes: readonly number[];
  readonly windowsSeconds: readonly number[];
  readonly parallelizations: readonly number[];
  readonly shards: number;
  /** Backlog drained to measure throughput. */
  readonly drainRecords: number;
  /**
   * Drains per configuration (fresh stream each), interleaved across configurations (the order rotates
   * from round to round); medians and spreads over them, ratios paired by round.
   */
  readonly drainRounds: number;
  /** Offered load (records/s, all shards together) for the latency measurement, and for how long. */
  readonly offeredRate: number;
  readonly loadSeconds: number;
  /**
   * Records put in the first seconds of the load are left out of `latencyMs` (kept in
   * `latencyWithOnsetMs`): the poller is still in its idle cadence (one read per second) when load begins.
   */
  readonly loadWarmupSeconds: number;
  readonly progress: Progress;
}

/** The drain of a backlog: throughput. */
export interface DrainFigures {
  readonly records: number;
  /** From the start of the poller to the last record's completion. */
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly invocations: number;
  readonly duplicates: number;
}

/** A fixed offered rate: put→processed latency. */
export interface LoadFigures {
  readonly offeredRate: number;
  readonly achievedRate: number;
  readonly records: number;
  readonly invocations: number;
  readonly duplicates: number;
  /** Steady state: records put after the load's warm-up seconds. */
  readonly latencyMs: LatencySummary;
  /** Every record of the load, including the onset (first reads at the idle cadence). */
  readonly latencyWithOnsetMs: LatencySummary;
  /** {@link E2E_TARGETS}`.p99Ms`; only at window 0 (a window delays partial batches by design). */
  readonly p99TargetMs?: number;
  readonly meetsLatencyTarget?: boolean;
}

/**
 * Who polls: `lean-loop` is the ceiling (SDK GetRecords, handler called directly); `esm-path-loop` a second
 * reference (the same loop through the local ESM's own `StreamSource` and `invokeFunction`, copy across the JSON boundary
 * included); `local-esm` the local event source mapping.
 */
export type E2ePoller = 'lean-loop' | 'esm-path-loop' | 'local-esm';

function describe(setup: Setup): string {
  return setup.kind === 'local-esm'
    ? `local ESM, batch ${setup.batchSize}, window ${setup.windowSeconds} s, PF ${setup.parallelization}`
    : `${setup.kind === 'lean-loop' ? 'lean loop' : 'ESM-path loop'}, batch ${setup.batchSize}`;
}

/** One configuration of the local ESM, or a reference loop at one batch size. */
export interface E2eMeasurement {
  readonly kind: E2ePoller;
  readonly batchSize: number;
  /** `null` for the loops (no batching window). */
  readonly windowSeconds: number | null;
  /** `null` for the loops (one batch per shard at a time). */
  readonly parallelization: number | null;
  /** The round whose drain records/s is the median (the lower middle one for an even count). */
  readonly drain?: DrainFigures;
  /** Drain records/s over the rounds: median and spread. */
  readonly drainRecordsPerSecond?: Spread;
  /** Drain records/s of every round, in round order (the noise of the machine). */
  readonly drainRoundsRecordsPerSecond?: readonly number[];
  readonly load?: LoadFigures;
  /** Local ESM (or ESM-path loop) drain records/s ÷ the lean loop's in the same round: median and spread. */
  readonly ratioToCeiling?: Spread;
  /** The per-round ratios, in round order. */
  readonly roundRatiosToCeiling?: readonly number[];
  /** Local ESM at window 0 only: with a window, partial batches (e.g. per PF lane) wait for it by design. */
  readonly meetsCeilingTarget?: boolean;
  /** Set when the configuration did not finish (e.g. a timeout); the figures of the failed round are absent. */
  readonly error?: string;
}

/** Everything the end-to-end suite measured. */
export interface E2eReport {
  readonly settings: Omit<E2eOptions, 'progress'> & { readonly polling: { idleMs: number; activeMs: number } };
  readonly targets: typeof E2E_TARGETS;
  readonly results: E2eMeasurement[];
  readonly includes: string;
}

const silent = createLogger({ level: 'silent' });
/** Distinct partition keys per shard (ordering groups; PF lanes hash them). */
const KEYS_PER_SHARD = 25;

function benchConfig(
  sink: CompletionSink,
  stream: string,
  options: { shards: number; batchSize: number; windowSeconds: number; parallelization: number },
): ShardflowConfig {
  return defineConfig({
    service: 'bench',
    processors: [sink.processor],
    streams: {
      bench: {
        source: { type: 'kinesis', stream, shards: options.shards },
        startingPosition: 'TRIM_HORIZON',
        batchSize: options.batchSize,
        batchWindowSeconds: options.windowSeconds,
        parallelizationFactor: options.parallelization,
        routes: [{ processor: 'completion-sink' }],
      },
    },
  });
}

function drainFigures(phase: CompletionPhase, startedMs: number, invocations: number): DrainFigures {
  const seconds = (phase.lastMs - startedMs) / 1000;
  return {
    records: phase.unique,
    seconds: round(seconds, 4),
    recordsPerSecond: round(phase.unique / seconds, 4),
    invocations,
    duplicates: phase.duplicates,
  };
}

function loadFigures(
  phase: CompletionPhase,
  offeredRate: number,
  achievedRate: number,
  invocations: number,
  withTarget: boolean,
): LoadFigures {
  const latencyMs = phase.latency.summary();
  return {
    offeredRate,
    achievedRate: round(achievedRate, 4),
    records: phase.unique,
    invocations,
    duplicates: phase.duplicates,
    latencyMs,
    latencyWithOnsetMs: phase.latencyWithOnset.summary(),
    ...(withTarget ? { p99TargetMs: E2E_TARGETS.p99Ms, meetsLatencyTarget: latencyMs.p99 <= E2E_TARGETS.p99Ms } : {}),
  };
}

interface Setup {
  readonly kind: E2ePoller;
  readonly stream: string;
  readonly batchSize: number;
  readonly windowSeconds: number;
  readonly parallelization: number;
}

interface Poller {
  invocations(): number;
  stop(): Promise<void>;
}

/** Starts one poller on the stream of `config` (timed from before this call). */
async function startPoller(
  emulators: RunningEmulators,
  client: KinesisClient,
  config: ShardflowConfig,
  setup: Setup,
  streamArn: string,
): Promise<Poller> {
  const polling = DEFAULT_POLLING.kinesis;
  const functionName = 'bench-bench';
  if (setup.kind === 'local-esm') {
    const run = await startLocal({ config, emulators, logger: silent, handlerOptions: () => ({ metrics: false }) });
    const mapping = run.mappings.get('bench')!;
    return { invocations: () => mapping.status().invocations, stop: () => run.stop() };
  }
  const handler = createHandler(config, 'bench', { logger: silent, metrics: false });
  if (setup.kind === 'lean-loop') {
    return startLeanLoop({
      client,
      streamName: setup.stream,
      streamArn,
      region: emulators.region,
      handler,
      functionName,
      batchSize: setup.batchSize,
      polling,
    });
  }
  return startEsmPathLoop({
    source: new KinesisSource({ client, streamArn, region: emulators.region }),
    fn: {
      name: functionName,
      arn: `arn:aws:lambda:${emulators.region}:000000000000:function:${functionName}`,
      timeoutMs: 60_000,
      memoryMB: 1024,
      handler,
    },
    batchSize: setup.batchSize,
    polling,
  });
}

/**
 * Measures one poller on a fresh stream of `shards` shards: preload a backlog and time its drain, then
 * (`withLoad`) offer load at a fixed rate and record put→processed latency; finally delete the stream.
 */
async function measure(
  emulators: RunningEmulators,
  client: KinesisClient,
  options: E2eOptions,
  setup: Setup,
  withLoad: boolean,
): Promise<{ drain: DrainFigures; load: LoadFigures | undefined }> {
  const sink = new CompletionSink();
  const config = benchConfig(sink, setup.stream, { shards: options.shards, ...setup });
  const created = await createResources(config, emulators.clients);
  const streamArn = created.streams.bench!.streamArn;
  const timeoutMs = 180_000;
  let poller: Poller | undefined;
  try {
    const keys = await shardKeys(client, setup.stream, KEYS_PER_SHARD);
    const drain = sink.begin();
    await preload(client, setup.stream, keys, options.drainRecords);
    const started = Date.now();
    poller = await startPoller(emulators, client, config, setup, streamArn);
    await drain.waitFor(options.drainRecords, timeoutMs);
    const drainInvocations = poller.invocations();
    const drainFigs = drainFigures(drain, started, drainInvocations);
    if (!withLoad) return { drain: drainFigs, load: undefined };

    const load = sink.begin();
    load.steadyFromMs = Date.now() + options.loadWarmupSeconds * 1000;
    const offered = await produceAtRate(client, setup.stream, keys, {
      ratePerSecond: options.offeredRate,
      durationMs: options.loadSeconds * 1000,
      firstIndex: options.drainRecords,
    });
    await load.waitFor(offered.records, timeoutMs);
    return {
      drain: drainFigs,
      load: loadFigures(
        load,
        options.offeredRate,
        offered.achievedRate,
        poller.invocations() - drainInvocations,
        setup.windowSeconds === 0,
      ),
    };
  } finally {
    await poller?.stop();
    await client.send(new DeleteStreamCommand({ StreamName: setup.stream })).catch(() => {});
  }
}

/** The round whose records/s is the median (the lower middle one for an even count). */
function medianRound(rounds: readonly (DrainFigures | undefined)[]): DrainFigures | undefined {
  const done = rounds.filter((d): d is DrainFigures => d !== undefined);
  if (done.length === 0) return undefined;
  const sorted = [...done].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * The end-to-end suite on kinesalite (in this process): for each batch size, the lean GetRecords loop (the
 * ceiling: SDK direct, handler called on the event object), the ESM-path loop (a second reference: the
 * same loop through the local ESM's `StreamSource` and `invokeFunction`), then the local ESM for every
 * batching window × parallelization factor, each on a fresh stream of `shards` shards. A backlog of
 * `drainRecords` gives throughput; a fixed offered rate for `loadSeconds` gives put→processed latency
 * (HDR histogram, last round). Drains repeat `drainRounds` times, interleaved across configurations with
 * the order rotating each round, after one unrecorded warm-up drain of each configuration (JIT, caches);
 * each reports the median and spread of its rounds, and its ratio to the lean loop of the same round.
 * Every poller runs the same shardflow handler with a no-op sink and the ESM's Kinesis polling cadence.
 *
 * @example
 * ```ts
 * const report = await runE2e({ batchSizes: [100], windowsSeconds: [0], parallelizations: [1], shards: 4,
 *   drainRecords: 2000, drainRounds: 5, offeredRate: 500, loadSeconds: 2, loadWarmupSeconds: 0.5, progress: silentProgress });
 * ```
 */
export async function runE2e(options: E2eOptions): Promise<E2eReport> {
  const emulators = await startEmulators(
    { streams: {} },
    { services: ['kinesis'], createResources: false, handleSignals: false },
  );
  const client = emulators.clients.kinesis!;
  const results: E2eMeasurement[] = [];
  const perBatch = 2 + options.windowsSeconds.length * options.parallelizations.length;
  const task = options.progress.task('e2e', options.batchSizes.length * perBatch);
  let counter = 0;
  const run = (setup: Setup, withLoad: boolean) =>
    measure(emulators, client, options, { ...setup, stream: `bench-e2e-${process.pid}-${counter++}` }, withLoad);
  try {
    for (const [b, batchSize] of options.batchSizes.entries()) {
      const setups: Setup[] = [
        { kind: 'lean-loop', stream: '', batchSize, windowSeconds: 0, parallelization: 1 },
        { kind: 'esm-path-loop', stream: '', batchSize, windowSeconds: 0, parallelization: 1 },
        ...options.windowsSeconds.flatMap((windowSeconds) =>
          options.parallelizations.map((parallelization) => ({
            kind: 'local-esm' as const,
            stream: '',
            batchSize,
            windowSeconds,
            parallelization,
          })),
        ),
      ];
      const errors: (string | undefined)[] = setups.map(() => undefined);
      if (b === 0) {
        for (const [i, setup] of setups.entries()) {
          await run(setup, false).catch((error: unknown) => {
            errors[i] = `warm-up: ${error instanceof Error ? error.message : String(error)}`;
          });
        }
      }
      // Rounds interleave the configurations, starting one further each round, so that load from other work
      // on the machine (and what runs first) hits them alike. The last round also measures latency.
      const drains = setups.map((): (DrainFigures | undefined)[] => []);
      const loads: (LoadFigures | undefined)[] = setups.map(() => undefined);
      for (let round = 0; round < options.drainRounds; round++) {
        const last = round === options.drainRounds - 1;
        for (let k = 0; k < setups.length; k++) {
          const i = (round + k) % setups.length;
          const setup = setups[i]!;
          if (errors[i] !== undefined) continue;
          try {
            const figures = await run(setup, last);
            drains[i]![round] = figures.drain;
            loads[i] = figures.load;
          } catch (error) {
            errors[i] = error instanceof Error ? error.message : String(error);
          }
          if (last) task.tick(describe(setup));
        }
      }
      const ceiling = drains[0]!;
      for (const [i, setup] of setups.entries()) {
        const isLoop = setup.kind !== 'local-esm';
        const rates = drains[i]!.flatMap((d) => (d === undefined ? [] : [d.recordsPerSecond]));
        const ratios =
          i === 0
            ? []
            : drains[i]!.flatMap((d, r) => {
                const lean = ceiling[r];
                return d === undefined || lean === undefined
                  ? []
                  : [round(d.recordsPerSecond / lean.recordsPerSecond, 3)];
              });
        const drain = medianRound(drains[i]!);
        const load = loads[i];
        const ratio = ratios.length > 0 ? spread(ratios) : undefined;
        results.push({
          kind: setup.kind,
          batchSize,
          windowSeconds: isLoop ? null : setup.windowSeconds,
          parallelization: isLoop ? null : setup.parallelization,
          ...(drain === undefined
            ? {}
            : { drain, drainRecordsPerSecond: spread(rates), drainRoundsRecordsPerSecond: rates }),
          ...(load === undefined ? {} : { load }),
          ...(ratio === undefined ? {} : { ratioToCeiling: ratio, roundRatiosToCeiling: ratios }),
          // The target compares like with like: with a window, partial batches wait for it by design.
          ...(ratio !== undefined && setup.kind === 'local-esm' && setup.windowSeconds === 0
            ? { meetsCeilingTarget: ratio.median >= E2E_TARGETS.vsCeiling }
            : {}),
          ...(errors[i] === undefined ? {} : { error: errors[i] }),
        });
      }
    }
  } finally {
    task.done();
    await emulators.stop();
  }
  const { progress: _, ...settings } = options;
  return {
    settings: {
      ...settings,
      polling: { idleMs: DEFAULT_POLLING.kinesis.idleMs, activeMs: DEFAULT_POLLING.kinesis.activeMs },
    },
    targets: E2E_TARGETS,
    results,
    includes:
      "Everything in one Node process: kinesalite (HTTP on loopback, JSON), the producer (PutRecords, 500 per call), the poller and the shardflow handler with a no-op processor. Pollers: the lean loop (the ceiling: per shard, GetRecords through the SDK, Lambda records built from the response, the handler called on each batch-size slice of that very object, no JSON round trip, no checkpoints or retries), the ESM-path loop (a second reference: the same loop through the local ESM's StreamSource and invokeFunction, so with its copy of the event across the JSON boundary) and the local ESM (checkpoints in memory). Latency is the processor clock at completion minus the producer clock before the PutRecords call; the reported percentiles leave out records put during the first seconds of the load (the poller still reading once a second after the idle drain), which are kept in latencyWithOnsetMs. Throughput counts from the start of the poller to the last completion of a preloaded backlog.",
  };
}
