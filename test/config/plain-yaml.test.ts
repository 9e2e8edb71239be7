import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isScalar, parseDocument, visit } from 'yaml';
import { mulberry32, mutate } from '../../bench/fuzz/mutate.js';
import { parsePlainYaml, resolvePlain } from '../../vmm/frontends/config/plain-yaml.js';
import { YamlSource, type PathSeg } from '../../vmm/frontends/config/yaml-doc.js';
import { formatConfigError, parseConfig } from '../../vmm/frontends/config/index.js';

/** Every .yaml under a folder, recursively, sorted. */
function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (n.endsWith('.yaml') || n.endsWith('.yml')) out.push(p);
  }
  return out;
}

const FILES = [...yamlFiles('configs'), ...yamlFiles('test/fixtures')];

/** Paths of every number in `v`, as [path, value]. */
function numberPaths(v: unknown, path: PathSeg[] = []): PathSeg[][] {
  if (typeof v === 'number') return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => numberPaths(x, [...path, i]));
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => numberPaths(x, [...path, k]));
  return [];
}

/**
 * What the fast reader answers must be what the full `yaml` path answers: the same plain data
 * (Object.is on every number, so -0 and NaN count), no syntax or limit error there, and the same
 * text as written for every number. Returns whether the fast reader took the text.
 */
function agrees(text: string): boolean {
  const fast = parsePlainYaml(text);
  if (fast === undefined) return false;
  const full = new YamlSource(text);
  expect(full.syntaxErrors(), text).toEqual([]);
  // node's deep strict equality: vitest's toStrictEqual compares `constructor` properties, which a config may hold as a key.
  expect(isDeepStrictEqual(fast.value, full.toJS()), text).toBe(true);
  for (const p of numberPaths(fast.value)) expect(fast.sourceOf(p), `${text}\n${p.join('.')}`).toBe(full.sourceOf(p));
  return true;
}

describe('the fast YAML reader answers exactly what the yaml package answers, or leaves the text to it', () => {
  it('reads every recorded topology and bundled config itself, with the same data and number texts', () => {
    const mine = FILES.filter((f) => f.startsWith('configs') || f.includes('fixtures/seabios/'));
    expect(mine.length).toBeGreaterThan(60);
    const taken = mine.filter((f) => agrees(readFileSync(f, 'utf8')));
    expect(taken).toEqual(mine);
  });

  it('agrees on every YAML file in configs/ and test/fixtures/ (bad configs included) that it takes', () => {
    let taken = 0;
    for (const f of FILES) if (agrees(readFileSync(f, 'utf8'))) taken++;
    // Most files are in the subset; the rest (anchors, block scalars, syntax errors) go to yaml.
    expect(taken).toBeGreaterThan(FILES.length / 2);
  });

  it('agrees on 2500 fuzzed variants of those files (text and structure mutations)', () => {
    const rng = mulberry32(14);
    const seeds = FILES.map((f) => readFileSync(f, 'utf8'));
    let taken = 0;
    for (let i = 0; i < 2500; i++) if (agrees(mutate(rng, seeds[i % seeds.length]!))) taken++;
    expect(taken).toBeGreaterThan(600);
  });

  it('leaves anchors, tags, block scalars, duplicate keys, tabs, multi-line scalars and documents markers to yaml', () => {
    for (const text of [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |\n  x\n', 'a: 1\na: 2\n', 'a:\t1\n', 'a: b\n  c\n', '---\na: 1\n', 'a: "x\\ty"\n',
      'a: {b: 1,}\n', 'a: [1,\n  2]\n', '- a\n', 'a: b: c\n', '"a": 1\n', 'null: 1\n', '1: x\n', '__proto__: 1\n', '', '# only\n',
    ]) expect(parsePlainYaml(text), JSON.stringify(text)).toBeUndefined();
  });

  it('reads the forms configs use', () => {
    const r = parsePlainYaml('# c\nname: x  # c\nm:\n  n: 0x10\n  f: 02.0\n  q: "7.2"\n  s: \'it\'\'s\'\nd:\n- a: 1\n  b: { c: 1.5e3, d: ~ }\n- [1, two, "3"]\ne:\n');
    expect(r?.value).toStrictEqual({ name: 'x', m: { n: 16, f: 2, q: '7.2', s: "it's" }, d: [{ a: 1, b: { c: 1500, d: null } }, [1, 'two', '3']], e: null });
    expect(r?.sourceOf(['m', 'f'])).toBe('02.0');
    expect(r?.sourceOf(['d', 1, 0])).toBe('1');
    expect(r?.sourceOf(['m', 'q'])).toBeUndefined();
  });

  it('resolves plain scalars by the core schema in yaml\'s tag order', () => {
    const cases = ['~', 'null', 'NULL', 'True', 'FALSE', 'true1', '0o17', '0o8', '+12', '-0', '007', '0x1F', '0X1F', '.inf', '-.Inf', '.NaN', '1e3', '-.5E-2', '1.', '.5', '1.2.3', '1_000', '0b1', '12M', '02.0'];
    for (const c of cases) {
      let node: unknown;
      visit(parseDocument(`k: ${c}\n`), { Scalar: (_, n) => void (node = isScalar(n) && n.value !== 'k' ? n.value : node) });
      expect(Object.is(resolvePlain(c), node) || (Number.isNaN(node) && Number.isNaN(resolvePlain(c))), c).toBe(true);
    }
  });
});

describe('a config read by the fast reader still reports FILE:LINE:COL exactly', () => {
  it('takes most bad-config fixtures itself, so their .expected files (bad-configs.test.ts) check its positions', () => {
    const bad = yamlFiles('test/fixtures/bad-configs');
    const taken = bad.filter((f) => parsePlainYaml(readFileSync(f, 'utf8')) !== undefined);
    expect(taken).toContain('test/fixtures/bad-configs/duplicate-addr.yaml');
    expect(taken.length).toBeGreaterThan(bad.length / 2);
  });

  it('places a problem and the earlier device it names from the text, found only then', () => {
    const text = 'machine:\n  type: q35\n\ndevices:\n  # two NICs\n  - model: e1000\n    addr: 03.0\n  - { model: rtl8139, addr: "03.0" }\n';
    expect(parsePlainYaml(text)).toBeDefined();
    const r = parseConfig(text, 'p.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map(formatConfigError)).toEqual(['p.yaml:8:29: addr 03.0 on the root bus is already used by e1000 (devices[0], line 6)']);
  });

  it('keeps a plain addr written as a number as its text (02.0 is slot 2, not the float 2)', () => {
    const r = parseConfig('machine:\n  type: q35\ndevices:\n  - model: e1000\n    addr: 02.0\n', 'a.yaml');
    expect(r.ok && r.spec.devices[0]?.devfn).toBe(0x10);
  });
});
