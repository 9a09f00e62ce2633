import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_REFERENCE_PATH, renderConfigReference } from '../../../scripts/config-reference.js';

/** docs/config-reference.md is generated from the settings table; a change to the table must regenerate it. */
describe('docs/config-reference.md', () => {
  it('is what `npm run docs:config` writes from the settings table (run it when this fails)', () => {
    // Arrange
    const committed = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');

    // Act
    const generated = renderConfigReference();

    // Assert
    expect(committed).toBe(generated);
  });
});
