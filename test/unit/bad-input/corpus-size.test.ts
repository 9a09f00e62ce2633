import { describe, expect, it } from 'vitest';
import { BAD_INPUT_CORPUS } from './corpus.js';

/** The issue asks for at least 30 distinct malformed inputs, each with a named error and a defined fate. */
describe('bad-input corpus', () => {
  it('holds at least 30 distinct malformed inputs, each with a defined fate', () => {
    // Arrange
    const malformed = BAD_INPUT_CORPUS.filter((c) => c.expectedFate !== 'processed');

    // Act
    const names = BAD_INPUT_CORPUS.map((c) => `${c.kind}:${'source' in c ? c.source : ''}:${c.name}`);

    // Assert
    expect(new Set(names).size).toBe(names.length);
    expect(malformed.length).toBeGreaterThanOrEqual(30);
    const fates = new Set(BAD_INPUT_CORPUS.map((c) => c.expectedFate));
    expect([...fates].sort()).toEqual([
      'config-error',
      'processed',
      'quarantine',
      'retry',
      'skip',
      'whole-batch-failure',
    ]);
  });

  it('names an error for every input that is not processed or deliberately skipped', () => {
    // Arrange
    const needingError = BAD_INPUT_CORPUS.filter((c) => c.expectedFate !== 'processed' && c.expectedFate !== 'skip');

    // Act
    const unnamed = needingError.filter((c) => c.expectedError === undefined);

    // Assert
    expect(unnamed.map((c) => c.name)).toEqual([]);
  });
});
