import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { DEPLOY_DEFAULTS } from '../runtime/stages/constants.js';
import { renameChunksByContent } from './content-hashed-chunks.js';
import { BundleError } from './errors.js';
import { functionEntrySource } from './function-entry.js';
import { inlineCreateRequirePlugin } from './inline-create-require.js';

/** What {@link bundleFunction} builds. */
export interface BundleFunctionOptions {
  /** Absolute path of the config file. */
  readonly configFile: string;
  readonly stage: string;
  readonly stream: string;
  /** Where bare imports of the entry resolve from (the service directory). */
  readonly resolveDir: string;
  /** Empty directory that receives `index.mjs`, its chunks and source maps. */
  readonly outDir: string;
  /** The Lambda runtime (`nodejs22.x`, `nodejs24.x`, …): esbuild targets its Node version. Default `nodejs24.x`. */
  readonly runtime?: string | undefined;
  /**
   * Bundle `@aws-sdk/*` too (the config's `bundleAwsSdk`). Default `false`: every Lambda Node.js runtime ships the
   * AWS SDK for JavaScript v3, so the bundle imports it from there (`/var/runtime/node_modules`).
   */
  readonly bundleAwsSdk?: boolean | undefined;
}

/** What the Lambda Node.js runtimes provide, left out of a bundle unless `bundleAwsSdk` is set. */
export const RUNTIME_PROVIDED: readonly string[] = ['@aws-sdk/*'];

/**
 * The esbuild target of a Lambda runtime: `nodejs22.x` → `node22`.
 *
 * @example
 * ```ts
 * esbuildTarget('nodejs22.x'); // 'node22'
 * ```
 */
export function esbuildTarget(runtime: string | undefined): string {
  const version = /^nodejs(\d+)\.x$/.exec(runtime ?? DEPLOY_DEFAULTS.runtime)?.[1];
  return version === undefined ? DEPLOY_DEFAULTS.esbuildTarget : `node${version}`;
}

/**
 * A source path of a source map made independent of where it was built: inside a `node_modules` it becomes
 * `node_modules/<package>/…`, anything else its path relative to the service directory; both are then
 * expressed relative to the map's own directory in the zip (so in Lambda they resolve under `/var/task`).
 */
function portableSource(source: string, mapDir: string, outDir: string, serviceDir: string): string {
  if (!source.startsWith('.') && !source.startsWith('/')) return source; // a virtual module (`shardflow-entry:orders`)
  const absolute = resolve(mapDir, source);
  const parts = absolute.split(sep);
  const modules = parts.lastIndexOf('node_modules');
  const fromRoot =
    modules === -1 ? relative(serviceDir, absolute).split(sep).join('/') : parts.slice(modules).join('/');
  const up = relative(mapDir, outDir).split(sep).filter(Boolean).join('/');
  return up === '' ? fromRoot : `${up}/${fromRoot}`;
}

/** Rewrites every source map of a bundle with {@link portableSource}: the same commit maps to the same bytes anywhere. */
async function makeSourceMapsPortable(files: readonly string[], outDir: string, serviceDir: string): Promise<void> {
  for (const file of files.filter((name) => name.endsWith('.map'))) {
    const path = resolve(outDir, file);
    const map = JSON.parse(await readFile(path, 'utf8')) as { sources?: string[] };
    map.sources = (map.sources ?? []).map((source) => portableSource(source, dirname(path), outDir, serviceDir));
    await writeFile(path, JSON.stringify(map));
  }
}

/** What {@link bundleFunction} wrote. */
export interface BundleSummary {
  /** Output files, relative to `outDir`, with their sizes. */
  readonly files: Readonly<Record<string, number>>;
  /** Total size of the JavaScript (source maps and legal notices excluded). */
  readonly codeBytes: number;
}

const ENTRY_NAMESPACE = 'shardflow-entry';

/** Creates `require` for the CommonJS dependencies that call it in the ESM bundle (e.g. `require('node:fs')`). */
const REQUIRE_BANNER =
  "import { createRequire as __shardflowCreateRequire } from 'node:module';\nconst require = __shardflowCreateRequire(import.meta.url);";

