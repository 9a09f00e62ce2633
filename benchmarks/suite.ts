import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CloudReport } from './cloud/run-cloud.js';
import { type ColdstartOptions, type ColdstartReport, runColdstart } from './coldstart/run-coldstart.js';
import { type E2eOptions, type E2eReport, runE2e } from './e2e/run-e2e.js';
import { detectCgroups } from './lib/cgroup.js';
import { describeMachine, type MachineDescription } from './lib/machine.js';
import type { Progress } from './lib/progress.js';
import type { BenchHandlerOptions, MicroSource } from './lib/shardflow-handler.js';
import { type MemoryReport, runMemory } from './memory/run-memory.js';
import { type HandlerProfile, profileShardflow } from './micro/profile.js';
import { type MicroOptions, type MicroReport, runMicro } from './micro/run-micro.js';
import { renderCharts, renderSummary } from './report.js';

/** The local suites. */
export const SUITES = ['coldstart', 'micro', 'e2e', 'memory'] as const;
export type SuiteName = (typeof SUITES)[number];

/** Sizes and durations of a run: the full plan (≈ 12 minutes on 2 cores) or the quick smoke plan. */
export interface BenchPlan {
  readonly coldstart: Omit<ColdstartOptions, 'progress'>;
  readonly micro: Omit<MicroOptions, 'progress'> & {
    /** Profiles of shardflow's handler (source, batch size, variant: logger and whether it reads `ctx.previous`). */
    readonly profiles: readonly (readonly [MicroSource, number, BenchHandlerOptions?])[];
    readonly profileMs: number;
  };
  readonly e2e: Omit<E2eOptions, 'progress'>;
  readonly memory: {
    readonly memorySizes: readonly number[];
    readonly batchSizes: readonly number[];
    /** Records each worker handles before measuring (in batches of the sweep's size). */
    readonly warmupRecords: number;
    readonly baselineMs: number;
    readonly limitedMs: number;
  };
}

/**
 * The plan of a full run (the matrix) or of `--quick`.
 *
 * @example
 * ```ts
 * benchPlan(false).e2e.batchSizes; // [1, 10, 100, 500, 1000]
 * ```
 */
export function benchPlan(quick: boolean): BenchPlan {
  if (quick) {
    return {
      coldstart: { rounds: 3, batchSize: 100 },
      micro: {
        sources: ['kinesis', 'dynamodb'],
        batchSizes: [10, 100],
        sliceMs: 40,
        warmupMs: 40,
        rounds: 2,
        profiles: [['kinesis', 100]],
        profileMs: 300,
      },
      e2e: {
        batchSizes: [100],
        windowsSeconds: [0],
        parallelizations: [1],
        shards: 4,
        drainRecords: 800,
        drainRounds: 2,
        offeredRate: 400,
        loadSeconds: 1.5,
        loadWarmupSeconds: 0.5,
      },
      memory: { memorySizes: [128, 1769], batchSizes: [100], warmupRecords: 2000, baselineMs: 300, limitedMs: 500 },
    };
  }
  return {
    coldstart: { rounds: 30, batchSize: 100 },
    micro: {
      sources: ['kinesis', 'dynamodb'],
      batchSizes: [1, 10, 100, 1000, 10_000],
      sliceMs: 150,
      warmupMs: 300,
      // 9 rather than 5–7: on a shared 2-core machine single rounds swing by ±20 %, and the median of the
      // per-round ratios needs the extra rounds to settle within a few percent.
      rounds: 9,
      profiles: [
        ['kinesis', 100],
        ['dynamodb', 100],
        ['kinesis', 10, { logger: 'info' }],
        ['kinesis', 10_000],
        ['dynamodb', 10_000],
      ],
      profileMs: 3000,
    },
    e2e: {
      batchSizes: [1, 10, 100, 500, 1000],
      windowsSeconds: [0, 1],
      parallelizations: [1, 4],
      shards: 4,
      drainRecords: 12_000,
      drainRounds: 5,
      offeredRate: 1000,
      loadSeconds: 5,
      loadWarmupSeconds: 1.5,
    },
    memory: {
      memorySizes: [128, 256, 512, 1024, 1769, 3008],
      batchSizes: [100, 1000],
      warmupRecords: 30_000,
      baselineMs: 3000,
      limitedMs: 3000,
    },
  };
}

