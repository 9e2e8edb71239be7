import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { V8_TIERING_FLAGS } from '../../vmm/frontends/v8-flags.js';
import { compiled, ROOT } from '../helpers/compiled.js';

// The CLI and a sweep worker set V8's tiering flags before anything else of theirs runs (vmm/frontends/v8-tiering.ts,
// docs/performance.md §13). v8.setFlagsFromString ignores a flag V8 does not know, silently: so each one is
// checked on node's command line, which refuses an unknown one.

const nodeAccepts = (flag: string): number | null => spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' }).status;

describe('the V8 tiering flags', () => {
  it('are the measured inlining limit', () => {
    expect(V8_TIERING_FLAGS).toEqual(['--max-inlined-bytecode-size=100']);
  });

  it('are each known to this Node’s V8 (node refuses an unknown one, as the check relies on)', () => {
    expect(V8_TIERING_FLAGS.map(nodeAccepts)).toEqual(V8_TIERING_FLAGS.map(() => 0));
    expect(nodeAccepts('--max-inlined-bytecode-sise=100')).not.toBe(0);
  });
});

/** The module specifiers of a source file's import (and `export … from`) declarations, in order. */
function importsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const out: string[] = [];
  for (const s of sf.statements) {
    if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier !== undefined && ts.isStringLiteral(s.moduleSpecifier)) out.push(s.moduleSpecifier.text);
  }
  return out;
}

describe('the programs vfio-sim starts set them first', () => {
  it.each(['vmm/frontends/cli/main.ts', 'vmm/frontends/sweep/worker.ts'])('%s imports v8-tiering before anything else', (file) => {
    expect(importsOf(file)[0]).toBe('../v8-tiering.js');
  });

  it('the library entry does not (a process that imports vfio-sim keeps its own V8)', () => {
    const seen = new Set<string>();
    const stack = ['vmm/index.ts'];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      for (const spec of importsOf(f)) if (spec.startsWith('.')) stack.push(join(f, '..', spec).replace(/\.js$/, '.ts'));
    }
    expect(seen.size).toBeGreaterThan(100);
    expect([...seen].filter((f) => f.includes('v8-tiering'))).toEqual([]);
  });

  describe('in the bundles (scripts/bundle-cli.mjs), before any bundled module’s code', () => {
    let bundles: Record<string, string> = {};
    beforeAll(async () => {
      const c = await compiled();
      const { bundleProgram } = (await import(pathToFileURL(join(ROOT, 'scripts/bundle-cli.mjs')).href)) as { bundleProgram: (entry: string, out: string) => Promise<void> };
      for (const entry of ['cli/main', 'sweep/worker']) {
        const out = join(c.dir, `vmm/frontends/${entry}.tiering-test.js`);
        await bundleProgram(join(c.dir, `vmm/frontends/${entry}.js`), out);
        bundles[entry] = readFileSync(out, 'utf8');
      }
    }, 180_000);

    it.each(['cli/main', 'sweep/worker'])('%s', (entry) => {
      const text = bundles[entry]!;
      const at = text.indexOf('setFlagsFromString(flag)');
      expect(at).toBeGreaterThan(0);
      // What precedes the flag loop at the top level: Node's own modules' imports, rolldown's runtime helpers, comments
      // (rolldown names each module it inlines, the flags' own two included) and nothing else.
      const before = text.slice(0, at).split('\n').slice(0, -1).filter((l) => /^\S/.test(l) && !/^[}\])]/.test(l));
      const foreign = before.filter((l) => !/^(\/\*\*|\*|\/\/ [A-Z]|#!|import \{[^}]*\} from "node:[^"]+";$|import \w+ from "node:[^"]+";$|\/\/ \\0rolldown\/runtime\.js$|\/\/ \S*\/vmm\/frontends\/v8-(tiering|flags)\.js$|var __\w+ = )/.test(l));
      expect(foreign).toEqual([]);
      expect(text.slice(at - 60, at)).toContain('for (const flag of ["--max-inlined-bytecode-size=100"])');
    });
  });
});
