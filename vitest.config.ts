import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // end-to-end runs take seconds on a quiet machine; on a loaded 2-core one (load average 15-20 seen) a
    // capacity search or a hook starting ten CLI runs took over 60 s: a timeout is a failure of the machine, not the code
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
