import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Sweep workers are plain Node threads: they cannot load the TypeScript sources vitest runs.
 * So the sweep tests compile the project (tsconfig.build.json, ~3 s) into a fresh temp folder and
 * point the pool at that worker. A fresh build, unlike a possibly stale dist/, always matches
 * the sources under test. tsc still emits when someone else's in-progress file has type errors.
 */
export function buildCompiled(): { dir: string; workerFile: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vfio-sim-sweep-'));
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dir], { stdio: 'ignore' });
  } catch {
    // type errors elsewhere: the emitted JS is still there (checked below)
  }
  const worker = join(dir, 'vmm/sweep/worker.js');
  if (!existsSync(worker)) throw new Error(`tsc did not emit ${worker}`);
  // ES modules (package "type") and the dependencies, as from dist/.
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return { dir, workerFile: pathToFileURL(worker).href, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
