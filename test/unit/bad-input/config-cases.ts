import { MISCONFIGURATIONS } from '../config/misconfigurations.js';
import type { ConfigCase } from './corpus-types.js';

/**
 * Configuration mistakes: the rows of the misconfiguration table (`test/unit/config/misconfigurations.ts`,
 * whose test checks each one's named `ConfigError` subclass and path), counted here as the corpus's
 * configuration inputs. Each is rejected where it is written — never on the first record.
 */
export const CONFIG_CASES: readonly ConfigCase[] = MISCONFIGURATIONS.map((row) => ({
  kind: 'config',
  name: row.name,
  build: row.build,
  expectedError: row.error,
  expectedFate: 'config-error',
  expectedPath: row.path,
}));
