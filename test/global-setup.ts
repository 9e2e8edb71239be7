import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** An empty folder for this run's one compiled copy of the project (see test/helpers/compiled.ts). */
    compiledDir: string;
  }
}

/**
 * Runs once per `vitest run`, in the main process. It only reserves the folder: the compile itself
 * happens on first use (test/helpers/compiled.ts), so a targeted run that needs no compiled copy pays
 * nothing, and a full run compiles once instead of once per test file.
 */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-sim-compiled-'));
  project.provide('compiledDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
