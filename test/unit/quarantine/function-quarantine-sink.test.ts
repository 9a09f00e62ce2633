import { describe, expect, it } from 'vitest';
import { TransientError } from '../../../src/runtime/errors.js';
import { FunctionQuarantineSink } from '../../../src/runtime/processing/quarantine/function-quarantine-sink.js';
import type { QuarantineEntry } from '../../../src/runtime/processing/quarantine/quarantine-entry.js';
import { QuarantineWriteError } from '../../../src/runtime/processing/quarantine/quarantine-write-error.js';
import { kinesisEntries } from './fixtures.js';

describe('FunctionQuarantineSink', () => {
  it('hands the whole batch of entries to the callback in one call', async () => {
    // Arrange
    const calls: (readonly QuarantineEntry[])[] = [];
    const sink = new FunctionQuarantineSink(async (entries) => {
      calls.push(entries);
    });
    const entries = kinesisEntries(4);

    // Act
    await sink.write(entries);

    // Assert
    expect(calls).toEqual([entries]);
    expect(sink.kind).toBe('function');
  });

  it('accepts a synchronous callback', async () => {
    // Arrange
    let seen = 0;
    const sink = new FunctionQuarantineSink((entries) => {
      seen += entries.length;
    });

    // Act
    await sink.write(kinesisEntries(2));

    // Assert
    expect(seen).toBe(2);
  });

  it('does not call the callback for an empty write', async () => {
    // Arrange
    let called = false;
    const sink = new FunctionQuarantineSink(() => {
      called = true;
    });

    // Act
    await sink.write([]);

    // Assert
    expect(called).toBe(false);
  });

  it('turns a failing callback into a QuarantineWriteError with the error as cause', async () => {
    // Arrange
    const failure = new Error('database unavailable');
    const sink = new FunctionQuarantineSink(async () => {
      throw failure;
    });
    const entries = kinesisEntries(3);

    // Act
    const error = await sink.write(entries).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as QuarantineWriteError).cause).toBe(failure);
    expect((error as QuarantineWriteError).sinkKind).toBe('function');
    expect((error as QuarantineWriteError).failures.map((f) => f.entry)).toEqual(entries);
    expect((error as QuarantineWriteError).message).toContain('database unavailable');
  });
});
