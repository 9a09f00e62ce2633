import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `chunks/<name>-<HASH>.mjs` as esbuild names them (`chunkNames: 'chunks/[name]-[hash]'`). */
const CHUNK = /^chunks\/(.+)-([A-Z0-9]{8})\.mjs$/;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

function replaceAll(text: string, renames: ReadonlyMap<string, string>): string {
  let result = text;
  for (const [from, to] of renames) result = result.split(`-${from}.mjs`).join(`-${to}.mjs`);
  return result;
}

/**
 * Renames a bundle's chunks after their final content. esbuild's chunk hashes also cover the source maps'
 * paths relative to the output directory — which depend on where the checkout and the build directory are —
 * so the same commit would get other chunk names (and another zip) elsewhere. Here each chunk's name is the
 * hash of its code and (already portable) source map with every chunk reference blanked out, and every
 * reference is rewritten to the new names. Returns the output files' new names.
 *
 * @example
 * ```ts
 * const files = await renameChunksByContent(outDir, ['index.mjs', 'chunks/chunk-3JCQQWS5.mjs', …]);
 * ```
 */
export async function renameChunksByContent(outDir: string, files: readonly string[]): Promise<string[]> {
  const hashes = files.flatMap((file) => CHUNK.exec(file)?.[2] ?? []);
  if (hashes.length === 0) return [...files];
  const blank = new Map(hashes.map((hash) => [hash, '00000000']));
  const text = new Map<string, string>();
  for (const file of files.filter((name) => /\.(mjs|map)$/.test(name))) {
    text.set(file, await readFile(join(outDir, file), 'utf8'));
  }
  const renames = new Map<string, string>();
  const taken = new Set<string>();
  for (const file of files) {
    const match = CHUNK.exec(file);
    if (match === null) continue;
    const digest = createHash('sha256')
      .update(replaceAll(text.get(file) ?? '', blank))
      .update('\0')
      .update(replaceAll(text.get(`${file}.map`) ?? '', blank))
      .digest();
    const next = base32(digest, 8);
    if (taken.has(`${match[1]}-${next}`)) throw new Error(`two chunks of identical content: ${file}`);
    taken.add(`${match[1]}-${next}`);
    renames.set(match[2]!, next);
  }
  for (const [file, content] of text) await writeFile(join(outDir, file), replaceAll(content, renames));
  const renamed: string[] = [];
  for (const file of files) {
    const next = replaceAll(file, renames);
    if (next !== file) await rename(join(outDir, file), join(outDir, next));
    renamed.push(next);
  }
  return renamed;
}
