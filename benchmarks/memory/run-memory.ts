import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type CgroupController, detectCgroups, type Throttling } from '../lib/cgroup.js';
import { round } from '../lib/markdown.js';
import { type Architecture, costPerMillionRecords, LAMBDA_PRICING } from '../lib/pricing.js';
import type { Progress } from '../lib/progress.js';
import type { PhaseResult, RunRequest, WorkerMessage } from './worker-protocol.js';

/** Lambda gives a function one full vCPU at this memory size, and memory/1769 of one below it. */
export const FULL_VCPU_MB = 1769;

/** Options of {@link runMemory}. */
export interface MemoryOptions {
  readonly memorySizes: readonly number[];
  /** Records per invocation (1 KB JSON Kinesis records). */
  readonly batchSize: number;
  /** Batches each worker runs before measuring (the function is warm, as under a steady stream). */
  readonly warmupBatches: number;
  /** Unconstrained run, once (the basis of modelled figures). */
  readonly baselineMs: number;
  /** Run inside each Lambda-sized cgroup. */
  readonly limitedMs: number;
  readonly progress: Progress;
  /** Force modelling even where cgroups work (tests). */
  readonly forceModelled?: boolean;
  /** Node flags for the workers (what `NODE_OPTIONS` would set in Lambda), e.g. `--max-semi-space-size=16`. */
  readonly nodeFlags?: readonly string[];
}

/** Per-invocation durations and what they cost. */
export interface DurationFigures {
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Mean of each invocation's duration rounded up to the millisecond (what Lambda bills). */
  readonly billedMeanMs: number;
  readonly recordsPerSecond: number;
  /** USD per million records, x86 and arm64 (arm64 assumes the duration measured here, on x86). */
  readonly costPerMillionRecords: Readonly<Record<Architecture, number>>;
}

/** One Lambda memory size. */
export interface MemoryPoint {
  readonly memoryMB: number;
  /** Share of one vCPU Lambda gives this size (memory/1769). */
  readonly vcpuShare: number;
  /** `'enforced'` figures come from the cgroup run; `'modelled'` ones from CPU time × 1769/memory. */
  readonly basis: 'enforced' | 'modelled';
  /** The figures reported for this size (enforced when possible, else modelled). */
  readonly figures: DurationFigures;
  /** Modelled from the unconstrained phase, for every size (a cross-check of the enforced figures). */
  readonly modelled: DurationFigures;
  readonly batches: number;
  /** CPU time per batch, unconstrained. */
  readonly cpuMsPerBatch: number;
  /** CPU time per batch inside the cgroup (more than unconstrained when a small heap makes V8 collect more often). */
  readonly limitedCpuMsPerBatch?: number;
  /** CFS throttling in the cgroup run: evidence that the quota bit. */
  readonly throttling?: Throttling;
  /** Peak memory of the cgroup (the whole worker process, which ran in it from its start). */
  readonly peakMemoryMB?: number;
  /** Resident set of the worker after warm-up, MB. */
  readonly workerRssMB: number;
  readonly error?: string;
}

/** Everything the memory sweep measured. */
export interface MemoryReport {
  readonly settings: Omit<MemoryOptions, 'progress' | 'forceModelled'>;
  readonly mode: CgroupController['mode'];
  readonly modeDetail: string;
  /** How the worker runs: an esbuild bundle of the handler (like a deployed function) or TypeScript via tsx. */
  readonly workerEntry: WorkerEntry['kind'];
  /** The unconstrained run every modelled figure derives from. */
  readonly baseline: {
    readonly batches: number;
    readonly meanMs: number;
    readonly cpuMsPerBatch: number;
    readonly rssMB: number;
  };
  readonly pricing: typeof LAMBDA_PRICING;
  readonly points: MemoryPoint[];
  /** Cheapest memory size per architecture. */
  readonly costOptimalMB: Readonly<Record<Architecture, number | undefined>>;
  /** Memory size with the shortest mean duration. */
  readonly speedOptimalMB: number | undefined;
  readonly includes: string;
}

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const BUNDLE_DIR = fileURLToPath(new URL('../../node_modules/.cache/shardflow-bench/', import.meta.url));

