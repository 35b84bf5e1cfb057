import { defineConfig } from 'vitest/config';

// Unit and integration tests. Integration tests (*.int.test.ts) run real ffmpeg
// and real ingest servers on 127.0.0.1, so they run one file at a time on 2 cores.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
