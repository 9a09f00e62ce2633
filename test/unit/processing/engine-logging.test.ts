import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../../src/runtime/errors.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { createLogger, type Logger, levelEnabled } from '../../../src/runtime/observability/logger.js';
import { captureDestination } from '../observability/capture.js';
import { clickConfig, kinesisEvent, MemorySink } from './engine-fixtures.js';

/** A logger at `level` that records every call it gets (method and message) and every child it makes. */
function recordingLogger(level: string, calls: string[] = []): Logger {
  const method = (name: string) => (fields: unknown, message?: unknown) => {
    calls.push(`${name}: ${typeof fields === 'string' ? fields : String(message)}`);
  };
  return {
    level,
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    child: () => {
      calls.push('child');
      return recordingLogger(level, calls);
    },
  };
}

const mixedBatch = () =>
  kinesisEvent([
    { pk: 'a', data: { userId: 'a', n: 0 } },
    { pk: 'b', data: { userId: 'b', n: 1 } },
    { pk: 'c', data: { userId: 'c', n: 'not a number' } },
  ]);

describe('BatchEngine logging', () => {
  it('writes the batch done line of a batch with a failure at info, with awsRequestId and stream once, and the fate counts', async () => {
    // Arrange
    const destination = captureDestination();
    const { config } = clickConfig((p) => {
      if (p.n === 1) throw new Error('transient');
    });
    const handler = createHandler(config, 'clicks', {
      logger: createLogger({ level: 'info', destination }),
      quarantine: new MemorySink(),
      metrics: false,
    });

    // Act
    await handler(
      kinesisEvent([
        { pk: 'a', data: { userId: 'a', n: 0 } },
        { pk: 'b', data: { userId: 'b', n: 1 } },
      ]),
      { awsRequestId: 'req-1' },
    );

    // Assert: the failed record's warn line, then the batch's line
    const lines = destination.raw.map((raw) => JSON.parse(raw) as Record<string, unknown>);
    expect(lines.map((line) => line.msg)).toEqual(['record failed, reported for retry: Error', 'batch done']);
    const line = destination.raw[1]!;
    expect(line.match(/"awsRequestId"/g)).toHaveLength(1);
    expect(Object.keys(JSON.parse(line))).toEqual([
      'level',
      'time',
      'awsRequestId',
      'stream',
      'records',
      'processed',
      'duplicate',
      'ignored',
      'quarantined',
      'failed',
      'blocked',
      'deferred',
      'batchItemFailures',
      'durationMs',
      'iteratorAgeMs',
      'msg',
    ]);
    expect(JSON.parse(line)).toMatchObject({
      level: 'info',
      awsRequestId: 'req-1',
      stream: 'clicks',
      records: 2,
      processed: 1,
      failed: 1,
      batchItemFailures: 1,
    });
  });

  it.each([
    ['info', []],
    ['debug', ['debug']],
  ])(
    'at level %s, a batch whose records all succeed logs its batch done line at debug only',
    async (level, expected) => {
      // Arrange
      const destination = captureDestination();
      const { config } = clickConfig(() => {});
      const handler = createHandler(config, 'clicks', {
        logger: createLogger({ level, destination }),
        quarantine: new MemorySink(),
        metrics: false,
      });

      // Act
      await handler(kinesisEvent([{ pk: 'a', data: { userId: 'a', n: 0 } }]), { awsRequestId: 'req-1' });

      // Assert
      const lines = destination.raw.map((raw) => JSON.parse(raw) as Record<string, unknown>);
      expect(lines.map((line) => line.level)).toEqual(expected);
      for (const line of lines) expect(line).toMatchObject({ msg: 'batch done', records: 1, processed: 1, failed: 0 });
    },
  );

  it('builds no line and no child logger for levels that are off', async () => {
    // Arrange: one quarantined and one failed record, which log warn lines at warn and below
    const calls: string[] = [];
    const { config } = clickConfig((p) => {
      if (p.n === 1) throw new Error('transient');
    });
    const handler = createHandler(config, 'clicks', {
      logger: recordingLogger('error', calls),
      quarantine: new MemorySink(),
      metrics: false,
    });

    // Act
    const result = await handler.run(mixedBatch(), { awsRequestId: 'req-2' });

    // Assert
    expect(result.counts).toMatchObject({ processed: 1, failed: 1, quarantined: 1 });
    expect(calls).toEqual([]);
  });

  it('logs the record-level lines on the invocation child when their level is on', async () => {
    // Arrange
    const calls: string[] = [];
    const { config } = clickConfig((p) => {
      if (p.n === 1) throw new PermanentError('poison');
    });
    const handler = createHandler(config, 'clicks', {
      logger: recordingLogger('warn', calls),
      quarantine: new MemorySink(),
      metrics: false,
    });

    // Act
    await handler.run(mixedBatch(), { awsRequestId: 'req-3' });

    // Assert
    expect(calls).toEqual(['child', 'warn: quarantined: PermanentError', 'warn: quarantined: SchemaValidationError']);
  });

  it('tells which levels a logger writes, counting unknown levels as enabled', () => {
    // Assert
    expect(levelEnabled({ level: 'info' }, 'debug')).toBe(false);
    expect(levelEnabled({ level: 'info' }, 'info')).toBe(true);
    expect(levelEnabled({ level: 'info' }, 'error')).toBe(true);
    expect(levelEnabled({ level: 'silent' }, 'fatal')).toBe(false);
    expect(levelEnabled({ level: 'verbose' }, 'trace')).toBe(true);
  });
});
