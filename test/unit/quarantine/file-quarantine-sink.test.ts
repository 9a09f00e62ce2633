import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../../src/runtime/errors.js';
import { FileQuarantineSink } from '../../../src/runtime/processing/quarantine/file-quarantine-sink.js';
import { QuarantineWriteError } from '../../../src/runtime/processing/quarantine/quarantine-write-error.js';
import { kinesisEntries, kinesisEntry } from './fixtures.js';

describe('FileQuarantineSink', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shardflow-file-sink-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates missing parent directories and writes one NDJSON line per entry', async () => {
    // Arrange
    const path = join(dir, 'nested', 'deeper', 'clicks.ndjson');
    const sink = new FileQuarantineSink({ path });
    const entries = kinesisEntries(3);

    // Act
    await sink.write(entries);

    // Assert
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual(JSON.parse(JSON.stringify(entries)));
    expect(sink.kind).toBe('file');
  });

  it('appends across writes, keeping earlier entries', async () => {
    // Arrange
    const path = join(dir, 'clicks.ndjson');
    const sink = new FileQuarantineSink({ path });

    // Act
    await sink.write([kinesisEntry(1)]);
    await sink.write([kinesisEntry(2), kinesisEntry(3)]);

    // Assert
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).sequenceNumber)).toEqual([
      kinesisEntry(1).sequenceNumber,
      kinesisEntry(2).sequenceNumber,
      kinesisEntry(3).sequenceNumber,
    ]);
  });

  it('keeps the raw record (base64 data) and the zod issues for redrive', async () => {
    // Arrange
    const path = join(dir, 'clicks.ndjson');
    const entry = kinesisEntry(7);

    // Act
    await new FileQuarantineSink({ path }).write([entry]);

    // Assert
    const written = JSON.parse(await readFile(path, 'utf8'));
    expect(written.record.kinesis.data).toBe((entry.record as { kinesis: { data: string } }).kinesis.data);
    expect(written.error.issues[0].path).toEqual(['totalCents']);
    expect(written).not.toHaveProperty('subSequenceNumber');
  });

  it('does not touch the file system for an empty write', async () => {
    // Arrange
    const path = join(dir, 'never', 'clicks.ndjson');

    // Act
    await new FileQuarantineSink({ path }).write([]);

    // Assert
    await expect(stat(join(dir, 'never'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects with a QuarantineWriteError (transient) carrying the cause when the file cannot be written', async () => {
    // Arrange: the target path is a directory
    const sink = new FileQuarantineSink({ path: dir });
    const entries = kinesisEntries(2);

    // Act
    const error = await sink.write(entries).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as QuarantineWriteError).name).toBe('QuarantineWriteError');
    expect((error as QuarantineWriteError).cause).toMatchObject({ code: 'EISDIR' });
    expect((error as QuarantineWriteError).entries).toEqual(entries);
  });
});
