import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/compiled.js';

/** Every module a source file reaches through static imports (relative ones by path, packages by name). */
function closure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:import|export)\s(?!type\b)[^;]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.add(spec);
    }
  };
  visit(join(ROOT, entry));
  return { files, packages };
}

describe('sweep worker', () => {
  it('imports the boot path only: no config loader, schema validator, CLI or pool library', () => {
    const { files, packages } = closure('vmm/frontends/sweep/worker.ts');
    const rel = [...files].map((f) => f.slice(ROOT.length));
    expect(rel).toContain('vmm/core/boot/index.ts');
    expect(rel.filter((f) => /^vmm\/(cli\/|config\/(load|schema|schema-check|validator)\.ts)/.test(f))).toEqual([]);
    expect([...packages].filter((p) => ['ajv', 'piscina', 'commander', 'cli-progress'].includes(p))).toEqual([]);
  });

  it('is checked by a walk that does find the loader where it is imported (the boot command)', () => {
    const rel = [...closure('vmm/frontends/cli/commands-boot.ts').files].map((f) => f.slice(ROOT.length));
    expect(rel).toContain('vmm/frontends/config/load.ts');
    expect(rel).toContain('vmm/frontends/config/schema-check.ts');
  });
});
