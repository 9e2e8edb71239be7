// Build step (npm run build / prepare, after tsc and build-validators): rewrites the two programs Node starts,
// dist/vmm/frontends/cli/main.js (the `vfio-sim` bin) and dist/vmm/frontends/sweep/worker.js (a sweep worker),
// as single files holding every module they import (rolldown, ES module output). Node 20 loads and compiles
// each ES module separately, ~240 for a `boot`: one file cuts a CLI start by about a third and a worker's
// start likewise (docs/performance.md §11). The other dist/ modules stay as tsc wrote them for the library
// (`vfio-sim` exports).
// Paths that modules find from import.meta.url are written from the dist/vmm/frontends/<folder>/ level
// (`../config/…`, `../sweep/…`), so they resolve the same from the module and from the bundled file.
import { renameSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

/**
 * Only Node's own modules stay imports. npm packages a program imports statically (commander, cli-progress) are
 * bundled too, tree-shaken: an ES package of many modules (TypeBox's ES build is ~200) would otherwise cost its
 * module loads again. Packages loaded on demand through createRequire (yaml, ajv, TypeBox) are not seen here.
 */
const external = (id) => id.startsWith('node:') || builtinModules.includes(id);

/** Bundles the ES module `entry` and what it imports from its tree into `out` (written whole, then renamed). */
export async function bundleProgram(entry, out) {
  const bundle = await rolldown({ input: entry, platform: 'node', external, logLevel: 'warn' });
  const tmp = `${out}.bundle.tmp`;
  await bundle.write({ file: tmp, format: 'esm', codeSplitting: false, sourcemap: false });
  await bundle.close();
  renameSync(tmp, out);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dist = new URL('../dist/vmm/frontends/', import.meta.url);
  for (const entry of ['cli/main.js', 'sweep/worker.js']) {
    const file = fileURLToPath(new URL(entry, dist));
    await bundleProgram(file, file);
    process.stdout.write(`bundle-cli: ${file} (${statSync(file).size} bytes)\n`);
  }
}
