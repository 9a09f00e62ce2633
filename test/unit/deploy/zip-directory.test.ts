import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zipDirectory } from '../../../src/deploy/zip-directory.js';
import { readZip } from '../../e2e/fixtures/deploy/read-zip.js';

describe('zipDirectory', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shardflow-zip-'));
    await mkdir(join(dir, 'in', 'chunks'), { recursive: true });
    await writeFile(join(dir, 'in', 'index.mjs'), 'export const handler = async () => ({});\n'.repeat(50));
    await writeFile(join(dir, 'in', 'chunks', 'a-1.mjs'), 'x');
    await writeFile(join(dir, 'in', 'ünïcode.txt'), Buffer.from([0, 1, 2, 3]));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('zips every file under its relative path, deflated or stored, readable back', async () => {
    // Act
    const summary = await zipDirectory(join(dir, 'in'), join(dir, 'out.zip'));
    const files = await readZip(join(dir, 'out.zip'));

    // Assert
    expect(summary.files).toEqual(['chunks/a-1.mjs', 'index.mjs', 'ünïcode.txt']);
    expect([...files.keys()]).toEqual(summary.files);
    expect(files.get('index.mjs')?.toString('utf8')).toBe('export const handler = async () => ({});\n'.repeat(50));
    expect(files.get('chunks/a-1.mjs')?.toString('utf8')).toBe('x');
    expect(files.get('ünïcode.txt')).toEqual(Buffer.from([0, 1, 2, 3]));
    expect(summary.uncompressedBytes).toBe(2050 + 1 + 4);
    expect(summary.bytes).toBeLessThan(summary.uncompressedBytes + 500);
  });

  it('is reproducible: the same files give the same bytes', async () => {
    // Act
    await zipDirectory(join(dir, 'in'), join(dir, 'a.zip'));
    await zipDirectory(join(dir, 'in'), join(dir, 'b.zip'));

    // Assert
    expect(await readFile(join(dir, 'a.zip'))).toEqual(await readFile(join(dir, 'b.zip')));
  });
});
