// Compiles src/ to dist/ (ESM JavaScript + .d.ts) with the project's own TypeScript. tsc rather than a bundler:
// one output module per source module keeps the runtime, local and deploy entry points separate, keeps the
// lazy `import()`s that load SDK clients on first use, and lets the user's bundler tree-shake what they import.
//
// `node scripts/build.mjs [--out-dir DIR]`: DIR (default dist/) is emptied first. The test that packs the
// package builds into its own directory, so tests running meanwhile keep a complete dist/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDirFlag = process.argv.indexOf('--out-dir');
const outDir = outDirFlag === -1 ? join(root, 'dist') : resolve(process.argv[outDirFlag + 1] ?? '');
if (outDirFlag !== -1 && process.argv[outDirFlag + 1] === undefined) throw new Error('--out-dir needs a directory');
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
rmSync(outDir, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', outDir], {
  cwd: root,
  stdio: 'inherit',
});
// Non-TypeScript assets: the files `shardflow init` writes, read next to the compiled module.
cpSync(join(root, 'src', 'cli', 'init', 'template'), join(outDir, 'cli', 'init', 'template'), { recursive: true });
// The Serverless plugin and its loader are CommonJS files tsc does not emit: shipped next to the compiled hooks.
for (const file of readdirSync(join(root, 'src', 'deploy')).filter((name) => name.endsWith('.cjs'))) {
  copyFileSync(join(root, 'src', 'deploy', file), join(outDir, 'deploy', file));
}