/** How a worker process is started. */
export interface WorkerEntry {
  readonly kind: 'esbuild-bundle' | 'tsx';
  readonly args: readonly string[];
}

/**
 * Bundles the worker with esbuild into `node_modules/.cache/shardflow-bench/` — one ESM file of the
 * handler and its dependencies, as the deploy packaging ships a function — or, when esbuild is not
 * installed, runs the TypeScript through tsx's loader (more memory: the loader and compiler load too).
 */
async function prepareWorker(): Promise<WorkerEntry> {
  try {
    const esbuild = await import('esbuild');
    const outfile = `${BUNDLE_DIR}memory-worker.mjs`;
    await mkdir(BUNDLE_DIR, { recursive: true });
    await esbuild.build({
      entryPoints: [WORKER],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      // Some dependencies are CommonJS and call require(): give the ESM bundle one.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return { kind: 'esbuild-bundle', args: [outfile] };
  } catch {
    return { kind: 'tsx', args: ['--conditions=shardflow-source', '--import', import.meta.resolve('tsx'), WORKER] };
  }
}

class Worker {
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #waiting: ((message: WorkerMessage) => void) | undefined;
  #failed: ((error: Error) => void) | undefined;

  /** Starts a worker; with `procsFiles`, a shell joins those cgroups first and then becomes the worker (exec). */
  constructor(entry: WorkerEntry, options: MemoryOptions, memoryMB: number, procsFiles: readonly string[] = []) {
    const env = {
      ...process.env,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMB),
      BENCH_BATCH_SIZE: String(options.batchSize),
      BENCH_WARMUP_BATCHES: String(options.warmupBatches),
    };
    const stdio: ['ignore', 'ignore', 'pipe', 'ipc'] = ['ignore', 'ignore', 'pipe', 'ipc'];
    this.#child =
      procsFiles.length === 0
        ? spawn(process.execPath, [...(options.nodeFlags ?? []), ...entry.args], { env, stdio })
        : spawn(
            '/bin/sh',
            [
              '-c',
              `${procsFiles.map((_, i) => `echo $$ > "$${i + 1}"`).join(' && ')} && shift ${procsFiles.length} && exec "$@"`,
              'join-cgroup',
              ...procsFiles,
              process.execPath,
              ...(options.nodeFlags ?? []),
              ...entry.args,
            ],
            { env, stdio },
          );
    let stderr = '';
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    this.#child.on('message', (message: WorkerMessage) => {
      if (message.type === 'error') this.#failed?.(new Error(`worker: ${message.message}`));
      else this.#waiting?.(message);
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on('exit', (code, signal) => {
        const killed = signal === 'SIGKILL' ? ' — killed, e.g. by the out-of-memory killer' : '';
        this.#failed?.(new Error(`worker exited (${signal ?? code})${killed} ${stderr.trim()}`.trim()));
        resolve(code);
      });
    });
  }

  next<T extends WorkerMessage['type']>(type: T, timeoutMs: number): Promise<Extract<WorkerMessage, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      this.#waiting = (message) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        resolve(message as Extract<WorkerMessage, { type: T }>);
      };
      this.#failed = (error) => {
        clearTimeout(timer);
        reject(error);
      };
    });
  }

  async run(phase: RunRequest['phase'], durationMs: number): Promise<PhaseResult> {
    const result = this.next('result', durationMs * 20 + 60_000);
    this.#child.send({ type: 'run', phase, durationMs } satisfies RunRequest);
    return result;
  }

  async stop(): Promise<void> {
    this.#failed = undefined;
    this.#waiting = undefined;
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL');
    await this.#exited;
  }
}

