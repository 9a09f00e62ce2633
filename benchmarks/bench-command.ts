import { relative } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { SuiteName } from './suite.js';

/** Options of `shardflow bench`. */
export interface BenchCommandOptions {
  /** A short smoke run (what the test suite runs) instead of the full matrix. */
  readonly quick?: boolean;
  /** Local suites to run: `coldstart`, `micro`, `e2e`, `memory` (default all). */
  readonly suites?: readonly string[];
  /** Where run directories go. Default `benchmarks/results`. */
  readonly out?: string;
  /** `local` (the suites), `aws` (cloud mode against AWS) or `emulated` (cloud mode on the emulators). */
  readonly target?: 'local' | 'aws' | 'emulated';
  readonly stage?: string;
  readonly memorySizes?: readonly number[];
  /** Cloud mode: records/s offered to each function. */
  readonly rate?: number;
  /** Cloud mode: seconds of load. */
  readonly duration?: number;
  /** Cloud mode: keep the stage afterwards. */
  readonly keep?: boolean;
  readonly region?: string;
  /** Also write the V8 CPU profiles of shardflow's handler. */
  readonly cpuProfiles?: boolean;
  /** No progress output. */
  readonly quiet?: boolean;
  /** Node flags for the memory sweep's workers, e.g. `['--max-semi-space-size=16']`. */
  readonly nodeFlags?: readonly string[];
  /** Render the summary and charts of an existing run directory again from its results.json (no measuring). */
  readonly render?: string;
  /** Rewrite the generated block of this markdown file (e.g. `docs/benchmarks.md`) with the run's headline. */
  readonly updateDocs?: string;
  /** The command line recorded in the results. */
  readonly commandLine?: string;
}

/** Where `shardflow bench` writes its report lines. */
export interface BenchOutput {
  log(line: string): void;
}

const SUITE_NAMES: readonly string[] = ['coldstart', 'micro', 'e2e', 'memory'] satisfies readonly SuiteName[];
const DEFAULT_MEMORY_SIZES = [128, 256, 512, 1024, 1769, 3008];

function list<T>(parse: (item: string) => T) {
  return (value: string): T[] =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map(parse);
}

