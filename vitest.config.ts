import { defineConfig } from 'vitest/config';

/**
 * Test files that register test-only device models (test-regs, standin-igd, test-intel-vga) in the device registry.
 * They run isolated, so those models never show up in another file's model list.
 */
const REGISTERS_TEST_MODELS = ['test/firmware/hooks.test.ts', 'test/rom/run.test.ts', 'test/traps/igd-bar4.test.ts', 'test/traps/rules.test.ts'];

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
          exclude: REGISTERS_TEST_MODELS,
          // One module graph per worker instead of one per test file: re-importing the project for each of ~75
          // files was most of the suite's CPU time (test/config+igd+dirty: import 14.3 s → 4.6 s). The device
          // registry is the only process-wide state the code has, and these files only add real models to it.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: REGISTERS_TEST_MODELS, isolate: true } },
    ],
  },
});
