import { defineConfig } from 'vitest/config';

// Tests run in forked processes: DuckDB and chdb are native modules that do not like worker threads.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
