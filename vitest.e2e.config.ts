import { defineConfig } from 'vitest/config';

// End-to-end: the built headless host driven through Debian's Chromium by Playwright.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
