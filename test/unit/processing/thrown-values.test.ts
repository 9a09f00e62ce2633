import { describe, expect, it } from 'vitest';
import { TransientError } from '../../../src/runtime/errors.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { createLogger } from '../../../src/runtime/observability/logger.js';
import { NonErrorThrownError } from '../../../src/runtime/processing/errors.js';
import { toError } from '../../../src/runtime/processing/thrown-value.js';
import { captureDestination } from '../observability/capture.js';
import { clickConfig, kinesisEvent, MemorySink } from './engine-fixtures.js';
import { THROWN_SHAPES } from './thrown-shapes.js';

/**
 * Whatever a processor throws, only its record fails: values that are not readable Errors become a
 * `NonErrorThrownError` (transient: the record is reported for retry) and get a log line.
 */

describe('toError', () => {
  it.each(THROWN_SHAPES)('turns %s into a NonErrorThrownError without throwing', (_title, make, description) => {
    // Arrange
    const thrown = make();

    // Act
    const error = toError(thrown);

    // Assert
    expect(error).toBeInstanceOf(NonErrorThrownError);
    expect(error.name).toBe('NonErrorThrownError');
    expect(error.message).toContain(description);
  });

  it('keeps a readable Error as it is', () => {
    // Arrange
    const error = new TransientError('throttled', { cause: new Error('inner') });

    // Act / Assert
    expect(toError(error)).toBe(error);
  });
});

describe('a processor that throws a value of any shape', () => {
  it.each(THROWN_SHAPES)('fails only its record when it throws %s, with a log line', async (_title, make) => {
    // Arrange
    const destination = captureDestination();
    const logger = createLogger({ level: 'info', destination, redact: ['email'] });
    const { config } = clickConfig((payload) => {
      if (payload.userId === 'bad') throw make();
    });
    const handler = createHandler(config, 'clicks', { logger, quarantine: new MemorySink(), metrics: false });
    const event = kinesisEvent([
      { pk: 'bad', data: { userId: 'bad', n: 0 } },
      { pk: 'good', data: { userId: 'good', n: 1 } },
    ]);

    // Act
    const result = await handler.run(event);

    // Assert
    expect(result.outcomes.map((o) => o.fate)).toEqual(['failed', 'processed']);
    expect(result.outcomes[0]?.error?.name).toMatch(/^NonErrorThrownError$/);
    expect(result.response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.kinesis.sequenceNumber }]);
    const line = destination.lines().find((l) => String(l.msg).startsWith('record failed'));
    expect(line).toMatchObject({ level: 'warn', err: { type: 'NonErrorThrownError' } });
  });
});
