import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from './run-command.js';

/** The repository root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Packed tarballs, named by a hash of everything that goes into them. */
const CACHE_DIR = join(tmpdir(), 'shardflow-packed');
/** Files besides the packed ones and src/ that decide what `npm run build` emits. */
const BUILD_INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'scripts/build.mjs'];
/** Cached tarballs of other contents are removed once this old (other worktrees may be using newer ones). */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** The files `npm pack` takes from the repository, dist/ aside (package.json, README, docs, bin, .cjs). */
async function packedFilesOutsideDist(): Promise<string[]> {
  const { stdout } = await runCommand('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: REPO_ROOT,
    check: true,
  });
  const [manifest] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return manifest.files.map((file) => file.path).filter((path) => !path.startsWith('dist/'));
}

async function sourceFiles(): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, 'src'), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(REPO_ROOT.length + 1))
    .sort();
}

async function contentHash(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    hash.update(`${path}\0`);
    hash.update(await readFile(join(REPO_ROOT, path)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function removeStaleTarballs(keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(CACHE_DIR)) {
    const path = join(CACHE_DIR, name);
    if (path === keep) continue;
    const { mtimeMs } = await stat(path);
    if (now - mtimeMs > STALE_AFTER_MS) await rm(path, { force: true });
  }
}

/**
 * Builds and packs the repository as `npm publish` would, without touching its dist/: the files `npm pack`
 * selects are copied to a staging directory, `scripts/build.mjs --out-dir` compiles src/ into the staging
 * dist/, and `npm pack` packs that. The tarball is cached by a hash of its inputs, so every test of a run (and
 * later runs on the same sources) packs once.
 */
async function buildAndPack(): Promise<string> {
  const packed = await packedFilesOutsideDist();
  const inputs = [...new Set([...packed, ...(await sourceFiles()), ...BUILD_INPUTS])].sort();
  const tarball = join(CACHE_DIR, `shardflow-${await contentHash(inputs)}.tgz`);
  if (await exists(tarball)) return tarball;

  const staging = await mkdtemp(join(tmpdir(), 'shardflow-pack-'));
  try {
    for (const path of packed) {
      await mkdir(dirname(join(staging, path)), { recursive: true });
      await copyFile(join(REPO_ROOT, path), join(staging, path));
    }
    await runCommand(process.execPath, [join(REPO_ROOT, 'scripts', 'build.mjs'), '--out-dir', join(staging, 'dist')], {
      cwd: REPO_ROOT,
      check: true,
    });
    const { stdout } = await runCommand('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', staging], {
      cwd: staging,
      check: true,
    });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    await mkdir(CACHE_DIR, { recursive: true });
    // Rename within one file system: a concurrent packer of the same sources sees a whole tarball or none.
    const partial = `${tarball}.${process.pid}`;
    await rename(join(staging, filename), partial);
    await rename(partial, tarball);
    await removeStaleTarballs(tarball);
    return tarball;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

let packing: Promise<string> | undefined;

/**
 * The path of a tarball of this repository exactly as `npm pack` would publish it, built from the current
 * sources. Packed once per set of sources; repeated calls (and other test files) reuse it.
 *
 * @example
 * ```ts
 * const tarball = await packShardflow(); // /tmp/shardflow-packed/shardflow-3f9c….tgz
 * ```
 */
export function packShardflow(): Promise<string> {
  packing ??= buildAndPack();
  return packing;
}
