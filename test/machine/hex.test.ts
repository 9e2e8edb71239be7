import { describe, expect, it } from 'vitest';
import { hex } from '../../vmm/core/format.js';

describe('hex (the one spelling of addresses and sizes in reports)', () => {
  it('prints the same text as Number#toString(16) across the small-integer and split ranges', () => {
    const values = [
      0, -0, 1, 0xfff, 0xfff_ffff, 0x1000_0000, 0x1000_0001, 0x7fff_ffff, 0x8000_0000, 0xfebf_0000, 0xffff_ffff,
      0x1_0000_0000, 0x8_0000_0000, 0x10_0000_0000 + 0x123, 0xfd_0000_0000, 0xffff_ffff_ffff, 0x1_0000_0000_0000,
      2 ** 53 - 1, 1.5, -1, -0x1_0000_0000, 0.25 + 0x2000_0000,
    ];
    for (const v of values) expect(hex(v)).toBe('0x' + v.toString(16));
    expect(hex(0x1000_0000)).toBe('0x10000000');
    expect(hex(0x1_0000_0007)).toBe('0x100000007');
  });

  it('prints the same text as Number#toString(16) at every digit count and edge of the one-step range (2^28..2^40)', () => {
    const values: number[] = [];
    for (let bits = 28; bits <= 48; bits++) {
      const p = 2 ** bits;
      values.push(p - 1, p, p + 1, p + 0xa, p * 1.5 + 0xf, p + 0x0fff_ffff);
    }
    // Every digit value in every position of a 10-digit number, and a fixed pseudo-random sweep of 20,000 values.
    for (let pos = 0; pos < 10; pos++) for (let d = 0; d < 16; d++) values.push(0x10_0000_0000 + d * 16 ** pos);
    let x = 0x1234_5678;
    for (let i = 0; i < 20_000; i++) {
      x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
      values.push(0x1000_0000 + (x % 0x1000) * 0x1000_0000 + ((x * 7) % 0x1000_0000));
    }
    for (const v of values) expect(hex(v)).toBe('0x' + v.toString(16));
  });
});
