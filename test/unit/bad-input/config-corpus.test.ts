import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import { CONFIG_CASES } from './corpus.js';

/**
 * Configuration bad inputs: rejected when the config is defined (or the handler built) with a named
 * `ConfigError` subclass whose `path` names the offending setting.
 */
describe.each(CONFIG_CASES.map((c) => [c.name, c] as const))('bad config — %s', (_title, testCase) => {
  it(`throws ${testCase.expectedError} at ${testCase.expectedPath}`, () => {
    // Arrange
    let thrown: unknown;

    // Act
    try {
      testCase.build();
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).name).toBe(testCase.expectedError);
    expect((thrown as ConfigError).path).toBe(testCase.expectedPath);
  });
});
