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
});