function durationFigures(durationsMs: readonly number[], memoryMB: number, batchSize: number): DurationFigures {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((sum, d) => sum + d, 0) / (sorted.length || 1);
  const billed = sorted.reduce((sum, d) => sum + Math.max(1, Math.ceil(d)), 0) / (sorted.length || 1);
  const cost = (architecture: Architecture) =>
    round(costPerMillionRecords({ memoryMB, billedMs: billed, batchSize, architecture }), 4);
  return {
    meanMs: round(mean, 4),
    p50Ms: round(at(0.5), 4),
    p99Ms: round(at(0.99), 4),
    billedMeanMs: round(billed, 4),
    recordsPerSecond: round(batchSize / (mean / 1000), 4),
    costPerMillionRecords: { x86: cost('x86'), arm64: cost('arm64') },
  };
}

/**
 * Durations Lambda would see at `memoryMB`, modelled from an unconstrained run: each batch stretched by
 * the CPU share (CPU time × 1769/memory, never below the unconstrained wall time).
 *
 * @example
 * ```ts
 * modelDurations([2, 2.2], 1.9, 128); // ≈ [27.5, 30.2]
 * ```
 */
export function modelDurations(baselineMs: readonly number[], cpuMsPerBatch: number, memoryMB: number): number[] {
  const wallPerBatch = baselineMs.reduce((sum, d) => sum + d, 0) / (baselineMs.length || 1);
  const limited = (cpuMsPerBatch * FULL_VCPU_MB) / memoryMB;
  const scale = Math.max(1, limited / (wallPerBatch || 1));
  return baselineMs.map((d) => d * scale);
}

interface Baseline {
  readonly durationsMs: readonly number[];
  readonly cpuMsPerBatch: number;
  readonly rssMB: number;
}

async function measureBaseline(entry: WorkerEntry, options: MemoryOptions): Promise<Baseline> {
  const worker = new Worker(entry, options, FULL_VCPU_MB);
  try {
    const ready = await worker.next('ready', 120_000);
    const result = await worker.run('baseline', options.baselineMs);
    return {
      durationsMs: result.durationsMs,
      cpuMsPerBatch: result.cpuMs / result.batches,
      rssMB: Math.max(ready.rssMB, result.maxRssMB),
    };
  } finally {
    await worker.stop();
  }
}

async function measureSize(
  memoryMB: number,
  options: MemoryOptions,
  entry: WorkerEntry,
  baseline: Baseline,
  cgroups: CgroupController | undefined,
): Promise<MemoryPoint> {
  const modelled = durationFigures(
    modelDurations(baseline.durationsMs, baseline.cpuMsPerBatch, memoryMB),
    memoryMB,
    options.batchSize,
  );
  const base = {
    memoryMB,
    vcpuShare: round(memoryMB / FULL_VCPU_MB, 4),
    modelled,
    cpuMsPerBatch: round(baseline.cpuMsPerBatch, 4),
  };
  if (cgroups === undefined) {
    return {
      ...base,
      basis: 'modelled',
      figures: modelled,
      batches: baseline.durationsMs.length,
      workerRssMB: baseline.rssMB,
    };
  }
  const group = await cgroups.create(`shardflow-bench-${memoryMB}`, { cpuFraction: memoryMB / FULL_VCPU_MB, memoryMB });
  const worker = new Worker(entry, options, memoryMB, group.procsFiles);
  try {
    // Start-up and warm-up run under the quota too: allow for a 128 MB share (7% of a CPU).
    const ready = await worker.next('ready', 600_000);
    const limited = await worker.run('limited', options.limitedMs);
    const peakMemoryMB = await group.peakMemoryMB();
    return {
      ...base,
      basis: 'enforced',
      figures: durationFigures(limited.durationsMs, memoryMB, options.batchSize),
      batches: limited.batches,
      limitedCpuMsPerBatch: round(limited.cpuMs / limited.batches, 4),
      throttling: await group.throttling(),
      ...(peakMemoryMB === undefined ? {} : { peakMemoryMB }),
      workerRssMB: Math.max(ready.rssMB, limited.maxRssMB),
    };
  } finally {
    await worker.stop();
    await group.remove();
  }
}