/** One benchmark run, as written to `results.json`. */
export interface BenchRun {
  readonly id: string;
  readonly mode: 'full' | 'quick' | 'cloud';
  /** The command that produced it. */
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly machine: MachineDescription;
  readonly loadAverageAtEnd: readonly number[];
  readonly plan?: BenchPlan;
  readonly coldstart?: ColdstartReport;
  readonly micro?: MicroReport;
  readonly profiles?: readonly Omit<HandlerProfile, 'cpuProfile'>[];
  readonly e2e?: E2eReport;
  readonly memory?: readonly MemoryReport[];
  readonly cloud?: CloudReport;
}

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  readonly quick: boolean;
  readonly suites: readonly SuiteName[];
  /** Parent directory of the run's directory. */
  readonly outDir: string;
  readonly progress: Progress;
  /** The command line to record. */
  readonly command: string;
  /** Also write the V8 CPU profiles of shardflow's handler (`.cpuprofile`). */
  readonly cpuProfiles?: boolean;
  /** A sentence about the machine (e.g. that it is shared). */
  readonly machineNote?: string;
  /** Node flags for the memory sweep's workers (what `NODE_OPTIONS` would set in Lambda). */
  readonly nodeFlags?: readonly string[];
}

/** Where a run's files went. */
export interface WrittenRun {
  readonly run: BenchRun;
  readonly dir: string;
  readonly files: readonly string[];
}

export const DEFAULT_MACHINE_NOTE =
  'A shared 2-core VM: other engineers run test suites and emulators on it at the same time, so absolute figures are noisy; peers run in the same process and run, so ratios hold up better.';

function runId(mode: BenchRun['mode'], at: Date, suites: readonly string[] = SUITES): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  const only = SUITES.every((suite) => suites.includes(suite)) ? '' : `-${suites.join('+')}`;
  return `${stamp}-${mode}${only}`;
}

/**
 * Writes a run's files into `<outDir>/<run id>/`: `results.json` (every figure, the machine and the
 * inputs), `summary.md` (tables, charts linked) and the SVG charts.
 *
 * @example
 * ```ts
 * const { dir, files } = await writeRun(run, 'benchmarks/results');
 * ```
 */
export async function writeRun(
  run: BenchRun,
  outDir: string,
  extra: readonly { name: string; content: string }[] = [],
): Promise<WrittenRun> {
  const dir = resolve(outDir, run.id);
  await mkdir(dir, { recursive: true });
  const charts = renderCharts(run);
  const files: { name: string; content: string }[] = [
    { name: 'results.json', content: `${JSON.stringify(run, null, 2)}\n` },
    {
      name: 'summary.md',
      content: renderSummary(
        run,
        charts.map((c) => c.name),
      ),
    },
    ...charts,
    ...extra,
  ];
  for (const file of files) await writeFile(join(dir, file.name), file.content);
  return { run, dir, files: files.map((file) => join(dir, file.name)) };
}

/**
 * Runs the local suites (cold start, micro, end to end, memory sweep) in this process and its workers, then
 * writes the results. Suites run one after another (never in parallel: they would measure each other); the
 * cold-start suite first, before anything of this run has warmed the machine up.
 *
 * @example
 * ```ts
 * const { dir } = await runBench({ quick: true, suites: ['coldstart', 'micro'], outDir: 'benchmarks/results',
 *   progress: createProgress(), command: 'npm run bench -- --quick' });
 * ```
 */
