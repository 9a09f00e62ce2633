import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // `import … from 'shardflow'` inside this repository resolves to the sources (package.json exports).
    conditions: ['shardflow-source'],
  },
  ssr: { resolve: { conditions: ['shardflow-source'], externalConditions: ['shardflow-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
