import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import { MISCONFIGURATIONS } from './misconfigurations.js';

/**
 * Every misconfiguration of the table is rejected where it is written, with its named `ConfigError` subclass
 * and the path of the offending setting.
 */
describe('misconfigurations', () => {
  it('has at least 40 distinct rows', () => {
    // Arrange
    const names = MISCONFIGURATIONS.map((row) => row.name);

    // Act
    const distinct = new Set(names);

    // Assert
    expect(distinct.size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(40);
  });

  it.each(MISCONFIGURATIONS.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    // Arrange
    let thrown: unknown;

    // Act
    try {
      row.build();
    } catch (error) {
      thrown = error;
    }

    // Assert
    expect(thrown).toBeInstanceOf(ConfigError);
    expect({ error: (thrown as ConfigError).name, path: (thrown as ConfigError).path }).toEqual({
      error: row.error,
      path: row.path,
    });
  });
});
