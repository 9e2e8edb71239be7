import { describe, expect, it } from 'vitest';
import { PciFunction } from '../../devices/pci/function.js';

describe('a PCIe function whose write mask covers only the first 256 bytes', () => {
  it('keeps extended config space as it is on writes, and reads it back', () => {
    const fn = new PciFunction({ vendor: 0x1af4, device: 0x1041, classCode: 0x0200, pcie: true });
    expect(fn.cfg.length).toBe(0x1000);
    expect(fn.wmask.length).toBe(0x100);
    fn.cfg[0x104] = 0x5a;
    fn.configWrite(0x104, 4, 0xffff_ffff);
    expect(fn.configRead(0x104, 4)).toBe(0x5a);
    expect(fn.configRead(0xffc, 4)).toBe(0);
    expect(fn.configRead(0x1000, 4)).toBe(0xffff_ffff);
  });

  it('writes the masked bytes of an access that straddles 0x100 and leaves the rest', () => {
    const fn = new PciFunction({ vendor: 0x1af4, device: 0x1041, classCode: 0x0200, pcie: true });
    fn.wmask[0xfe] = 0xff;
    fn.wmask[0xff] = 0x0f;
    fn.configWrite(0xfe, 4, 0x7788_99aa);
    expect(fn.configRead(0xfc, 4)).toBe(0x09aa_0000);
    expect(fn.configRead(0x100, 2)).toBe(0);
  });
});
