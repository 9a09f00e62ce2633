import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from '../lib/markdown.js';
import type { Progress } from '../lib/progress.js';
import {
  type BundledHandler,
  type BundleVariant,
  type BytesByOrigin,
  bundleHandler,
  bytesByOrigin,
  DEPLOY_EXTERNALS,
  LAMBDA_RUNTIME,
  REPO_ROOT,
  staticOutputs,
} from './bundle-handler.js';
import { ORDER_BYTES } from './handlers/order.js';
import { orderEvent } from './order-event.js';
import type { ProbeResult } from './probe/protocol.js';
import { prepareProbe, runProbe, sdkEvaluated, writeProbeInput } from './probe/run-probe.js';

/** Options of {@link runColdstart}. */
export interface ColdstartOptions {
  /** Rounds of fresh processes; each round starts every contender once (order alternating between rounds). */
  readonly rounds: number;
  /** Records of the first invocation. */
  readonly batchSize: number;
  readonly progress: Progress;
}

/** Ids of the cold-start contenders, in report order. */
export const COLDSTART_IDS = ['powertools', 'shardflow', 'shardflow-sdk-bundled'] as const;
export type ColdstartId = (typeof COLDSTART_IDS)[number];

interface ContenderSpec {
  readonly id: ColdstartId;
  readonly label: string;
  readonly module: string;
  readonly variant: BundleVariant;
}

const CONTENDERS: readonly ContenderSpec[] = [
  {
    id: 'powertools',
    label: 'Powertools BatchProcessor + processPartialResponse, zod safeParse in the record handler',
    module: 'benchmarks/coldstart/handlers/powertools.ts',
    variant: 'deploy',
  },
  {
    id: 'shardflow',
    label: `shardflow createHandler, one processor, SQS quarantine (deploy bundler's options: external ${JSON.stringify(DEPLOY_EXTERNALS)})`,
    module: 'benchmarks/coldstart/handlers/shardflow.ts',
    variant: 'deploy',
  },
  {
    id: 'shardflow-sdk-bundled',
    label: "the same with the config's bundleAwsSdk: true (the AWS SDK bundled, clients in lazy chunks)",
    module: 'benchmarks/coldstart/handlers/shardflow.ts',
    variant: 'sdk-bundled',
  },
];

/** Median and spread of a series of measurements (ms or a ratio). */
export interface Spread {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

/**
 * Median, quartiles (linear interpolation between closest ranks) and range, rounded to 3 significant digits.
 *
 * @example
 * ```ts
 * spread([3, 1, 2, 4]); // { median: 2.5, p25: 1.75, p75: 3.25, min: 1, max: 4 }
 * ```
 */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('spread of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const index = (sorted.length - 1) * q;
    const low = Math.floor(index);
    const high = Math.ceil(index);
    return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
  };
  return {
    median: round(at(0.5)),
    p25: round(at(0.25)),
    p75: round(at(0.75)),
    min: round(sorted[0]!),
    max: round(sorted.at(-1)!),
  };
}

/** What one contender's bundle holds and what importing it evaluates. */
export interface ColdstartBundleReport {
  readonly variant: BundleVariant;
  readonly zipBytes: number;
  readonly zipKiB: number;
  /** JavaScript of all chunks, before compression. */
  readonly codeBytes: number;
  /** JavaScript evaluated at import (the entry and its static chunks). */
  readonly staticCodeBytes: number;
  readonly files: number;
  /** Bytes per package (or repository folder) in the chunks evaluated at import, largest first. */
  readonly staticOrigins: BytesByOrigin;
  /** Bytes per package only in chunks loaded on demand (`import()`), largest first. */
  readonly lazyOrigins: BytesByOrigin;
  /** Every `@aws-sdk/*` package with code in the bundle. */
  readonly sdkInBundle: readonly string[];
  /**
   * `@aws-sdk/*` packages evaluated by the import, and by then the first (all-valid) invocation: from the
   * bundle chunks the module hooks saw loaded, external ES modules they saw, and CommonJS in `require.cache`.
   */
  readonly sdkEvaluated: { readonly atImport: readonly string[]; readonly afterFirstInvoke: readonly string[] };
  /** Bundle chunks and external modules loaded by the import (the traced run). */
  readonly modulesLoadedAtImport: number;
}

