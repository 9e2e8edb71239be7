import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { IGD, R, RW, mustMap, rig } from './helpers.js';

describe('DmaPort over the IOMMU', () => {
  it('moves 32- and 64-bit values to the translated guest address', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x10000, 0x1000, ram, 0x90000, RW);
    const p = iommu.port(IGD);
    expect(p.write32(0x10010, 0xdeadbeef)).toBe(true);
    expect(ram.read(0x90010, 4)).toBe(0xdeadbeef);
    expect(p.read32(0x10010)).toBe(0xdeadbeef);
    expect(p.write64(0x10020, 0x1_2345_6789)).toBe(true);
    expect(ram.read64(0x90020)).toBe(0x1_2345_6789);
    expect(p.read64(0x10020)).toBe(0x1_2345_6789);
  });

  it('splits accesses crossing a page between two mappings with different targets', () => {
    const { iommu, ram, c } = rig();
    const buf = new GuestMemory();
    mustMap(c, 0x0, 0x1000, ram, 0x5000, RW);
    mustMap(c, 0x1000, 0x1000, buf, 0x0, RW, { kind: 'extra' });
    const p = iommu.port(IGD);
    expect(p.write64(0xffc, 0x0007060504030201)).toBe(true);
    expect(ram.read(0x5ffc, 4)).toBe(0x04030201);
    expect(buf.read(0, 4)).toBe(0x00070605);
    expect(p.read32(0xffe)).toBe(0x06050403);
  });

  it('reads 0xff for faulted pages, returns false and records one fault per page', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x0, 0x1000, ram, 0, RW);
    ram.write(0xffc, 4, 0x11223344);
    const p = iommu.port(IGD);
    const out = new Uint8Array(0x1008);
    expect(p.readBytes(0xffc, out)).toBe(false);
    expect([...out.subarray(0, 6)]).toEqual([0x44, 0x33, 0x22, 0x11, 0xff, 0xff]);
    expect(out.subarray(4).every((b) => b === 0xff)).toBe(true);
    expect(iommu.log.details().map((f) => f.address)).toEqual([0x1000, 0x2000]);
    expect(p.read32(0x5000)).toBe(0xffffffff);
    expect(p.faultedAccesses).toBe(2);
  });

  it('refuses writes through a read-only mapping and leaves memory untouched', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x0, 0x2000, ram, 0, R);
    const p = iommu.port(IGD);
    expect(p.write32(0x10, 5)).toBe(false);
    expect(p.writeBytes(0xff0, new Uint8Array(0x20).fill(7))).toBe(false);
    expect(ram.residentPages).toBe(0);
  });

  it("device writes reach guest RAM's onWrite hook (dirty tracking)", () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x0, 0x10000, ram, 0x100000, RW);
    const pages: number[] = [];
    ram.onWrite = (pfn) => pages.push(pfn);
    iommu.port(IGD).writeBytes(0x800, new Uint8Array(0x2000).fill(1));
    expect([...new Set(pages)]).toEqual([0x100, 0x101, 0x102]);
  });
});
