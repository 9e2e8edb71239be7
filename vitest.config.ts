import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Reserves one folder per run for the compiled copy that the sweep and bin tests share (built on first use).
    globalSetup: ['test/global-setup.ts'],
    // CI also keeps a JSON summary, from which .ci/run prints the plain "N passed, N failed" line.
    reporters: process.env['CI'] ? ['default', 'json'] : ['default'],
    outputFile: { json: '.vitest/results.json' },
  },
});