function cheapest(points: readonly MemoryPoint[], architecture: Architecture): number | undefined {
  const usable = points.filter((p) => p.error === undefined);
  if (usable.length === 0) return undefined;
  return usable.reduce((a, b) =>
    b.figures.costPerMillionRecords[architecture] < a.figures.costPerMillionRecords[architecture] ? b : a,
  ).memoryMB;
}

/**
 * The memory sweep: a worker process runs shardflow's handler on one fixed batch, once unconstrained
 * (the basis of modelled figures), then — when this machine allows (root, writable cgroup v2 or v1) — for
 * each Lambda memory size a fresh worker runs inside a cgroup with Lambda's CPU share (memory/1769 of a
 * CPU, as a CFS quota) and a memory limit of that size, from its first instruction (so Node sizes its
 * heap for that memory, as in Lambda's VM).
 * Reports duration, records/s and cost per million records (x86 and arm64) per size, and the cost- and
 * speed-optimal sizes. Without cgroups every figure is modelled from CPU time and labelled so.
 *
 * @example
 * ```ts
 * const report = await runMemory({ memorySizes: [128, 1769], batchSize: 100, warmupBatches: 100, baselineMs: 500,
 *   limitedMs: 1000, progress: silentProgress });
 * report.costOptimalMB.arm64;
 * ```
 */
export async function runMemory(options: MemoryOptions): Promise<MemoryReport> {
  const detected = await detectCgroups();
  const cgroups = options.forceModelled || detected.mode === 'modelled' ? undefined : detected;
  const mode = cgroups?.mode ?? 'modelled';
  const entry = await prepareWorker();
  const points: MemoryPoint[] = [];
  const task = options.progress.task('memory', options.memorySizes.length + 1);
  const baseline = await measureBaseline(entry, options);
  task.tick('unconstrained baseline');
  for (const memoryMB of options.memorySizes) {
    try {
      points.push(await measureSize(memoryMB, options, entry, baseline, cgroups));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const empty = durationFigures([], memoryMB, options.batchSize);
      points.push({
        memoryMB,
        vcpuShare: round(memoryMB / FULL_VCPU_MB, 4),
        basis: mode === 'modelled' ? 'modelled' : 'enforced',
        figures: empty,
        modelled: empty,
        batches: 0,
        cpuMsPerBatch: 0,
        workerRssMB: 0,
        error: message,
      });
    }
    task.tick(`${memoryMB} MB`);
  }
  task.done();
  const usable = points.filter((p) => p.error === undefined);
  const { progress: _, forceModelled: __, ...settings } = options;
  return {
    settings,
    mode,
    modeDetail: options.forceModelled ? 'modelling forced by the caller' : detected.detail,
    workerEntry: entry.kind,
    baseline: {
      batches: baseline.durationsMs.length,
      meanMs: round(baseline.durationsMs.reduce((sum, d) => sum + d, 0) / (baseline.durationsMs.length || 1), 4),
      cpuMsPerBatch: round(baseline.cpuMsPerBatch, 4),
      rssMB: baseline.rssMB,
    },
    pricing: LAMBDA_PRICING,
    points,
    costOptimalMB: { x86: cheapest(points, 'x86'), arm64: cheapest(points, 'arm64') },
    speedOptimalMB:
      usable.length === 0 ? undefined : usable.reduce((a, b) => (b.figures.meanMs < a.figures.meanMs ? b : a)).memoryMB,
    includes:
      'Duration is the handler call for one batch of 1 KB JSON Kinesis records (decode, route, validate, no-op, report), warm, back to back; it excludes the Lambda runtime (event parsing, invoke). Cost = invocations × (memory GB × billed seconds × GB-s price + request price), with each invocation rounded up to 1 ms. arm64 cost assumes the x86 duration measured here.',
  };
}
