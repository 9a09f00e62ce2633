import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCliLogger } from '../../../src/cli/cli-logger.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('createCliLogger', () => {
  it('drops a line logged after close() instead of throwing (an invocation that finishes after Ctrl-C)', async () => {
    // Arrange
    dir = await mkdtemp(join(tmpdir(), 'shardflow-cli-logger-'));
    const file = join(dir, 'dev.log');
    const { logger, close } = await createCliLogger({ file, level: 'info' });
    logger.info('before close');

    // Act
    const closed = close();
    const late = () => logger.warn({ stream: 'clicks' }, 'batch failed');
    await closed;

    // Assert
    expect(late).not.toThrow();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['before close']);
  });
});