function entryPlugin(options: BundleFunctionOptions): Plugin {
  return {
    name: 'shardflow-function-entry',
    setup(esbuild) {
      esbuild.onResolve({ filter: new RegExp(`^${ENTRY_NAMESPACE}:`) }, (args) => ({
        path: args.path,
        namespace: ENTRY_NAMESPACE,
      }));
      esbuild.onLoad({ filter: /.*/, namespace: ENTRY_NAMESPACE }, () => ({
        contents: functionEntrySource(options),
        loader: 'ts',
        resolveDir: options.resolveDir,
      }));
    },
  };
}

/**
 * The esbuild options every stream function is bundled with (entry, output directory and plugins aside): ESM for
 * the runtime's Node version, code splitting, minified with names kept, linked source maps without sources, the
 * `createRequire` banner, and `@aws-sdk/*` left to the Lambda runtime unless `bundleAwsSdk`. The one place they
 * are written; the cold-start benchmark bundles with them too.
 *
 * @example
 * ```ts
 * await build({ ...functionBuildOptions({ runtime: 'nodejs24.x' }), entryPoints: ['handler.ts'], outdir: 'out' });
 * ```
 */
export function functionBuildOptions(options: Pick<BundleFunctionOptions, 'runtime' | 'bundleAwsSdk'>): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    target: esbuildTarget(options.runtime),
    format: 'esm',
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    mainFields: ['module', 'main'],
    minify: true,
    keepNames: true,
    treeShaking: true,
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    banner: { js: REQUIRE_BANNER },
    metafile: true,
    external: options.bundleAwsSdk === true ? [] : [...RUNTIME_PROVIDED],
    logLevel: 'silent',
  };
}

/**
 * Bundles one stream's function with esbuild: the generated entry (see `functionEntrySource`), the config,
 * its processors and schemas and shardflow, as ESM for the runtime's Node version — tree-shaken, minified with names
 * kept (error classes report their own names), linked source maps without sources, and code splitting so
 * the SDK clients a quarantine sink loads on demand stay out of the cold start. The AWS SDK is taken from the
 * Lambda runtime unless `bundleAwsSdk` (see docs/deploy.md, "Bundling"). Source maps name sources relative to the service
 * directory (`node_modules/<package>/…` for dependencies), so a commit bundles to the same bytes from any
 * checkout path.
 *
 * @throws {BundleError} when esbuild reports an error (a missing import, a syntax error)
 *
 * @example
 * ```ts
 * await bundleFunction({ configFile, stage: 'prod', stream: 'orders', resolveDir: process.cwd(), outDir });
 * // outDir/index.mjs, outDir/chunks/*.mjs, *.map
 * ```
 */
export async function bundleFunction(options: BundleFunctionOptions): Promise<BundleSummary> {
  let result: Awaited<ReturnType<typeof build>>;
  try {
    result = await build({
      ...functionBuildOptions(options),
      entryPoints: [{ in: `${ENTRY_NAMESPACE}:${options.stream}`, out: 'index' }],
      outdir: options.outDir,
      absWorkingDir: options.resolveDir,
      plugins: [entryPlugin(options), inlineCreateRequirePlugin()],
    });
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
    const first = errors?.[0];
    const reason =
      first === undefined
        ? error instanceof Error
          ? error.message
          : String(error)
        : `${first.text}${first.location ? ` (${first.location.file}:${first.location.line})` : ''}`;
    throw new BundleError(options.stream, reason, { cause: error });
  }
  const files: Record<string, number> = {};
  let codeBytes = 0;
  for (const [file, output] of Object.entries(result.metafile?.outputs ?? {})) {
    files[relative(options.outDir, resolve(options.resolveDir, file)).split(sep).join('/')] = output.bytes;
    if (file.endsWith('.mjs')) codeBytes += output.bytes;
  }
  await makeSourceMapsPortable(Object.keys(files), options.outDir, options.resolveDir);
  const names = await renameChunksByContent(options.outDir, Object.keys(files));
  const sizes = Object.values(files);
  return { files: Object.fromEntries(names.map((name, i) => [name, sizes[i]!])), codeBytes };
}
