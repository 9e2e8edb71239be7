import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import * as vfioSim from '../../vmm/index.js';
import * as matchers from '../../vmm/frontends/testing/matchers.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import { runCli } from '../cli/run-cli.js';
import { ROOT } from '../helpers/compiled.js';

// The README is the first thing a user runs: every example in it is run here, as written.

interface Block {
  lang: string;
  line: number;
  text: string;
}

function readmeBlocks(): Block[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\w*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, line: start + 1, text: body.join('\n') });
  }
  return blocks;
}

const BLOCKS = readmeBlocks();
const work = mkdtempSync(join(tmpdir(), 'vfio-sim-readme-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs a TypeScript example: types stripped by tsc, its imports served from the sources under test. */
async function runTs(code: string): Promise<string[]> {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const logged: string[] = [];
  const modules: Record<string, unknown> = {
    'vfio-sim': vfioSim,
    'vfio-sim/matchers': matchers,
    // A README test file runs its describe/it bodies at once, inside this test.
    vitest: { describe: (_: string, f: () => void) => f(), it: (_: string, f: () => void) => f(), expect },
  };
  const body = js.replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, names: string, from: string) => {
    const mod = modules[from] as Record<string, unknown> | undefined;
    if (mod === undefined) throw new Error(`README example imports '${from}', which a user cannot import`);
    for (const n of names.split(',').map((x) => x.trim().split(/\s+as\s+/)[0]!).filter((x) => x !== '')) {
      if (!(n in mod)) throw new Error(`README example imports ${n} from '${from}', which does not export it`);
    }
    return `const {${names.replace(/\bas\b/g, ':')}} = __modules[${JSON.stringify(from)}];`;
  });
  if (/^import /m.test(body)) throw new Error(`README example has an import this test cannot serve:\n${body}`);
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('__modules', 'console', body)(modules, { log: (...a: unknown[]) => logged.push(a.join(' ')) });
  return logged;
}

/** `npx vfio-sim ...` lines of a shell example, with output files sent to a temp folder. */
function cliLines(text: string): { args: string[]; exit: number; line: string; files: string[] }[] {
  return text
    .split('\n')
    .map((l) => l.replace(/^npm ci && /, ''))
    .filter((l) => l.startsWith('npx vfio-sim '))
    .map((line) => {
      const [cmd, comment = ''] = line.split(/\s+#\s/, 2);
      const args = cmd!.trim().split(/\s+/).slice(2);
      const files: string[] = [];
      for (let i = 0; i < args.length - 1; i++) {
        if (/^--(csv|html|svg|json|trace)$/.test(args[i]!) && !args[i + 1]!.startsWith('--')) files.push((args[i + 1] = join(work, args[i + 1]!)));
      }
      const exit = /exit (\d)/.exec(comment);
      return { args, exit: exit === null ? 0 : Number(exit[1]), line, files };
    });
}

describe('README examples', () => {
  it('has the examples this test runs', () => {
    // At least the examples written when this test was: sections add more, and each one added runs below.
    expect(BLOCKS.filter((b) => b.lang === 'ts').length).toBeGreaterThanOrEqual(3);
    expect(BLOCKS.filter((b) => b.lang === 'sh').flatMap((b) => cliLines(b.text)).length).toBeGreaterThanOrEqual(9);
  });

  for (const b of BLOCKS.filter((x) => x.lang === 'ts')) {
    it(`runs the TypeScript example at README.md:${b.line}`, async () => {
      const logged = await runTs(b.text);
      // Each example that prints prints something real (not "undefined").
      for (const l of logged) expect(l).not.toMatch(/undefined|NaN/);
    });
  }

  for (const b of BLOCKS.filter((x) => x.lang === 'sh')) {
    for (const c of cliLines(b.text)) {
      it(`runs \`${c.line.split('  #')[0]!.trim()}\` (README.md:${b.line}) with exit ${c.exit}`, async () => {
        const r = await runCli(...c.args);
        expect(r.stderr).not.toMatch(/^error|usage/im);
        expect(r.code).toBe(c.exit);
        // It printed something, or wrote the files it was asked for.
        if (c.files.length === 0) expect(r.stdout.length).toBeGreaterThan(0);
        for (const f of c.files) expect(statSync(f).size).toBeGreaterThan(0);
      });
    }
  }

  it('the dirty-tracking example answers the first query of a new range all dirty', async () => {
    const b = BLOCKS.find((x) => x.lang === 'ts' && x.text.includes('new DirtyTracker'))!;
    expect(await runTs(b.text)).toEqual(['initial 8100']);
  });

  it('the compare example prints the two strategies\' table', async () => {
    const b = BLOCKS.find((x) => x.lang === 'ts' && x.text.includes('compareStrategies('))!;
    const [table] = await runTs(b.text);
    expect(table!.split('\n').slice(0, 3)).toEqual([
      "IGD strategies for igd-skl-q35 (gen 9); changes against 'none'",
      expect.stringMatching(/^\s+e820-reserved\s+lpc-bars$/),
      expect.stringMatching(/^\s+-+\s+-+$/),
    ]);
    expect(table).toMatch(/^BDSM \(guest\)\s+0x7af00000\s+0xf8000000$/m);
  });

  it('the machine config example is a valid config', () => {
    const b = BLOCKS.find((x) => x.lang === 'yaml' && x.text.startsWith('name: my-vm'))!;
    const r = parseConfig(b.text, 'README.md');
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual([]);
  });

  it('every function the README documents with a call is importable from vfio-sim', () => {
    const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const called = new Set([...text.matchAll(/`([a-z][A-Za-z0-9]*)\(/g)].map((m) => m[1]!));
    // Methods of exported classes and vitest's expect, documented with their receiver nearby.
    for (const method of ['expect', 'getAndClearInto', 'pagesDirtied', 'poll', 'track', 'untrack']) called.delete(method);
    const exported = vfioSim as Record<string, unknown>;
    expect([...called].filter((f) => typeof exported[f] !== 'function')).toEqual([]);
    expect([...called].sort()).toEqual(['bootSpec', 'compareQemuVersions', 'qxlReportSection', 'runWorkload', 'trackDirtyVram', 'validateWorkload', 'workloadSchema']);
  });
});
