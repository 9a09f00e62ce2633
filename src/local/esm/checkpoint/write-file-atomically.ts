import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Suffix of the temporary files {@link writeFileAtomically} writes before renaming them into place. */
export const TEMP_FILE_SUFFIX = '.tmp';

/**
 * Writes `data` to `path` so that a crash at any moment leaves either the old file or the complete new
 * one: write `<path>.<pid>-<random>.tmp` in the same directory, `fsync` it, `rename` it over `path`, then
 * `fsync` the directory (best effort: not every platform can) so the rename itself is durable. Parent
 * directories are created when missing. A failed write removes its temporary file.
 *
 * @example
 * ```ts
 * await writeFileAtomically('.shardflow/checkpoints/orders.json', JSON.stringify(state));
 * ```
 */
export async function writeFileAtomically(path: string, data: string): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temp = `${path}.${process.pid}-${randomBytes(6).toString('hex')}${TEMP_FILE_SUFFIX}`;
  try {
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(directory);
}

async function syncDirectory(directory: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // Directories cannot be opened or fsynced on some platforms (Windows); the data itself is synced.
  } finally {
    await handle?.close();
  }
}
