import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/** shardflow's own package directory (this file is `<package>/src/deploy/…` or `<package>/dist/deploy/…`). */
const SHARDFLOW_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..') + sep;

const CREATE_REQUIRE = 'createRequire(import.meta.url)';
const REQUIRE_BINDING = /\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*createRequire\(import\.meta\.url\)\s*;/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Rewrites `createRequire(import.meta.url)('pkg/file.js')` — directly or through a `const` binding — into
 * `require('pkg/file.js')`, which esbuild follows and bundles. esbuild cannot see through `createRequire`,
 * so without this the bundle would try to load `pkg/file.js` from a `node_modules` the zip does not have.
 * Only calls with a string literal are rewritten; `undefined` when the source has nothing to rewrite.
 *
 * @example
 * ```ts
 * inlineCreateRequire("const r = createRequire(import.meta.url);\nconst c = r('some-cjs-package/lib/index.js');");
 * // "const r = createRequire(import.meta.url);\nconst c = require('some-cjs-package/lib/index.js');"
 * ```
 */
export function inlineCreateRequire(source: string): string | undefined {
  if (!source.includes(CREATE_REQUIRE)) return undefined;
  let rewritten = source.replace(/createRequire\(import\.meta\.url\)\((?=\s*['"])/g, 'require(');
  for (const [, binding] of source.matchAll(REQUIRE_BINDING)) {
    rewritten = rewritten.replace(new RegExp(`(?<![\\w$.])${escapeRegExp(binding!)}\\((?=\\s*['"])`, 'g'), 'require(');
  }
  return rewritten === source ? undefined : rewritten;
}

/**
 * An esbuild plugin applying {@link inlineCreateRequire} to the project's own modules and to shardflow's
 * (whose compiled runtime loads `aws-kinesis-agg` this way, also from a user's `node_modules`), never to
 * other packages.
 *
 * @example
 * ```ts
 * await build({ entryPoints, bundle: true, plugins: [inlineCreateRequirePlugin()] });
 * ```
 */
export function inlineCreateRequirePlugin(): Plugin {
  return {
    name: 'shardflow-inline-create-require',
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        const ours =
          args.path.startsWith(SHARDFLOW_ROOT) && !args.path.slice(SHARDFLOW_ROOT.length).includes('node_modules');
        if (!ours && /[\\/]node_modules[\\/]/.test(args.path)) return undefined;
        const rewritten = inlineCreateRequire(await readFile(args.path, 'utf8'));
        if (rewritten === undefined) return undefined;
        return { contents: rewritten, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js' };
      });
    },
  };
}
