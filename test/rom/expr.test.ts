import { describe, expect, it } from 'vitest';
import { compileExpr, parseExpr, RomFault } from '../../vmm/passthrough/rom/index.js';

function evalExpr(src: string, vars: Record<string, number> = {}): number {
  const r = parseExpr(src);
  if (!r.ok) throw new Error(r.message);
  const names = Object.keys(vars);
  const env = Float64Array.from(Object.values(vars));
  return compileExpr(r.expr, (n) => names.indexOf(n))(env);
}

describe('ROM expressions', () => {
  it('follow C precedence', () => {
    expect(evalExpr('1 + 2 * 3')).toBe(7);
    expect(evalExpr('bdsm + k * 4096 | 1', { bdsm: 0x7e000000, k: 3 })).toBe(0x7e003001);
    expect(evalExpr('1 << 4 + 1')).toBe(32);
    expect(evalExpr('a == 1 ? 10 : 20', { a: 1 })).toBe(10);
    expect(evalExpr('a != 1 && 5 || 0', { a: 2 })).toBe(1);
    expect(evalExpr('(width * (bpp / 8) * height + 4095) >> 12', { width: 1024, bpp: 32, height: 768 })).toBe(768);
  });

  it('do bit operations on values above 32 bits (64-bit stolen bases)', () => {
    expect(evalExpr('0x4_0000_0000'.replace(/_/g, '') + ' | 1')).toBe(0x4_0000_0001);
    expect(evalExpr('(b + (k << 12)) >> 32', { b: 0x1_2345_6000, k: 1 })).toBe(1);
    expect(evalExpr('b & ~0xfffff', { b: 0x1_2345_6789 })).toBe(0x1_2340_0000);
    expect(evalExpr('hi << 16', { hi: 0xcf80 })).toBe(0xcf800000);
    expect(evalExpr('0xfffff000 & 0xfff0')).toBe(0xf000);
  });

  it('reports syntax errors with the column', () => {
    expect(parseExpr('1 +')).toEqual({ ok: false, message: "expression ends too early in '1 +'" });
    expect(parseExpr('(1 + 2')).toMatchObject({ ok: false, message: "missing ')' at the end in '(1 + 2'" });
    expect(parseExpr('a $ b')).toMatchObject({ ok: false, message: "unexpected '$' at column 2 of 'a $ b'" });
  });

  it('raise a RomFault on division by zero', () => {
    expect(() => evalExpr('4 / z', { z: 0 })).toThrow(RomFault);
  });
});
