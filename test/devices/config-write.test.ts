import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../bench/prng.js';
import { CONFIG_WRITE_NONE, PciFunction } from '../../devices/pci/function.js';

function fn(): PciFunction {
  return new PciFunction({ vendor: 0x1af4, device: 0x1041, classCode: 0x0200, pcie: true });
}

describe('a guest config write through the write mask', () => {
  it('writes a dword exactly as four byte writes would, and reports a change only when a byte changed', () => {
    const rnd = mulberry32(20);
    const byte = (): number => Math.floor(rnd() * 256);
    const a = fn();
    const b = fn();
    for (let i = 0; i < 256; i++) {
      // Random masks and registers, the same in both functions; a few bytes fully writable or read-only.
      const m = i % 7 === 0 ? 0xff : i % 5 === 0 ? 0 : byte();
      a.wmask[i] = m;
      b.wmask[i] = m;
      const v = byte();
      a.cfg[i] = v;
      b.cfg[i] = v;
    }
    let unchanged = 0;
    for (let step = 0; step < 5000; step++) {
      const off = Math.floor(rnd() * 0x48) * 4; // dwords up to 0x11c: across the end of the masked bytes
      // Values as SeaBIOS passes them (uint32, up to 0xffffffff), and now and then what is already there.
      const value = step % 3 === 0 ? a.configRead(off, 4) : Math.floor(rnd() * 0x1_0000_0000);
      const before = a.configRead(off, 4);
      const effect = a.configWrite(off, 4, value);
      for (let k = 0; k < 4; k++) b.configWrite(off + k, 1, (value >>> (8 * k)) & 0xff);
      expect(a.configRead(off, 4)).toBe(b.configRead(off, 4));
      if (a.configRead(off, 4) === before) {
        unchanged++;
        expect(effect).toBe(CONFIG_WRITE_NONE);
      }
    }
    expect(Array.from(a.cfg)).toEqual(Array.from(b.cfg));
    expect(unchanged).toBeGreaterThan(1000);
  });

  it('changes only the writable bits of the last dword of the masked bytes, and nothing past it', () => {
    const a = fn();
    a.wmask[0xfc] = 0xff;
    a.wmask[0xfd] = 0x0f;
    a.wmask[0xff] = 0x80;
    a.cfg[0x100] = 0x11;
    a.configWrite(0xfc, 4, 0xffff_ffff);
    expect(a.configRead(0xfc, 4)).toBe(0x8000_0fff);
    a.configWrite(0x100, 4, 0xffff_ffff);
    expect(a.configRead(0x100, 4)).toBe(0x11);
  });
});
