import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // No top-level include: with `extends: true` a project's include is added to it, not put in its place.
    testTimeout: 60_000,
    // Reserves one folder per run for the compiled copy that the sweep and bin tests share (built on first use).
    globalSetup: ['test/global-setup.ts'],
    // CI also keeps a JSON summary, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env['CI'] ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest/results.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          // One module graph per worker instead of one per test file: re-importing the project for each of ~75
          // files was most of the suite's CPU time (test/config+igd+dirty: import 14.3 s → 4.6 s). The code has no
          // process-wide state to leak between files (test/architecture/module-state.test.ts): a test's own
          // device models go into its own registry (ModelRegistry.with), never into a shared one.
          isolate: false,
        },
      },
    ],
  },
});
