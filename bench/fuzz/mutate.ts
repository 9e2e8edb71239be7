/**
 * Input generation for the fuzzer: a seeded PRNG, a corpus of real inputs (bundled configs, recorded
 * topologies, bad-config fixtures, bundled ROM programs), and mutators that work on the text (spans
 * deleted, duplicated, hostile tokens spliced in) and on the parsed structure (a value anywhere
 * replaced by a hostile one, keys added, lists blown up), so both the YAML layer and the semantic
 * checks behind it see hostile input.
 */
import { parse, stringify } from 'yaml';

import { mulberry32, type Rng } from '../prng.js';

// Every input replays from (seed, index).
export { mulberry32, type Rng };

export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** Scalars an attacker tries first: prototype names, numbers at every edge, escapes, device paths. */
export const HOSTILE_SCALARS: readonly unknown[] = [
  '__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf', '', ' ', '\u001b[2J\u001b]0;x\u0007', '\u009b31m',
  '/dev/zero', '/dev/stdin', '/', '.', '..', '/etc/passwd', 'reads-bdsm', 'cached-host-bdsm', 'fill-gtt', 'none', 'e820-reserved',
  0, -1, 1, 255, 256, 0xffff, 0x10000, 0xffffffff, 0x100000000, 2 ** 52, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 1.5, -0.5,
  '0x', '0xffffffffffffffff', '0x1ffffffffffffffff', '9007199254740993', '8000T', '1T', '4G', '1M', '0', '-1G', '1e3', 'NaN', '.inf', '-.inf',
  true, false, null, [], {}, [[[[[]]]]], { a: { b: { c: {} } } }, 'x'.repeat(300), Array.from({ length: 40 }, (_, i) => i),
  '00:02.0', 'ff:1f.7', '00:20.0', '02.0', '1f.7', '20.0', 'pcie.0', 'pci.0', 'rp1', 'e1000', 'pci-bridge', 'vfio-igd', 'qxl-vga', 'qxl',
  '(((((((1)))))))', '1 / 0', '0 - 1', '1 << 63', 'bar4 & 0xfffc', '(1 ? 2 : 3) ? : 4', '{k}', 'k constructor 2',
];

/** Text fragments spliced into the YAML source as is. */
const HOSTILE_TEXT: readonly string[] = [
  '&a ', '*a', '<<: *a', '!!binary aGVsbG8=', '!!js/function "x"', '? [a, b]\n: 1\n', '~: 1\n', 'null: 3\n', '[[[[[[[[[[', ']]]]]]]]]]',
  '{{{{{{{{', '}}}}}}}}', '\t', '\r\n', '\u0000', '\ufeff', '---\n', '...\n', '%YAML 1.1\n', '"\\u0000"', "'", '"', '#', '|\n  x\n', '>-\n  y\n',
  ': ', '- ', ', ', '\n  - ', '\n    ', 'machine: { type: q35 }\n', 'devices:\n', 'workload:\n  steps:\n', 'traps:\n', 'rom: ', 'props: {',
  'repeat: { times: 99999, steps: [', 'loop: { var: k, count: ', '\u001b[31m', '\ud800', '💥',
];

/** Hostile keys to add to mappings. */
const HOSTILE_KEYS: readonly string[] = ['__proto__', 'constructor', 'toString', 'prototype', '', 'rom', 'props', 'addr', 'bus', 'id', 'steps', 'repeat', 'do', 'count', 'times', 'vbios', 'igd-strategy', 'memory', 'maxmem', 'slots'];

