import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFunction } from './bundle-function.js';
import type { DeployPlan } from './deploy-plan.js';
import { zipDirectory } from './zip-directory.js';

/** What {@link packageFunctions} builds. */
export interface PackageFunctionsOptions {
  readonly plan: DeployPlan;
  /** Absolute path of the config file. */
  readonly configFile: string;
  /** The service directory: bare imports resolve from here. */
  readonly serviceDir: string;
  /** Directory that receives one `<stream>.zip` per function. */
  readonly outDir: string;
  /** Package only these streams (`deploy function -f`, `invoke local -f`). Default: every stream of the plan. */
  readonly streams?: readonly string[] | undefined;
  /** Also keep each unzipped bundle in `<outDir>/<stream>/` (what `invoke local` runs). */
  readonly keepBundles?: boolean;
}

/** One function's deployment artifact. */
export interface PackagedFunction {
  readonly stream: string;
  readonly functionName: string;
  /** Absolute path of the zip. */
  readonly artifact: string;
  readonly zipBytes: number;
  /** JavaScript in the zip (source maps excluded), before compression. */
  readonly codeBytes: number;
  /** Everything in the zip, before compression. */
  readonly unzippedBytes: number;
  readonly files: number;
}

/**
 * Bundles and zips every stream's function of a plan (see `bundleFunction`, `zipDirectory`) for its runtime,
 * in parallel, in a temporary directory that is removed afterwards.
 *
 * @throws {BundleError} when a function does not bundle
 *
 * @example
 * ```ts
 * const artifacts = await packageFunctions({ plan, configFile, serviceDir: process.cwd(), outDir: '.serverless' });
 * artifacts[0]?.zipBytes; // 412345
 * ```
 */
export async function packageFunctions(options: PackageFunctionsOptions): Promise<PackagedFunction[]> {
  await mkdir(options.outDir, { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), 'shardflow-bundle-'));
  try {
    const streams = options.plan.streams.filter(
      (stream) => options.streams === undefined || options.streams.includes(stream.name),
    );
    return await Promise.all(
      streams.map(async (stream) => {
        const bundleDir = join(workDir, stream.name);
        const bundle = await bundleFunction({
          configFile: options.configFile,
          stage: options.plan.stage,
          stream: stream.name,
          resolveDir: options.serviceDir,
          outDir: bundleDir,
          runtime: stream.runtime,
        });
        const artifact = join(options.outDir, `${stream.name}.zip`);
        const zip = await zipDirectory(bundleDir, artifact);
        if (options.keepBundles) {
          const kept = join(options.outDir, stream.name);
          await rm(kept, { recursive: true, force: true });
          await cp(bundleDir, kept, { recursive: true });
        }
        return {
          stream: stream.name,
          functionName: stream.functionName,
          artifact,
          zipBytes: zip.bytes,
          codeBytes: bundle.codeBytes,
          unzippedBytes: zip.uncompressedBytes,
          files: zip.files.length,
        };
      }),
    );
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * One line per artifact, for the terminal.
 *
 * @example
 * ```ts
 * formatArtifactSizes(artifacts);
 * // ['orders.zip 402.1 KiB (code 712.4 KiB, 1.9 MiB unzipped, 48 files)', …]
 * ```
 */
export function formatArtifactSizes(artifacts: readonly PackagedFunction[]): string[] {
  return artifacts.map(
    (artifact) =>
      `${artifact.stream}.zip ${kib(artifact.zipBytes)} (code ${kib(artifact.codeBytes)}, ${kib(artifact.unzippedBytes)} unzipped, ${artifact.files} files)`,
  );
}
