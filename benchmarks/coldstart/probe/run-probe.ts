import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { LAMBDA_CONTEXT } from '../../lib/shardflow-handler.js';
import { type BundledHandler, originsLoaded } from '../bundle-handler.js';
import type { ProbeInput, ProbeResult } from './protocol.js';

const run = promisify(execFile);
const HERE = fileURLToPath(new URL('./', import.meta.url));

/**
 * Bundles the probe (`probe.mjs`) and its module hooks (`trace-hooks.mjs`) into `dir`: plain JavaScript a
 * flagless `node` runs, importing only Node built-ins.
 *
 * @example
 * ```ts
 * const probeFile = await prepareProbe('/tmp/cs/probe'); // '/tmp/cs/probe/probe.mjs'
 * ```
 */
export async function prepareProbe(dir: string): Promise<string> {
  await build({
    entryPoints: [join(HERE, 'probe.ts'), join(HERE, 'trace-hooks.ts')],
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
  });
  return join(dir, 'probe.mjs');
}

/**
 * Writes what a probe invokes the handler with: `event`, a Lambda context like the Node.js runtime passes,
 * 60 s left.
 *
 * @example
 * ```ts
 * await writeProbeInput('/tmp/cs/input.json', orderEvent(100));
 * ```
 */
export async function writeProbeInput(file: string, event: unknown): Promise<void> {
  const { getRemainingTimeInMillis: _, ...context } = LAMBDA_CONTEXT;
  const input: ProbeInput = { event, context, remainingTimeMs: 60_000 };
  await writeFile(file, JSON.stringify(input));
}

/** One probe run. */
export interface ProbeRun {
  readonly probeFile: string;
  /** The bundle's `index.mjs`. */
  readonly entry: string;
  readonly inputFile: string;
  readonly cwd: string;
  /** Record every ES module loaded into this file (a traced run: slower, never timed). */
  readonly traceFile?: string;
  /** Added to the environment (which loses `NODE_OPTIONS` and `AWS_LAMBDA_FUNCTION_NAME`). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts a fresh `node` (no flags) on the probe and returns what it measured.
 *
 * @example
 * ```ts
 * const { importMs } = await runProbe({ probeFile, entry: bundle.entry, inputFile, cwd: dir });
 * ```
 */
export async function runProbe(options: ProbeRun): Promise<ProbeResult> {
  const { AWS_LAMBDA_FUNCTION_NAME: _, NODE_OPTIONS: __, ...inherited } = process.env;
  const args = [options.probeFile, options.entry, options.inputFile];
  if (options.traceFile !== undefined) args.push(options.traceFile);
  const { stdout } = await run(process.execPath, args, {
    cwd: options.cwd,
    env: { ...inherited, ...options.env },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ProbeResult;
}

/**
 * The `@aws-sdk/*` packages a traced probe saw evaluated: the origins of the bundle chunks it loaded, the
 * external `@aws-sdk` ES modules it loaded, and the CommonJS SDK modules in its `require.cache`.
 *
 * @example
 * ```ts
 * sdkEvaluated(bundle, traced.modulesLoaded!.atImport, traced.sdkInRequireCache.atImport); // ['@aws-sdk/util-dynamodb']
 * ```
 */
export function sdkEvaluated(
  bundle: BundledHandler,
  modules: readonly string[],
  requireCache: readonly string[],
): string[] {
  const files = modules.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
  const inBundle = originsLoaded(bundle, files).filter((origin) => origin.startsWith('@aws-sdk/'));
  const external = files.flatMap((file) => /node_modules\/(@aws-sdk\/[^/]+)\//.exec(file)?.[1] ?? []);
  return [...new Set([...inBundle, ...external, ...requireCache])].sort();
}