/** One contender's figures. */
export interface ColdstartContenderReport {
  readonly id: ColdstartId;
  readonly label: string;
  readonly bundle: ColdstartBundleReport;
  /** Wall-clock time of `await import()`. */
  readonly importMs: Spread;
  /** CPU time of the import (user + system): what the import cost the machine, less sensitive to its load. */
  readonly importCpuMs: Spread;
  readonly firstInvokeMs: Spread;
  readonly firstInvokeCpuMs: Spread;
  /** Every round's figures, in round order. */
  readonly samples: {
    readonly importMs: readonly number[];
    readonly importCpuMs: readonly number[];
    readonly firstInvokeMs: readonly number[];
    readonly firstInvokeCpuMs: readonly number[];
  };
  /** `batchItemFailures` of the first invocation (0 = every record accepted). */
  readonly failures: number;
}

/** A shardflow contender ÷ Powertools, round by round (both started in the same round). */
export interface ColdstartRatio {
  readonly contender: ColdstartId;
  /** Wall-clock import time ÷ Powertools', per round: what the target is about. */
  readonly importRatio: Spread;
  /** CPU time of the import ÷ Powertools', per round. */
  readonly importCpuRatio: Spread;
  readonly firstInvokeRatio: Spread;
  readonly meetsImportTarget: boolean;
  readonly meetsZipTarget: boolean;
  /** No `@aws-sdk/client-*` evaluated by the import or by the first (all-valid) invocation. */
  readonly noClientBeforeNeeded: boolean;
}

/** Everything the cold-start suite measured. */
export interface ColdstartReport {
  readonly settings: {
    readonly rounds: number;
    readonly batchSize: number;
    readonly orderBytes: number;
    readonly lambdaRuntime: string;
    readonly node: string;
  };
  readonly includes: string;
  readonly targets: { readonly importRatio: number; readonly zipKiB: number };
  readonly contenders: readonly ColdstartContenderReport[];
  readonly ratios: readonly ColdstartRatio[];
}

/** The targets: import ≤ 1.5× Powertools' (median of the per-round ratios), zip ≤ 450 KiB. */
export const COLDSTART_TARGETS = { importRatio: 1.5, zipKiB: 450 } as const;

const INCLUDES =
  'Each figure comes from a fresh `node` process (no flags) that times `await import(bundle/index.mjs)` and then the first invocation with a batch of Kinesis records, in wall-clock time and in CPU time (user + system of the process: what the work cost, less sensitive to other load on the machine); processes run one at a time, contenders interleaved round by round (order alternating). Bundles use the esbuild options of the deploy bundler (`src/deploy/bundle-function.ts`: ESM, node24 target, minified, split into chunks, linked source maps); zips are made with its `zipDirectory`. Which modules an import evaluates comes from separate runs with module hooks (not timed).';

async function describeBundle(
  bundle: BundledHandler,
  probeFile: string,
  inputFile: string,
  dir: string,
  id: string,
): Promise<ColdstartBundleReport> {
  const traced = await runProbe({
    probeFile,
    entry: bundle.entry,
    inputFile,
    cwd: dir,
    traceFile: join(dir, `${id}.trace`),
  });
  const loaded = traced.modulesLoaded!;
  const statics = staticOutputs(bundle.metafile);
  const staticOrigins = bytesByOrigin(bundle.metafile, statics);
  const allOrigins = bytesByOrigin(bundle.metafile);
  const bundleDir = resolve(bundle.dir);
  return {
    variant: bundle.variant,
    zipBytes: bundle.zipBytes,
    zipKiB: round(bundle.zipBytes / 1024, 4),
    codeBytes: bundle.codeBytes,
    staticCodeBytes: bundle.staticCodeBytes,
    files: bundle.files.length,
    staticOrigins,
    lazyOrigins: Object.fromEntries(Object.entries(allOrigins).filter(([origin]) => !(origin in staticOrigins))),
    sdkInBundle: Object.keys(allOrigins)
      .filter((origin) => origin.startsWith('@aws-sdk/'))
      .sort(),
    sdkEvaluated: {
      atImport: sdkEvaluated(bundle, loaded.atImport, traced.sdkInRequireCache.atImport),
      afterFirstInvoke: sdkEvaluated(bundle, loaded.afterInvoke, traced.sdkInRequireCache.afterInvoke),
    },
    modulesLoadedAtImport: loaded.atImport.filter(
      (url) => url.startsWith('file:') && (fileURLToPath(url).startsWith(bundleDir) || url.includes('/node_modules/')),
    ).length,
  };
}

