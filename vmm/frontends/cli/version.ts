import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package version, read from the package.json above this module: vmm/frontends/cli/ in the sources, dist/vmm/frontends/cli/ when
 * built or installed, so the depth differs and the search walks up to the first package.json named vfio-sim.
 */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'vfio-sim' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or not ours): keep walking up
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