function positive(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function suiteName(value: string): string {
  if (!SUITE_NAMES.includes(value)) throw new InvalidArgumentError(`expected one of ${SUITE_NAMES.join(', ')}`);
  return value;
}

/**
 * Runs `shardflow bench`: the local suites (cold start and zip size of a bundled handler vs Powertools,
 * handler overhead vs Powertools and a hand loop, end to end
 * through the local ESM vs a bare GetRecords→invoke loop, memory sweep with Lambda's CPU share), or cloud
 * mode (`--target aws|emulated`): deploy one function per memory size, drive the streams, collect, remove.
 * Writes `results.json`, `summary.md` and SVG charts into a new directory under `--out`.
 *
 * @returns the exit code (0)
 *
 * @example
 * ```ts
 * const code = await runBenchCommand({ quick: true, out: '/tmp/bench' });
 * ```
 */
export async function runBenchCommand(options: BenchCommandOptions, output: BenchOutput = console): Promise<number> {
  const { renderRun, runBench, writeCloudRun } = await import('./suite.js');
  const { createProgress, silentProgress } = await import('./lib/progress.js');
  const { headline } = await import('./report.js');
  const progress = options.quiet ? silentProgress : createProgress(process.stderr);
  const outDir = options.out ?? 'benchmarks/results';
  const command = options.commandLine ?? `shardflow ${process.argv.slice(2).join(' ')}`;
  const target = options.target ?? 'local';
  let written: Awaited<ReturnType<typeof runBench>>;
  if (options.render !== undefined) {
    written = await renderRun(options.render);
  } else if (target === 'local') {
    written = await runBench({
      quick: options.quick ?? false,
      suites: (options.suites ?? SUITE_NAMES) as SuiteName[],
      outDir,
      progress,
      command,
      cpuProfiles: options.cpuProfiles ?? false,
      ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
    });
  } else {
    const { runCloud } = await import('./cloud/run-cloud.js');
    const { awsTarget, emulatedTarget } = await import('./cloud/targets.js');
    const { startEmulators } = await import('../src/local/emulators/index.js');
    const startedAt = new Date();
    const emulators =
      target === 'emulated'
        ? await startEmulators({ streams: {} }, { services: ['kinesis', 'dynamodb'], createResources: false })
        : undefined;
    try {
      const cloud = await runCloud({
        target: emulators ? emulatedTarget(emulators) : awsTarget(options.region ? { region: options.region } : {}),
        stage: options.stage ?? 'bench',
        memorySizes: options.memorySizes ?? (options.quick ? [128, 1769] : DEFAULT_MEMORY_SIZES),
        rate: options.rate ?? (options.quick ? 50 : 100),
        durationSeconds: options.duration ?? (options.quick ? 3 : 60),
        keep: options.keep ?? false,
        progress,
      });
      progress.stop();
      written = await writeCloudRun(cloud, { outDir, command, startedAt });
    } finally {
      await emulators?.stop();
    }
  }
  if (options.updateDocs !== undefined) {
    const { updateDocs } = await import('./publish.js');
    await updateDocs(options.updateDocs, written);
  }
  for (const line of headline(written.run)) output.log(line);
  output.log(`results: ${relative(process.cwd(), written.dir) || written.dir}/summary.md`);
  return 0;
}

/**
 * Adds `shardflow bench` to the CLI.
 *
 * @example
 * ```ts
 * import { Command } from 'commander';
 * const program = new Command('shardflow');
 * registerBench(program);
 * await program.parseAsync(['node', 'shardflow', 'bench', '--quick']);
 * ```
 */
export function registerBench(program: Command, defaults: { readonly commandLine?: () => string } = {}): Command {
  return program
    .command('bench')
    .description('benchmark cold start, the handler, the local ESM and Lambda memory sizes (or a deployed bench stage)')
    .option('--quick', 'a short smoke run instead of the full matrix')
    .option('--suite <names>', `local suites, comma-separated (${SUITE_NAMES.join(', ')})`, list(suiteName))
    .option('--out <dir>', 'parent directory of the run directory', 'benchmarks/results')
    .addOption(
      new Option('--target <target>', 'local suites, or cloud mode on AWS / on the emulators')
        .choices(['local', 'aws', 'emulated'])
        .default('local'),
    )
    .option('--stage <stage>', 'cloud mode: stage to deploy', 'bench')
    .option('--memory-sizes <mb>', 'cloud mode: memory sizes, comma-separated', list(positive))
    .option('--rate <records/s>', 'cloud mode: records/s offered to each function', positive)
    .option('--duration <seconds>', 'cloud mode: seconds of load', positive)
    .option('--keep', 'cloud mode: keep the stage afterwards')
    .option('--region <region>', 'cloud mode: AWS region (default: the SDK default)')
    .option('--cpu-profiles', "also write V8 CPU profiles of shardflow's handler")
    .option('--quiet', 'no progress output')
    .option('--node-flags <flags>', 'memory sweep: Node flags for the workers, comma-separated', list(String))
    .option('--render <run-dir>', 'render the summary and charts of a run again from its results.json')
    .option('--update-docs [file]', "rewrite the generated block of the benchmarks doc with this run's headline")
    .action(async (options) => {
      process.exitCode = await runBenchCommand({
        quick: options.quick,
        suites: options.suite,
        out: options.out,
        target: options.target,
        stage: options.stage,
        memorySizes: options.memorySizes,
        rate: options.rate,
        duration: options.duration,
        keep: options.keep,
        region: options.region,
        cpuProfiles: options.cpuProfiles,
        quiet: options.quiet,
        nodeFlags: options.nodeFlags,
        render: options.render,
        ...(options.updateDocs
          ? { updateDocs: options.updateDocs === true ? 'docs/benchmarks.md' : options.updateDocs }
          : {}),
        ...(defaults.commandLine ? { commandLine: defaults.commandLine() } : {}),
      });
    });
}
