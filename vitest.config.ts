import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One Temporal dev server and one workflow bundle for the whole run; each test file gets its own task queue.
    globalSetup: ['./test/support/global-setup.ts'],
    // The Temporal SDK's native module is not safe under worker threads; forks isolate it per file.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
