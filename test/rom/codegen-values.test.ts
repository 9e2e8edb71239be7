import { describe, expect, it } from 'vitest';
import type { FirmwareIo } from '../../firmware/io.js';
import { AddressSpace } from '../../vmm/core/bus/address-space.js';
import { compileExpr, parseExpr, parseRomProgram, runRomProgram, type RomBus } from '../../vmm/passthrough/rom/index.js';
import { mulberry32 } from '../helpers/prng.js';

/**
 * The generated code spells out the helpers' common case (U, AND, OR, XOR, T4) and calls the helper only outside
 * it (vmm/passthrough/rom/codegen.ts). These tests hold it to the closure compiler (compileExpr), which the
 * generated code replaced and which calls applyBinary's semantics directly, over seeded random expressions and
 * operands outside every fast path: negatives, fractions, -0, values above 2^32 and 2^53, infinities, NaN.
 */

const OPERANDS = [0, -0, 1, 5, 0xfff, 0x7fffffff, 0x80000000, 0xffffffff, 2 ** 32, 2 ** 32 + 7, 2 ** 53 - 1, 2 ** 53, 2 ** 60,
  -1, -0x80000000, -(2 ** 40), 0.5, 3.75, -2.5, Infinity, -Infinity, NaN];
const OPS = ['&', '|', '^', '<<', '>>', '+', '-', '*'];

function randomExpr(rnd: () => number, depth: number): string {
  if (depth === 0 || rnd() < 0.3) {
    const r = rnd();
    if (r < 0.5) return ['a', 'b', 'c'][Math.floor(rnd() * 3)]!;
    return String(Math.floor(rnd() * 0x1_0000_0000));
  }
  const op = OPS[Math.floor(rnd() * OPS.length)]!;
  const right = op === '<<' || op === '>>' ? String(Math.floor(rnd() * 70)) : randomExpr(rnd, depth - 1);
  return `(${randomExpr(rnd, depth - 1)} ${op} ${right})`;
}

const silentIo: FirmwareIo = {
  inb: () => 0, inw: () => 0, inl: () => 0, outb: () => {}, outw: () => {}, outl: () => {},
  readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {}, cpuid: () => [0, 0, 0, 0],
};

function busWith(log: number[] | undefined): RomBus {
  const sp = new AddressSpace('io', () => []);
  sp.addFixed(0x100, 4, { read: () => 0, write: (_o, _w, v) => void log?.push(v) }, 'sink');
  return { io: silentIo, ioSpace: sp, configRead: () => 0, configWrite: () => {}, log: () => {} };
}

const INV = { bdf: 0, romAddr: 0, romSize: 0 };

describe('generated ROM code computes what the expression compiler computes', () => {
  it('for 400 seeded random expressions over operands outside the fast paths', () => {
    const rnd = mulberry32(0x6771);
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const src = randomExpr(rnd, 4);
      const parsed = parseExpr(src);
      if (!parsed.ok) throw new Error(parsed.message);
      const vars = { a: OPERANDS[Math.floor(rnd() * OPERANDS.length)]!, b: OPERANDS[Math.floor(rnd() * OPERANDS.length)]!, c: OPERANDS[Math.floor(rnd() * OPERANDS.length)]! };
      const names = ['a', 'b', 'c'];
      const want = compileExpr(parsed.expr, (n) => names.indexOf(n))(Float64Array.from([vars.a, vars.b, vars.c]));
      const p = parseRomProgram(`name: t\nvars: { a: 0, b: 0, c: 0 }\nsteps:\n  - set: { r: "${src}" }\n`, 'p.yaml');
      if (!p.ok) throw new Error(p.errors[0]!.message);
      const got = runRomProgram(p.program, busWith(undefined), INV, { vars });
      expect(got.ok).toBe(true);
      expect(Object.is(got.vars['r'], want), `${src} with ${JSON.stringify(vars)}: ${got.vars['r']} vs ${want}`).toBe(true);
      compared++;
    }
    expect(compared).toBe(400);
  });

  it('truncates a port write value to 32 bits as the T4 helper does, inline or not', () => {
    const values = [0, 0xffffffff, 2 ** 32, 2 ** 32 + 5, -1, -0x80000000, 2 ** 53 + 2, 1.5];
    const log: number[] = [];
    const p = parseRomProgram(`name: t\nvars: { x: 0 }\nsteps:\n  - io-write: { port: 0x100, value: x }\n`, 'p.yaml');
    if (!p.ok) throw new Error(p.errors[0]!.message);
    for (const x of values) expect(runRomProgram(p.program, busWith(log), INV, { vars: { x } }).ok).toBe(true);
    expect(log).toEqual([0, 0xffffffff, 0, 5, 0xffffffff, 0x80000000, 2, 1.5]);
  });
});