function mutateText(rng: Rng, text: string): string {
  if (text.length === 0) return pick(rng, HOSTILE_TEXT);
  const a = int(rng, text.length);
  const b = Math.min(text.length, a + int(rng, 40));
  switch (int(rng, 6)) {
    case 0: return text.slice(0, a) + text.slice(b); // delete a span
    case 1: return text.slice(0, b) + text.slice(a, b) + text.slice(b); // duplicate a span
    case 2: return text.slice(0, a) + pick(rng, HOSTILE_TEXT) + text.slice(a); // splice a token
    case 3: return text.slice(0, a) + String(pick(rng, HOSTILE_SCALARS)) + text.slice(b); // overwrite with a scalar
    case 4: { // swap two lines
      const lines = text.split('\n');
      const i = int(rng, lines.length);
      const j = int(rng, lines.length);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      return lines.join('\n');
    }
    default: { // flip one character
      const c = String.fromCharCode(pick(rng, [0x20, 0x09, 0x3a, 0x2d, 0x5b, 0x7b, 0x22, 0x27, 0x26, 0x2a, 0x23, 0x7c, 0x3e, 0x30 + int(rng, 10)]));
      return text.slice(0, a) + c + text.slice(a + 1);
    }
  }
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** Every container in `v` (iteratively), with `v` itself first. */
function containers(v: unknown): Container[] {
  const out: Container[] = [];
  const stack = [v];
  while (stack.length > 0 && out.length < 2000) {
    const x = stack.pop();
    if (!isContainer(x)) continue;
    out.push(x);
    for (const c of Array.isArray(x) ? x : Object.values(x)) if (isContainer(c)) stack.push(c);
  }
  return out;
}

function hostileValue(rng: Rng, donor: unknown): unknown {
  if (rng() < 0.15) {
    // A copy of some other part of the document: structurally plausible, semantically wrong.
    const cs = containers(donor);
    if (cs.length > 0) return structuredClone(pick(rng, cs));
  }
  const v = pick(rng, HOSTILE_SCALARS);
  return isContainer(v) ? structuredClone(v) : v;
}

function mutateTree(rng: Rng, data: unknown): unknown {
  const cs = containers(data);
  if (cs.length === 0) return hostileValue(rng, data);
  const c = pick(rng, cs);
  if (Array.isArray(c)) {
    const op = int(rng, 4);
    if (op === 0 && c.length > 0) c.splice(int(rng, c.length), 1);
    else if (op === 1 && c.length > 0) {
      const item = c[int(rng, c.length)];
      const n = pick(rng, [2, 10, 300]);
      for (let i = 0; i < n; i++) c.push(structuredClone(item));
    } else c.splice(int(rng, c.length + 1), 0, hostileValue(rng, data));
  } else {
    const keys = Object.keys(c);
    const op = int(rng, 3);
    if (op === 0 && keys.length > 0) c[pick(rng, keys)] = hostileValue(rng, data);
    else if (op === 1 && keys.length > 0) delete c[pick(rng, keys)];
    else Object.defineProperty(c, pick(rng, HOSTILE_KEYS), { value: hostileValue(rng, data), enumerable: true, writable: true, configurable: true });
  }
  return data;
}

/** One mutant of `seed` text: 1-4 text or tree mutations (tree ones when the text still parses). */
export function mutate(rng: Rng, seed: string): string {
  let text = seed;
  const rounds = 1 + int(rng, 4);
  for (let r = 0; r < rounds; r++) {
    if (rng() < 0.5) {
      text = mutateText(rng, text);
      continue;
    }
    let data: unknown;
    try {
      data = parse(text, { maxAliasCount: 100, logLevel: 'error' });
    } catch {
      text = mutateText(rng, text);
      continue;
    }
    try {
      text = stringify(mutateTree(rng, data), { aliasDuplicateObjects: rng() < 0.5 });
    } catch {
      text = mutateText(rng, text);
    }
  }
  return text;
}

/** Inputs no mutation is likely to reach: each known break class, generated at random sizes. */
export function generated(rng: Rng): string {
  const n = 1 + int(rng, 12);
  switch (int(rng, 8)) {
    case 0: { // alias bomb
      let s = `machine: { type: q35 }\na0: &a0 [${Array(n).fill('x').join(', ')}]\n`;
      for (let i = 1; i < n; i++) s += `a${i}: &a${i} [${Array(n).fill(`*a${i - 1}`).join(', ')}]\n`;
      return s;
    }
    case 1: return `machine: ${'['.repeat(n * 200)}${']'.repeat(n * 200)}\n`;
    case 2: return 'machine: { type: q35 }\n' + Array.from({ length: n * 300 }, (_, i) => `k${i}: ${i}`).join('\n');
    case 3: { // bridge chain
      let s = 'machine: { type: pc }\ndevices:\n';
      for (let i = 0; i < n * 25; i++) s += `  - { model: pci-bridge, id: b${i}, addr: "${i === 0 ? '05' : '01'}.0", props: { chassis_nr: ${(i % 255) + 1} }${i > 0 ? `, bus: b${i - 1}` : ''} }\n`;
      return s;
    }
    case 4: { // nested repeats
      let steps = '[poll]';
      for (let i = 0; i < n; i++) steps = `[{ repeat: { times: ${1 + int(rng, 5)}, steps: ${steps} } }, { repeat: { times: 2, steps: ${steps} } }]`;
      return `machine: { type: q35 }\nworkload: { steps: ${steps} }\n`;
    }
    case 5: return `machine: { type: ${pick(rng, ['q35', 'pc'])}, memory: ${String(pick(rng, ['9007199254740993', '8000T', '1025G', '1020G', '0x10000000000', '1', '1M', '-1', '4G']))} }\n`;
    case 6: return `machine: { type: q35 }\ntraps:\n  - { bdf: "${pick(rng, ['00:00.0', '03:00.0', '00:07.0', 'ff:1f.7'])}", bar: ${int(rng, 8)}, offset: [${String(pick(rng, HOSTILE_SCALARS))}, ${String(pick(rng, HOSTILE_SCALARS))}], action: ${pick(rng, ['log', 'drop', 'rewrite-range'])}, from: [0, 1], to: 2 }\n`;
    default: return `machine: { type: q35 }\ndevices:\n  - model: e1000\n    rom: ${String(pick(rng, HOSTILE_SCALARS))}\nfirmware: { vbios: ${JSON.stringify(String(pick(rng, HOSTILE_SCALARS)))}, igd-strategy: ${JSON.stringify(String(pick(rng, HOSTILE_SCALARS)))} }\n`;
  }
}

/** ROM program steps spliced into a program: loops with computed counts, port and memory storms. */
export function romProgram(rng: Rng, seeds: readonly string[]): string {
  if (rng() < 0.5) return mutate(rng, pick(rng, seeds));
  const expr = (): string => String(pick(rng, ['0', '1', 'k', 'k * 4096', '0xffffffff', '1 << 52', '(0x1fffffffffffff * 0x1fffffffffffff) * (0x1fffffffffffff * 0x1fffffffffffff)', '1 / k', 'k % 0', 'bar4 & 0xfffc', '0x510', '0x514', '0x518', '0x402', '0xcf8', '0xcfc', String(pick(rng, HOSTILE_SCALARS))]));
  const step = (depth: number): string => {
    switch (int(rng, depth > 2 ? 5 : 7)) {
      case 0: return `{ io-write: { port: ${JSON.stringify(expr())}, value: ${JSON.stringify(expr())}, width: ${pick(rng, [1, 2, 4, 3])} } }`;
      case 1: return `{ mem-write: { addr: ${JSON.stringify(expr())}, value: ${JSON.stringify(expr())} } }`;
      case 2: return `{ config-write: { offset: ${JSON.stringify(expr())}, value: ${JSON.stringify(expr())}, bdf: ${JSON.stringify(pick(rng, ['00:02.0', '00:00.0', 'ff:1f.7', 'k']))} } }`;
      case 3: return `{ log: ${JSON.stringify(`x {${expr()}} y`)} }`;
      case 4: return `{ set: { k: ${JSON.stringify(expr())} } }`;
      case 5: return `{ loop: { var: k, count: ${JSON.stringify(expr())}, do: [${step(depth + 1)}, ${step(depth + 1)}] } }`;
      default: return `{ if: ${JSON.stringify(expr())}, then: [${step(depth + 1)}], else: [${step(depth + 1)}] }`;
    }
  };
  return `name: fuzz\nvars: { k: 0, bar4: 0 }\nsteps: [${Array.from({ length: 1 + int(rng, 6) }, () => step(0)).join(', ')}]\n`;
}
