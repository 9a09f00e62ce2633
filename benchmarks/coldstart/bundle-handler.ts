import { mkdir } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile } from 'esbuild';
import { functionBuildOptions, RUNTIME_PROVIDED } from '../../src/deploy/bundle-function.js';
import { inlineCreateRequirePlugin } from '../../src/deploy/inline-create-require.js';
import { zipDirectory } from '../../src/deploy/zip-directory.js';

/** The repository root (bare imports of the handlers resolve from here). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How a handler is bundled:
 * - `deploy`: exactly the options of shardflow's deploy bundler (`src/deploy/bundle-function.ts`) by default:
 *   `external: ['@aws-sdk/*']`, the SDK comes from the Lambda runtime, which ships the AWS SDK v3 on every
 *   `nodejs18.x`+ runtime.
 * - `sdk-bundled`: the deploy bundler with the config's `bundleAwsSdk: true`: the AWS SDK is bundled, the
 *   clients a quarantine sink or the idempotency store load on first use in chunks of their own.
 */
export type BundleVariant = 'deploy' | 'sdk-bundled';

/** The bundle variants, in report order. */
export const BUNDLE_VARIANTS: readonly BundleVariant[] = ['deploy', 'sdk-bundled'];

/** What the deploy bundler leaves to the Lambda runtime unless `bundleAwsSdk` is set. */
export const DEPLOY_EXTERNALS = RUNTIME_PROVIDED;

/** The Lambda runtime the bundles target (`nodejs24.x` → `node24`, as the deploy bundler maps it). */
export const LAMBDA_RUNTIME = 'nodejs24.x';

/**
 * The esbuild options of shardflow's deploy bundler (`functionBuildOptions` in `src/deploy/bundle-function.ts`),
 * with the same plugin (`inlineCreateRequirePlugin`); `sdk-bundled` is its `bundleAwsSdk: true`. The only
 * addition is the `shardflow-source` condition (this repository bundles shardflow from its sources, as a user's
 * bundler would bundle `dist/`; `module` is listed with it because setting `conditions` replaces esbuild's
 * default, which the SDK's packages resolve by). Not repeated: the deploy bundler's generated entry and its
 * post-build steps (portable source-map paths, chunks named by content hash); its zip of the same one-processor
 * config is within 1 % of this one's (826.7 KB against 821.7 KB, measured).
 *
 * @example
 * ```ts
 * await build({ ...deployBuildOptions('deploy'), entryPoints: [{ in: 'handler.ts', out: 'index' }], outdir });
 * ```
 */
export function deployBuildOptions(variant: BundleVariant): BuildOptions {
  return {
    ...functionBuildOptions({ runtime: LAMBDA_RUNTIME, bundleAwsSdk: variant === 'sdk-bundled' }),
    conditions: ['shardflow-source', 'module'],
    plugins: [inlineCreateRequirePlugin()],
  };
}

/** Bytes of a bundle's inputs, per package (`zod`, `@aws-sdk/client-sqs`) or per folder of this repository. */
export type BytesByOrigin = Readonly<Record<string, number>>;

/** A bundled and zipped handler. */
export interface BundledHandler {
  readonly variant: BundleVariant;
  /** Absolute path of `index.mjs`. */
  readonly entry: string;
  readonly dir: string;
  /** The zip of the bundle directory (code, chunks, source maps, legal notices), as the deploy packaging zips it. */
  readonly zipBytes: number;
  /** JavaScript in the bundle (all chunks), before compression. */
  readonly codeBytes: number;
  /** JavaScript `index.mjs` loads by static imports: what is evaluated at import. */
  readonly staticCodeBytes: number;
  /** Output files, relative to `dir`. */
  readonly files: readonly string[];
  readonly metafile: Metafile;
}

/**
 * The package an esbuild input belongs to (`…/node_modules/@aws-sdk/core/dist-es/x.js` → `@aws-sdk/core`),
 * or, for this repository's own files, their folder (`src/runtime/processing/`).
 *
 * @example
 * ```ts
 * originOf('../node_modules/@smithy/core/dist-es/index.js'); // '@smithy/core'
 * originOf('src/runtime/handler.ts'); // 'src/runtime/'
 * ```
 */
