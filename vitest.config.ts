import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/moto-server.ts', 'test/setup/postgres.ts'],
    testTimeout: 20_000,
    hookTimeout: 40_000,
    // Every test file gets its own process: AWS SDK clients read AWS_ENDPOINT_URL from the environment.
    pool: 'forks',
  },
});