/**
 * The cold-start suite: bundles a Powertools batch handler and a one-processor shardflow handler (same zod
 * schema, 840-byte orders) as the deploy bundler would, zips them, records which modules each bundle holds
 * and which `@aws-sdk/*` packages its import evaluates, then times `await import()` and the first
 * invocation in fresh processes, round by round.
 *
 * @example
 * ```ts
 * const report = await runColdstart({ rounds: 15, batchSize: 100, progress: silentProgress });
 * report.ratios[0]?.importRatio.median; // 1.2
 * ```
 */
export async function runColdstart(options: ColdstartOptions): Promise<ColdstartReport> {
  const dir = await mkdtemp(join(tmpdir(), 'shardflow-coldstart-'));
  try {
    // Bundles whose SDK clients are external resolve them from the repository's node_modules, as a
    // function resolves them from the Lambda runtime's.
    await symlink(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const probeFile = await prepareProbe(join(dir, 'probe'));
    const inputFile = join(dir, 'input.json');
    await writeProbeInput(inputFile, orderEvent(options.batchSize));

    const prepare = options.progress.task('coldstart bundles', CONTENDERS.length);
    const bundles = new Map<ColdstartId, BundledHandler>();
    const described = new Map<ColdstartId, ColdstartBundleReport>();
    for (const contender of CONTENDERS) {
      const bundle = await bundleHandler(contender.module, join(dir, contender.id), contender.variant);
      bundles.set(contender.id, bundle);
      described.set(contender.id, await describeBundle(bundle, probeFile, inputFile, dir, contender.id));
      prepare.tick(contender.id);
    }
    prepare.done();

    const samples = new Map<ColdstartId, ProbeResult[]>(CONTENDERS.map((c) => [c.id, []]));
    const task = options.progress.task('coldstart', options.rounds * CONTENDERS.length);
    for (let roundIndex = 0; roundIndex < options.rounds; roundIndex++) {
      const order = roundIndex % 2 === 0 ? CONTENDERS : [...CONTENDERS].reverse();
      for (const contender of order) {
        const entry = bundles.get(contender.id)!.entry;
        samples.get(contender.id)!.push(await runProbe({ probeFile, entry, inputFile, cwd: dir }));
        task.tick(`round ${roundIndex + 1} ${contender.id}`);
      }
    }
    task.done();

    const contenders = CONTENDERS.map((contender): ColdstartContenderReport => {
      const results = samples.get(contender.id)!;
      return {
        id: contender.id,
        label: contender.label,
        bundle: described.get(contender.id)!,
        importMs: spread(results.map((r) => r.importMs)),
        importCpuMs: spread(results.map((r) => r.importCpuMs)),
        firstInvokeMs: spread(results.map((r) => r.invokeMs)),
        firstInvokeCpuMs: spread(results.map((r) => r.invokeCpuMs)),
        samples: {
          importMs: results.map((r) => round(r.importMs, 4)),
          importCpuMs: results.map((r) => round(r.importCpuMs, 4)),
          firstInvokeMs: results.map((r) => round(r.invokeMs, 4)),
          firstInvokeCpuMs: results.map((r) => round(r.invokeCpuMs, 4)),
        },
        failures: Math.max(...results.map((r) => r.failures)),
      };
    });
    const baseline = samples.get('powertools')!;
    const ratios = CONTENDERS.filter((c) => c.id !== 'powertools').map((contender): ColdstartRatio => {
      const results = samples.get(contender.id)!;
      const importRatio = spread(results.map((r, i) => r.importMs / baseline[i]!.importMs));
      const bundle = described.get(contender.id)!;
      const clients = [...bundle.sdkEvaluated.atImport, ...bundle.sdkEvaluated.afterFirstInvoke].filter((name) =>
        name.startsWith('@aws-sdk/client-'),
      );
      return {
        contender: contender.id,
        importRatio,
        importCpuRatio: spread(results.map((r, i) => r.importCpuMs / baseline[i]!.importCpuMs)),
        firstInvokeRatio: spread(results.map((r, i) => r.invokeMs / baseline[i]!.invokeMs)),
        meetsImportTarget: importRatio.median <= COLDSTART_TARGETS.importRatio,
        meetsZipTarget: bundle.zipBytes <= COLDSTART_TARGETS.zipKiB * 1024,
        noClientBeforeNeeded: clients.length === 0,
      };
    });
    return {
      settings: {
        rounds: options.rounds,
        batchSize: options.batchSize,
        orderBytes: ORDER_BYTES,
        lambdaRuntime: LAMBDA_RUNTIME,
        node: process.version,
      },
      includes: INCLUDES,
      targets: COLDSTART_TARGETS,
      contenders,
      ratios,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
