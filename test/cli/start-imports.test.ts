import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/compiled.js';

/**
 * What a `vfio-sim boot` loads before it boots (docs/performance.md §11): the static (value) imports reachable
 * from the bin and the boot command. Packages a plain config does not need are loaded on demand
 * (createRequire), never by an import: TypeBox (~200 ES modules), yaml (~70 files), ajv.
 */
function staticGraph(entries: readonly string[]): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>(); // package → first file importing it
  const stack = entries.map((e) => join(ROOT, e));
  // `import x from`, `import { a, type B } from`, `export { a } from`, `export * from`, `import './x.js'`; not `import type` / `export type`.
  const re = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?'([^']+)'/gm;
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(re)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) stack.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:') && !packages.has(spec)) packages.set(spec, relative(ROOT, file));
    }
  }
  return { files, packages };
}

describe('a CLI boot imports only what it runs', () => {
  const { files, packages } = staticGraph(['vmm/frontends/cli/main.ts', 'vmm/frontends/cli/commands-boot.ts']);

  it('follows the graph (the boot path, the config loader)', () => {
    expect(files.size).toBeGreaterThan(150);
    expect([...files].some((f) => f.endsWith('vmm/frontends/config/plain-yaml.ts'))).toBe(true);
  });

  it('imports no package but commander: TypeBox, yaml and ajv are loaded on demand', () => {
    expect(Object.fromEntries(packages)).toEqual({ commander: 'vmm/frontends/cli/main.ts' });
  });

  it('does not import the map renderer or the sweep engine', () => {
    const names = [...files].map((f) => relative(ROOT, f));
    expect(names.filter((f) => /vmm\/frontends\/(map|sweep)\//.test(f))).toEqual([]);
  });
});
