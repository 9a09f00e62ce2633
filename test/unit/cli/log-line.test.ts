import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../../../src/cli/cli-logger.js';

const entry = JSON.stringify({
  level: 'warn',
  time: '2026-01-02T03:04:05.678Z',
  stream: 'clicks',
  shardId: 'shardId-000000000000',
  err: {
    type: 'TransientError',
    message: 'store down\nsecond line',
    stack: 'TransientError: store down\n    at process (clicks.ts:1:1)',
  },
  msg: 'record failed, reported for retry',
});

describe('formatLogLine', () => {
  it('makes one line of a warning: time, level, stream, message, fields and the error', () => {
    // Act
    const line = formatLogLine(entry, { verbose: false });

    // Assert
    expect(line).toBe(
      '03:04:05 WARN  [clicks] record failed, reported for retry · shardId=shardId-000000000000 · TransientError: store down second line',
    );
  });

  it('adds the stack under the line only with --verbose', () => {
    // Act
    const lines = formatLogLine(entry, { verbose: true }).split('\n');

    // Assert
    expect(lines).toEqual([
      expect.stringMatching(/^03:04:05 WARN {2}\[clicks\] record failed/),
      '    TransientError: store down',
      '        at process (clicks.ts:1:1)',
    ]);
  });

  it('cuts the line to the terminal width so it never wraps', () => {
    // Act
    const line = formatLogLine(entry, { verbose: false, width: 80 });

    // Assert
    expect(line).toHaveLength(79);
    expect(line.endsWith('…')).toBe(true);
  });
});
