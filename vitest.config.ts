import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real peers (swtpm, kubectl, the server) are processes: keep a few files in flight, not all.
    maxWorkers: 2,
  },
});
