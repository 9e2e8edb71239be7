import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { FR_WRITE } from '../../vmm/passthrough/iommu/index.js';
import { Iotlb } from '../../vmm/passthrough/iommu/iotlb.js';
import { IGD, MiB, NIC, R, RW, mustMap, pteAddress, rig } from './helpers.js';

/** Iommu.translate's hit path answers from the IOTLB front's copy of a translation (docs/performance.md §8.3). */
describe('IOTLB front: translations answered from the front', () => {
  it('a repeated hit returns the same address as the first (hash) hit, byte offset included', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x10000, 0x1000, ram, 0x53000, RW);
    expect(iommu.translate(IGD, 0x10000, 'read')).toBe(0x53000); // miss: walk
    expect(iommu.translate(IGD, 0x10ff0, 'write', 4)).toBe(0x53ff0); // hit through the hash probe, fills the front
    expect(iommu.translate(IGD, 0x10123, 'read', 1)).toBe(0x53123); // front
    expect(iommu.lastTarget).toBe(ram);
    expect([iommu.misses, iommu.hits]).toEqual([1, 2]);
  });

  it('a PTE change stays invisible through the front until page-selective invalidation, then the new page is used', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x10000, 0x1000, ram, 0x50000, RW);
    iommu.translate(IGD, 0x10000, 'read');
    iommu.translate(IGD, 0x10000, 'read'); // now in the front
    const pte = pteAddress(iommu, c, 0x10000, 1);
    const mem = iommu.tables.mem;
    mem.write(pte, 4, (mem.read(pte, 4) & 0xfff) | 0x60000);
    expect(iommu.translate(IGD, 0x10010, 'read')).toBe(0x50010);
    iommu.invalidateIotlbPages(c.domainId, 0x10000, 0);
    expect(iommu.translate(IGD, 0x10010, 'read')).toBe(0x60010);
    expect(iommu.translate(IGD, 0x10020, 'read')).toBe(0x60020);
    expect([iommu.misses, iommu.hits]).toEqual([2, 3]);
  });

  it('a front entry denying the access faults exactly as a hash hit does (counted as a hit, one fault)', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x20000, 0x1000, ram, 0x20000, R);
    iommu.translate(IGD, 0x20000, 'read');
    iommu.translate(IGD, 0x20000, 'read');
    expect(iommu.translate(IGD, 0x20008, 'write', 4)).toBe(-1);
    expect([iommu.misses, iommu.hits, iommu.log.total]).toEqual([1, 2, 1]);
    expect(iommu.log.at(0)).toEqual({ sourceId: IGD, address: 0x20000, reason: FR_WRITE, access: 'write', disposition: 'recorded' });
  });

  it('the same frame of another source id is not a front hit', () => {
    const { iommu, ram, c } = rig({}, [IGD, NIC]);
    mustMap(c, 0x30000, 0x1000, ram, 0x90000, RW);
    iommu.translate(IGD, 0x30000, 'read');
    iommu.translate(IGD, 0x30000, 'read');
    expect(iommu.translate(NIC, 0x30004, 'read')).toBe(0x90004);
    expect([iommu.misses, iommu.hits]).toEqual([2, 1]);
  });

  it('corruption detection still sees front hits once a source gets given ranges, and stops when they are cleared', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0, 4 * MiB, ram, 0, RW);
    const port = iommu.port(IGD);
    port.write32(0x300000, 1);
    port.write32(0x300004, 1); // front hit, nothing watched
    iommu.setGiven(IGD, [{ start: 0x100000, end: 0x200000 }]);
    expect(iommu.corruption.watchedCount).toBe(1);
    port.write32(0x300008, 1); // front hit, now watched
    expect(iommu.corruption.events()).toEqual([{ sourceId: IGD, source: '00:02.0', start: 0x300008, end: 0x30000c, access: 'write' }]);
    iommu.setGiven(IGD, [{ start: 0x100000, end: 0x300000 }]); // replacing the ranges keeps one watched source
    expect(iommu.corruption.watchedCount).toBe(1);
    iommu.setGiven(IGD, null);
    iommu.setGiven(IGD, null);
    expect(iommu.corruption.watchedCount).toBe(0);
    port.write32(0x30000c, 1);
    expect(iommu.corruption.hits).toBe(1);
  });

  it('an in-place replacement of a cached entry empties the front, so its copy of the old translation is not used', () => {
    const t = new Iotlb(64);
    t.insert(0x10, 1, 5, 0x7000, 1, 3);
    const s = t.lookup(0x10, 5);
    expect(t.l1Delta[5]).toBe(0x7000 - 5 * 4096);
    t.insert(0x10, 1, 5, 0x9000, 1, 1); // same (source, level, frame): replaced in place
    expect(Number.isNaN(t.l1Key[5])).toBe(true);
    expect(t.lookup(0x10, 5)).toBe(s);
    expect([t.l1Delta[5], t.l1Flags[5]]).toEqual([0x9000 - 5 * 4096, 1]);
  });

  it('frames on both sides of 2^31 (integer shift below, float division above) are answered from the front', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x7fff_f000, 0x2000, ram, 0x10_0000, RW);
    for (let k = 0; k < 2; k++) {
      expect(iommu.translate(IGD, 0x7fff_fffc, 'read', 4)).toBe(0x10_0ffc);
      expect(iommu.translate(IGD, 0x8000_0000, 'write', 4)).toBe(0x10_1000);
      expect(iommu.translate(IGD, 0x8000_0ffc, 'read', 4)).toBe(0x10_1ffc);
    }
    expect([iommu.misses, iommu.hits]).toEqual([2, 4]);
  });

  it('a target that is not guest RAM is answered from the front too', () => {
    const { iommu, c } = rig();
    const buf = new GuestMemory();
    mustMap(c, 0x40000, 0x1000, buf, 0x2000, RW, { kind: 'extra' });
    iommu.translate(IGD, 0x40000, 'write');
    expect(iommu.translate(IGD, 0x40ffc, 'write', 4)).toBe(0x2ffc);
    expect(iommu.translate(IGD, 0x40ffc, 'read', 4)).toBe(0x2ffc);
    expect(iommu.lastTarget).toBe(buf);
  });
});
