import { defineConfig } from 'vitest/config';

// Benchmarks run on demand (`npm run bench`), never as part of `npm test`.
export default defineConfig({
  test: { include: ['bench/**/*.bench.ts'], testTimeout: 1_800_000, pool: 'forks' },
});