export function originOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) return match[1]!;
  const slash = input.lastIndexOf('/');
  return slash < 0 ? input : input.slice(0, slash + 1);
}

/** The output key of `index.mjs` in a metafile. */
function entryOutput(metafile: Metafile): string {
  const entry = Object.keys(metafile.outputs).find((file) => file.endsWith('/index.mjs') || file === 'index.mjs');
  if (entry === undefined) throw new Error('the metafile has no index.mjs output');
  return entry;
}

/**
 * The output files (metafile keys) evaluated when `index.mjs` is imported: the entry and every chunk it
 * reaches through static `import` statements. Chunks reached only through `import()` load on demand.
 *
 * @example
 * ```ts
 * staticOutputs(bundle.metafile); // ['…/index.mjs', '…/chunks/chunk-AB12CD34.mjs']
 * ```
 */
export function staticOutputs(metafile: Metafile): string[] {
  const seen = new Set<string>();
  const queue = [entryOutput(metafile)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const link of metafile.outputs[file]?.imports ?? []) {
      if (link.kind === 'import-statement' && !link.external) queue.push(link.path);
    }
  }
  return [...seen];
}

/**
 * Bytes per origin ({@link originOf}) of the given outputs (default: all of them), largest first.
 *
 * @example
 * ```ts
 * bytesByOrigin(bundle.metafile, staticOutputs(bundle.metafile)); // { zod: 469675, pino: 25758, … }
 * ```
 */
export function bytesByOrigin(
  metafile: Metafile,
  outputs: readonly string[] = Object.keys(metafile.outputs),
): BytesByOrigin {
  const totals = new Map<string, number>();
  for (const output of outputs) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[output]?.inputs ?? {})) {
      if (bytesInOutput === 0) continue;
      const origin = originOf(input);
      totals.set(origin, (totals.get(origin) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]));
}

/**
 * The origins of the inputs in the given output files, resolved against absolute paths: what `loadedFiles`
 * (absolute paths of bundle files a process evaluated) brought in.
 *
 * @example
 * ```ts
 * originsLoaded(bundle, ['/tmp/x/index.mjs']); // ['zod', 'pino', 'src/runtime/', …]
 * ```
 */
export function originsLoaded(bundle: BundledHandler, loadedFiles: readonly string[]): string[] {
  const loaded = new Set(loadedFiles.map((file) => resolve(file)));
  const outputs = Object.keys(bundle.metafile.outputs).filter((output) => loaded.has(resolve(REPO_ROOT, output)));
  return Object.keys(bytesByOrigin(bundle.metafile, outputs));
}

/**
 * Bundles one handler module (which exports `handler`) into `outDir` with {@link deployBuildOptions} and
 * zips the result next to it (`<outDir>.zip`) with the deploy packaging's `zipDirectory`.
 *
 * @example
 * ```ts
 * const bundle = await bundleHandler('benchmarks/coldstart/handlers/shardflow.ts', '/tmp/cs/shardflow', 'deploy');
 * bundle.zipBytes; // 412345
 * ```
 */
export async function bundleHandler(entry: string, outDir: string, variant: BundleVariant): Promise<BundledHandler> {
  await mkdir(outDir, { recursive: true });
  const result = await build({
    ...deployBuildOptions(variant),
    entryPoints: [{ in: resolve(REPO_ROOT, entry), out: 'index' }],
    outdir: outDir,
    absWorkingDir: REPO_ROOT,
  });
  const metafile = result.metafile!;
  const zip = await zipDirectory(outDir, `${outDir}.zip`);
  const code = (outputs: readonly string[]) =>
    outputs.filter((file) => file.endsWith('.mjs')).reduce((sum, file) => sum + metafile.outputs[file]!.bytes, 0);
  return {
    variant,
    entry: join(outDir, 'index.mjs'),
    dir: outDir,
    zipBytes: zip.bytes,
    codeBytes: code(Object.keys(metafile.outputs)),
    staticCodeBytes: code(staticOutputs(metafile)),
    files: Object.keys(metafile.outputs).map((file) => relative(outDir, resolve(REPO_ROOT, file)).split(sep).join('/')),
    metafile,
  };
}