export async function runBench(options: RunBenchOptions): Promise<WrittenRun> {
  const started = new Date();
  const mode = options.quick ? 'quick' : 'full';
  const plan = benchPlan(options.quick);
  const cgroups = await detectCgroups();
  const machine = describeMachine(cgroups.mode, options.machineNote ?? DEFAULT_MACHINE_NOTE);
  const wants = (suite: SuiteName) => options.suites.includes(suite);
  const extra: { name: string; content: string }[] = [];

  const coldstart = wants('coldstart')
    ? await runColdstart({ ...plan.coldstart, progress: options.progress })
    : undefined;
  let micro: MicroReport | undefined;
  let profiles: Omit<HandlerProfile, 'cpuProfile'>[] | undefined;
  if (wants('micro')) {
    micro = await runMicro({ ...plan.micro, progress: options.progress });
    profiles = [];
    const task = options.progress.task('profile', plan.micro.profiles.length);
    for (const [source, batchSize, variant] of plan.micro.profiles) {
      const { cpuProfile, ...profile } = await profileShardflow(source, batchSize, plan.micro.profileMs, variant);
      profiles.push(profile);
      const suffix = variant?.logger === 'info' ? '-info' : variant?.readsPrevious ? '-previous' : '';
      if (options.cpuProfiles) {
        extra.push({
          name: `profile-${source}-${batchSize}${suffix}.cpuprofile`,
          content: JSON.stringify(cpuProfile),
        });
      }
      task.tick(`${source} batch ${batchSize}${suffix}`);
    }
    task.done();
  }
  const e2e = wants('e2e') ? await runE2e({ ...plan.e2e, progress: options.progress }) : undefined;
  let memory: MemoryReport[] | undefined;
  if (wants('memory')) {
    memory = [];
    for (const batchSize of plan.memory.batchSizes) {
      const { warmupRecords, batchSizes: _, ...memoryPlan } = plan.memory;
      memory.push(
        await runMemory({
          ...memoryPlan,
          batchSize,
          warmupBatches: Math.max(10, Math.ceil(warmupRecords / batchSize)),
          ...(options.nodeFlags && options.nodeFlags.length > 0 ? { nodeFlags: options.nodeFlags } : {}),
          progress: options.progress,
        }),
      );
    }
  }
  options.progress.stop();
  const finished = new Date();
  const run: BenchRun = {
    id: runId(mode, started, options.suites),
    mode,
    command: options.command,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: Math.round((finished.getTime() - started.getTime()) / 1000),
    machine,
    loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    plan,
    ...(coldstart ? { coldstart } : {}),
    ...(micro ? { micro } : {}),
    ...(profiles ? { profiles } : {}),
    ...(e2e ? { e2e } : {}),
    ...(memory ? { memory } : {}),
  };
  return writeRun(run, options.outDir, extra);
}

/**
 * Wraps a cloud report as a run and writes it like the local ones.
 *
 * @example
 * ```ts
 * await writeCloudRun(report, { outDir: 'benchmarks/results', command: 'shardflow bench --target aws', startedAt });
 * ```
 */
export async function writeCloudRun(
  cloud: CloudReport,
  options: {
    readonly outDir: string;
    readonly command: string;
    readonly startedAt: Date;
    readonly machineNote?: string;
  },
): Promise<WrittenRun> {
  const finished = new Date();
  const run: BenchRun = {
    id: runId('cloud', options.startedAt),
    mode: 'cloud',
    command: options.command,
    startedAt: options.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    durationSeconds: Math.round((finished.getTime() - options.startedAt.getTime()) / 1000),
    machine: describeMachine((await detectCgroups()).mode, options.machineNote ?? DEFAULT_MACHINE_NOTE),
    loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100),
    cloud,
  };
  return writeRun(run, options.outDir);
}

/**
 * Renders a run's summary and charts again from its `results.json` (after a change to the report's
 * layout); the figures are the run's, untouched.
 *
 * @example
 * ```ts
 * await renderRun('benchmarks/results/2026-11-22T09-10-11Z-full');
 * ```
 */
export async function renderRun(dir: string): Promise<WrittenRun> {
  const run = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8')) as BenchRun;
  return writeRun(run, dirname(resolve(dir)));
}
