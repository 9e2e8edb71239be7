import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { FR_ADDR_BEYOND_MGAW, FR_READ, FR_WRITE, Iommu } from '../../vmm/passthrough/iommu/index.js';
import { GiB, IGD, MiB, R, RW, W, leafLevel, mustMap, pteAddress, rig } from './helpers.js';

describe('second-level tables (docs/iommu.md §4)', () => {
  it('uses 4 KiB leaves for a small range and translates each page', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x1000, 0x3000, ram, 0x7000, RW);
    expect(leafLevel(iommu, c, 0x1000)).toBe(1);
    expect(leafLevel(iommu, c, 0x3000)).toBe(1);
    expect(iommu.translate(IGD, 0x1234, 'read')).toBe(0x7234);
    expect(iommu.translate(IGD, 0x3ffc, 'write')).toBe(0x9ffc);
    expect(iommu.lastTarget).toBe(ram);
  });

  it('uses 2 MiB leaves (PS at level 2) when iova, target and size are 2 MiB aligned', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x200000, 4 * MiB, ram, 0x600000, RW);
    expect(leafLevel(iommu, c, 0x200000)).toBe(2);
    expect(leafLevel(iommu, c, 0x400000)).toBe(2);
    const pte = pteAddress(iommu, c, 0x200000, 2);
    // window 1 (the first DMA target) starts at host 2^40: PTE = hpa | PS | W | R
    expect(iommu.tables.mem.read(pte, 4)).toBe(0x600083);
    expect(iommu.tables.mem.read(pte + 4, 4)).toBe(0x100);
    expect(iommu.translate(IGD, 0x5fffff, 'read')).toBe(0x9fffff);
  });

  it('uses a 1 GiB leaf (PS at level 3) when everything is 1 GiB aligned', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, GiB, GiB, ram, 2 * GiB, RW);
    expect(leafLevel(iommu, c, GiB)).toBe(3);
    expect(iommu.translate(IGD, GiB + 0x12345678, 'write')).toBe(2 * GiB + 0x12345678);
    expect(iommu.tables.pagesInUse).toBe(4); // root, context table, level-4 root, one level-3 table
  });

  it('falls back to 4 KiB leaves when the target is not aligned like the iova', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x200000, 2 * MiB, ram, 0x201000, RW);
    expect(leafLevel(iommu, c, 0x200000)).toBe(1);
    expect(iommu.translate(IGD, 0x3fffff, 'read')).toBe(0x400fff);
  });

  it('mixes 4 KiB, 2 MiB and 1 GiB leaves across one mapping', () => {
    const { iommu, ram, c } = rig();
    const iova = 0x1ff000;
    const end = 2 * GiB + 0x201000;
    mustMap(c, iova, end - iova, ram, iova, RW);
    expect(leafLevel(iommu, c, 0x1ff000)).toBe(1);
    expect(leafLevel(iommu, c, 0x200000)).toBe(2);
    expect(leafLevel(iommu, c, GiB)).toBe(3);
    expect(leafLevel(iommu, c, 2 * GiB)).toBe(2);
    expect(leafLevel(iommu, c, 2 * GiB + 0x200000)).toBe(1);
    for (const a of [0x1ff000, 0x3fffff, GiB - 1, GiB, 2 * GiB - 1, 2 * GiB + 0x200fff]) {
      expect(iommu.translate(IGD, a, 'read')).toBe(a);
    }
  });

  it('frees page tables that unmapping empties', () => {
    const { iommu, ram, c } = rig();
    const base = iommu.tables.pagesInUse;
    mustMap(c, 0x1ff000, GiB, ram, 0x1ff000, RW);
    expect(iommu.tables.pagesInUse).toBeGreaterThan(base);
    expect(c.unmap(0x1ff000, GiB)).toEqual({ ok: true, unmapped: GiB });
    expect(iommu.tables.pagesInUse).toBe(base);
  });

  it('maps an extra region to its own target object', () => {
    const { iommu, ram, c } = rig();
    const stolen = new GuestMemory();
    mustMap(c, 0x0, 0x100000, ram, 0, RW);
    mustMap(c, 0x8b800000, 64 * MiB, stolen, 0, RW, { kind: 'extra', label: 'stolen' });
    expect(iommu.translate(IGD, 0x8b800010, 'write')).toBe(0x10);
    expect(iommu.lastTarget).toBe(stolen);
    expect(iommu.translate(IGD, 0x10, 'write')).toBe(0x10);
    expect(iommu.lastTarget).toBe(ram);
  });

  it('with aw-bits 39 builds 3-level tables and faults beyond 2^39 (reason 0x4)', () => {
    const iommu = new Iommu({ awBits: 39 });
    const ram = new GuestMemory();
    const c = iommu.createContainer();
    expect(c.levels).toBe(3);
    c.attach(IGD);
    mustMap(c, GiB, GiB, ram, GiB, RW);
    expect(leafLevel(iommu, c, GiB)).toBe(3);
    expect(iommu.translate(IGD, GiB + 5, 'read')).toBe(GiB + 5);
    expect(iommu.translate(IGD, 2 ** 39, 'read')).toBe(-1);
    expect(iommu.log.at(0).reason).toBe(FR_ADDR_BEYOND_MGAW);
    expect(c.map(2 ** 39, 4096, ram, 0, RW)).toMatchObject({ ok: false, errno: 'EINVAL' });
  });
});

describe('permissions (docs/iommu.md §4)', () => {
  it('faults writes to a read-only mapping with reason 0x5 and reads of a write-only one with 0x6', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x10000, 0x1000, ram, 0x10000, R);
    mustMap(c, 0x20000, 0x1000, ram, 0x20000, W);
    expect(iommu.translate(IGD, 0x10008, 'read')).toBe(0x10008);
    expect(iommu.translate(IGD, 0x10008, 'write')).toBe(-1);
    expect(iommu.translate(IGD, 0x20008, 'write')).toBe(0x20008);
    expect(iommu.translate(IGD, 0x20008, 'read')).toBe(-1);
    expect(iommu.log.details().map((f) => [f.reason, f.access, f.address])).toEqual([
      [FR_WRITE, 'write', 0x10000],
      [FR_READ, 'read', 0x20000],
    ]);
  });

  it('treats a non-present PTE as missing permission: 0x6 for reads, 0x5 for writes', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x0, 0x1000, ram, 0, RW);
    iommu.translate(IGD, 0x5000, 'read');
    iommu.translate(IGD, 0x7f000000, 'write');
    expect(iommu.log.details().map((f) => f.reason)).toEqual([FR_READ, FR_WRITE]);
  });

  it('ANDs permissions over the levels: a non-leaf entry without W blocks writes below it', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x0, 0x1000, ram, 0, RW);
    const top = pteAddress(iommu, c, 0, 4);
    const mem = iommu.tables.mem;
    mem.write(top, 4, mem.read(top, 4) & ~2);
    expect(iommu.translate(IGD, 0x10, 'read')).toBe(0x10);
    iommu.invalidateIotlbGlobal();
    expect(iommu.translate(IGD, 0x10, 'write')).toBe(-1);
    expect(iommu.log.at(0).reason).toBe(FR_WRITE);
    // The cached entry from the walk keeps the ANDed permission: the read is a hit, the write faults from it.
    expect(iommu.translate(IGD, 0x20, 'read')).toBe(0x20);
  });
});
