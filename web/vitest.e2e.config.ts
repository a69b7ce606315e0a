import { defineConfig } from 'vitest/config'

// Browser flows: Debian's chromium driven by playwright-core against the real
// server (build/liantiao) on a temporary database with the test clock. One file at
// a time: each starts its own server and browser, and the machine has two cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
