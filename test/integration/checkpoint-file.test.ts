import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckpointStoreError,
  CorruptCheckpointError,
  InvalidMappingIdError,
} from '../../src/local/esm/checkpoint/errors.js';
import { FileCheckpointStore } from '../../src/local/esm/checkpoint/file-checkpoint-store.js';

const MAPPING = 'orders-esm';
const SHARD_0 = 'shardId-000000000000';
const SHARD_1 = 'shardId-000000000001';
const KINESIS_SEQUENCE = '49590338271490256608559692538361571095921575989136588898';

describe('FileCheckpointStore on a temporary directory', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'shardflow-checkpoints-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('loads an empty map when the mapping has no file yet', async () => {
    // Arrange
    const store = new FileCheckpointStore({ directory: join(directory, 'not-created-yet') });

    // Act
    const shards = await store.load(MAPPING);

    // Assert
    expect(shards).toEqual(new Map());
  });

  it('writes <directory>/<mappingId>.json with sequenceNumber, ended and updatedAt per shard', async () => {
    // Arrange
    const store = new FileCheckpointStore({ directory, now: () => new Date('2024-05-01T10:00:00.000Z') });

    // Act
    await store.save(MAPPING, SHARD_0, { sequenceNumber: KINESIS_SEQUENCE, ended: false });
    await store.save(MAPPING, SHARD_1, { sequenceNumber: undefined, ended: true });

    // Assert
    const content = JSON.parse(await readFile(join(directory, `${MAPPING}.json`), 'utf8'));
    expect(content).toEqual({
      shards: {
        [SHARD_0]: { sequenceNumber: KINESIS_SEQUENCE, ended: false, updatedAt: '2024-05-01T10:00:00.000Z' },
        [SHARD_1]: { sequenceNumber: null, ended: true, updatedAt: '2024-05-01T10:00:00.000Z' },
      },
    });
    expect(await readdir(directory)).toEqual([`${MAPPING}.json`]);
  });

  it('survives a restart: a new store on the same directory loads what the old one saved', async () => {
    // Arrange
    const before = new FileCheckpointStore({ directory });
    await before.save(MAPPING, SHARD_0, { sequenceNumber: '100', ended: false });
    await before.save(MAPPING, SHARD_0, { sequenceNumber: '250', ended: false });
    await before.save(MAPPING, SHARD_1, { sequenceNumber: '999', ended: true });

    // Act
    const shards = await new FileCheckpointStore({ directory }).load(MAPPING);

    // Assert
    expect(shards).toEqual(
      new Map([
        [SHARD_0, { sequenceNumber: '250', ended: false }],
        [SHARD_1, { sequenceNumber: '999', ended: true }],
      ]),
    );
  });

  it('loses no update when 100 saves of 4 shards run concurrently: each shard ends at its last value', async () => {
    // Arrange
    const store = new FileCheckpointStore({ directory });
    const shards = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002', 'shardId-000000000003'];

    // Act
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.save(MAPPING, shards[i % shards.length] ?? '', { sequenceNumber: String(1000 + i), ended: false }),
      ),
    );

    // Assert
    const loaded = await new FileCheckpointStore({ directory }).load(MAPPING);
    expect(loaded).toEqual(
      new Map([
        ['shardId-000000000000', { sequenceNumber: '1096', ended: false }],
        ['shardId-000000000001', { sequenceNumber: '1097', ended: false }],
        ['shardId-000000000002', { sequenceNumber: '1098', ended: false }],
        ['shardId-000000000003', { sequenceNumber: '1099', ended: false }],
      ]),
    );
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('loses no update when saves keep arriving while earlier writes are in flight', async () => {
    // Arrange: each wave starts before the previous one has finished
    const store = new FileCheckpointStore({ directory });
    const pending: Promise<void>[] = [];

    // Act
    for (let wave = 0; wave < 10; wave++) {
      for (let shard = 0; shard < 10; shard++) {
        pending.push(
          store.save(MAPPING, `shardId-${shard}`, { sequenceNumber: String(wave * 10 + shard), ended: false }),
        );
      }
      await Promise.resolve();
    }
    await Promise.all(pending);

    // Assert
    const loaded = await store.load(MAPPING);
    expect(loaded.size).toBe(10);
    for (let shard = 0; shard < 10; shard++) {
      expect(loaded.get(`shardId-${shard}`)?.sequenceNumber).toBe(String(90 + shard));
    }
  });

  it('load waits for saves still queued and sees them', async () => {
    // Arrange
    const store = new FileCheckpointStore({ directory });
    const saved = store.save(MAPPING, SHARD_0, { sequenceNumber: '42', ended: false });

    // Act
    const loaded = await store.load(MAPPING);

    // Assert
    await saved;
    expect(loaded.get(SHARD_0)).toEqual({ sequenceNumber: '42', ended: false });
  });

  it('keeps the last complete file when a crash left a half-written temporary file behind', async () => {
    // Arrange: a crash between write and rename leaves `<file>.<pid>-<random>.tmp`
    const store = new FileCheckpointStore({ directory });
    await store.save(MAPPING, SHARD_0, { sequenceNumber: '500', ended: false });
    await writeFile(join(directory, `${MAPPING}.json.4242-deadbeef.tmp`), '{"shards":{"shardId-0000000');

    // Act
    const afterRestart = new FileCheckpointStore({ directory });
    const loaded = await afterRestart.load(MAPPING);
    await afterRestart.save(MAPPING, SHARD_1, { sequenceNumber: '7', ended: false });

    // Assert
    expect(loaded).toEqual(new Map([[SHARD_0, { sequenceNumber: '500', ended: false }]]));
    expect((await afterRestart.load(MAPPING)).size).toBe(2);
  });

  it('leaves a loadable file holding at least the last acknowledged save when the writer is killed -9', async () => {
    // Arrange: a child process saves increasing checkpoints as fast as it can and reports each one
    const storeModule = resolve('src/local/esm/checkpoint/file-checkpoint-store.ts');
    const script = `
      const { FileCheckpointStore } = await import(${JSON.stringify(storeModule)});
      const store = new FileCheckpointStore({ directory: ${JSON.stringify(directory)} });
      for (let i = 1; ; i++) {
        await store.save('killed', 'shardId-000000000000', { sequenceNumber: String(i), ended: false });
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(
      process.execPath,
      ['--conditions=shardflow-source', '--import', 'tsx', '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));

    // Act: kill it without warning once it has acknowledged 50 saves
    const acknowledged = await new Promise<number>((resolveAck, rejectAck) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n').filter(Boolean);
        const last = Number(lines.at(-1));
        if (last >= 50 && child.kill('SIGKILL')) resolveAck(last);
      });
      child.once('exit', (code) => rejectAck(new Error(`writer exited early with ${code}`)));
    });
    await exited;

    // Assert
    const loaded = await new FileCheckpointStore({ directory }).load('killed');
    expect(Number(loaded.get('shardId-000000000000')?.sequenceNumber)).toBeGreaterThanOrEqual(acknowledged);
  });

  it('raises CorruptCheckpointError for a corrupt file instead of starting over', async () => {
    // Arrange
    const store = new FileCheckpointStore({ directory });
    const file = join(directory, `${MAPPING}.json`);
    await writeFile(file, '{"shards":{"shardId-000000000000":{"sequenceNumber":"12","ended":');

    // Act
    const loadError = await store.load(MAPPING).catch((error: unknown) => error);
    const saveError = await store.save(MAPPING, SHARD_0, { sequenceNumber: '13', ended: false }).catch((e) => e);

    // Assert
    expect(loadError).toBeInstanceOf(CorruptCheckpointError);
    expect(loadError).toMatchObject({ name: 'CorruptCheckpointError', location: file });
    expect(saveError).toBeInstanceOf(CorruptCheckpointError);
    expect(await readFile(file, 'utf8')).toContain('"sequenceNumber":"12"');
  });

  it('keeps mappings apart, one file each', async () => {
    // Arrange
    const store = new FileCheckpointStore({ directory });

    // Act
    await Promise.all([
      store.save('orders', SHARD_0, { sequenceNumber: '1', ended: false }),
      store.save('clicks', SHARD_0, { sequenceNumber: '2', ended: false }),
    ]);

    // Assert
    expect((await store.load('orders')).get(SHARD_0)?.sequenceNumber).toBe('1');
    expect((await store.load('clicks')).get(SHARD_0)?.sequenceNumber).toBe('2');
    expect((await readdir(directory)).sort()).toEqual(['clicks.json', 'orders.json']);
  });

  it('rejects a mapping id that would escape the directory', async () => {
    // Arrange
    const store = new FileCheckpointStore({ directory });

    // Act
    const loadError = await store.load('../outside').catch((error: unknown) => error);
    const saveError = await store.save('a/b', SHARD_0, { sequenceNumber: '1', ended: false }).catch((e) => e);

    // Assert
    expect(loadError).toBeInstanceOf(InvalidMappingIdError);
    expect(saveError).toBeInstanceOf(InvalidMappingIdError);
  });

  it('fails a save it cannot write with a transient CheckpointStoreError', async () => {
    // Arrange: the directory path is a regular file
    const path = join(directory, 'file-not-directory');
    await writeFile(path, 'x');
    const store = new FileCheckpointStore({ directory: path });

    // Act
    const saved = store.save(MAPPING, SHARD_0, { sequenceNumber: '1', ended: false });

    // Assert
    await expect(saved).rejects.toThrow(CheckpointStoreError);
    await expect(saved).rejects.toMatchObject({ storeKind: 'file', mappingId: MAPPING });
  });
});
