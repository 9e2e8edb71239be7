import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { inject } from 'vitest';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Compiled {
  /** The compiled project: `vmm/frontends/cli/main.js` etc., with package.json and node_modules as in dist/. */
  dir: string;
  /** file: URL of the sweep's Piscina worker. */
  workerFile: string;
}

const READY = 'ready';
const FAILED = 'failed';

/**
 * Piscina workers and the `vfio-sim` bin are plain Node: they cannot load the TypeScript sources vitest
 * runs. So tests that need them use one compiled copy of the project (tsconfig.build.json) per
 * `vitest run`, in the folder test/global-setup.ts reserves. A fresh build, unlike a possibly stale
 * dist/, always matches the sources under test.
 *
 * Test files run in parallel workers, so the first caller builds (mkdir of a lock folder is atomic) and
 * the others wait for its marker file. tsc still emits when someone else's in-progress file has type
 * errors; only a missing output file is a failure.
 */
export async function compiled(timeoutMs = 120_000): Promise<Compiled> {
  const dir = inject('compiledDir');
  const result = { dir, workerFile: pathToFileURL(join(dir, 'vmm/frontends/sweep/worker.js')).href };
  let builder = true;
  try {
    mkdirSync(join(dir, '.lock'));
  } catch {
    builder = false;
  }
  if (builder) {
    build(dir);
    return result;
  }
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(join(dir, READY))) {
    if (existsSync(join(dir, FAILED))) throw new Error(readFileSync(join(dir, FAILED), 'utf8'));
    if (Date.now() > deadline) throw new Error(`no compiled copy in ${dir} after ${timeoutMs} ms`);
    await sleep(100);
  }
  return result;
}

function build(dir: string): void {
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dir], { stdio: 'ignore' });
  } catch {
    // type errors elsewhere: the emitted JS is still there (checked below)
  }
  const worker = join(dir, 'vmm/frontends/sweep/worker.js');
  if (!existsSync(worker)) {
    writeFileSync(join(dir, FAILED), `tsc did not emit ${worker}`);
    throw new Error(`tsc did not emit ${worker}`);
  }
  // ES modules (package "type") and the dependencies, as from dist/.
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, READY), '');
}
