// Compiles src/ to dist/ (ESM JavaScript + .d.ts) with the project's own TypeScript. tsc rather than a bundler:
// one output module per source module keeps the runtime, local and deploy entry points separate, keeps the
// lazy `import()`s that load SDK clients on first use, and lets the user's bundler tree-shake what they import.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
// The Serverless plugin and its loader are CommonJS files tsc does not emit: shipped next to the compiled hooks.
for (const file of readdirSync(join(root, 'src', 'deploy')).filter((name) => name.endsWith('.cjs'))) {
  copyFileSync(join(root, 'src', 'deploy', file), join(root, 'dist', 'deploy', file));
}
