import { defineConfig } from 'vitest/config';

/** Unit, property and end-to-end tests under test/; benchmarks under test/bench run with `npm run bench`. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    benchmark: { include: ['test/bench/**/*.bench.ts'] },
    testTimeout: 60_000,
    pool: 'forks',
  },
});
