import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { buildDomain, Iommu } from '../../vmm/passthrough/iommu/index.js';
import { GiB, IGD, MiB, NIC, R, RW, mustMap, rig } from './helpers.js';

describe('vfio type1 MAP_DMA (docs/iommu.md §10)', () => {
  it('refuses zero size, misalignment and missing READ/WRITE with EINVAL', () => {
    const { ram, c } = rig();
    expect(c.map(0, 0, ram, 0, RW)).toMatchObject({ ok: false, errno: 'EINVAL', errnoValue: -22 });
    expect(c.map(0x800, 0x1000, ram, 0, RW)).toMatchObject({ errno: 'EINVAL' });
    expect(c.map(0, 0x1800, ram, 0, RW)).toMatchObject({ errno: 'EINVAL' });
    expect(c.map(0, 0x1000, ram, 0x10, RW)).toMatchObject({ errno: 'EINVAL' });
    expect(c.map(0, 0x1000, ram, 0, 0)).toMatchObject({ errno: 'EINVAL' });
    expect(c.mappings()).toHaveLength(0);
  });

  it('refuses any overlap with EEXIST', () => {
    const { ram, c } = rig();
    mustMap(c, 0x100000, 0x100000, ram, 0, RW, { label: 'a' });
    for (const [iova, size] of [[0xff000, 0x2000], [0x1ff000, 0x1000], [0x0, 0x400000], [0x140000, 0x1000]] as const) {
      expect(c.map(iova, size, ram, 0, RW)).toMatchObject({ ok: false, errno: 'EEXIST', errnoValue: -17 });
    }
    expect(c.map(0x200000, 0x1000, ram, 0, RW)).toEqual({ ok: true });
  });

  it('refuses ranges outside the allowed IOVA ranges (MSI window, beyond the aperture) with EINVAL', () => {
    const { ram, c } = rig();
    expect(c.iovaRanges).toEqual([
      { start: 0, end: 0xfedfffff },
      { start: 0xfef00000, end: 2 ** 48 - 1 },
    ]);
    expect(c.map(0xfed00000, 0x200000, ram, 0, RW)).toMatchObject({ errno: 'EINVAL' });
    expect(c.map(0xfee00000, 0x1000, ram, 0, RW)).toMatchObject({ errno: 'EINVAL' });
    expect(c.map(2 ** 48, 0x1000, ram, 0, RW)).toMatchObject({ errno: 'EINVAL' });
    expect(c.map(0xfed00000, 0x100000, ram, 0, RW)).toEqual({ ok: true });
  });

  it('allows 65535 mappings by default and refuses the next with ENOSPC', () => {
    const { ram, c } = rig();
    for (let i = 0; i < 65535; i++) {
      const r = c.map(i * 0x1000, 0x1000, ram, i * 0x1000, RW);
      if (!r.ok) throw new Error(r.message);
    }
    expect(c.dmaAvail).toBe(0);
    expect(c.map(GiB, 0x1000, ram, 0, RW)).toMatchObject({ ok: false, errno: 'ENOSPC', errnoValue: -28 });
    // The kernel checks overlap first, then the limit, then the IOVA ranges.
    expect(c.map(0, 0x1000, ram, 0, RW)).toMatchObject({ errno: 'EEXIST' });
    expect(c.map(0xfee00000, 0x1000, ram, 0, RW)).toMatchObject({ errno: 'ENOSPC' });
    expect(c.unmap(0x5000, 0x1000)).toEqual({ ok: true, unmapped: 0x1000 });
    expect(c.map(GiB, 0x1000, ram, 0, RW)).toEqual({ ok: true });
  });

  it('honours a configured dma_entry_limit', () => {
    const iommu = new Iommu();
    const c = iommu.createContainer({ dmaEntryLimit: 2 });
    const ram = new GuestMemory();
    mustMap(c, 0, 0x1000, ram, 0, R);
    mustMap(c, 0x1000, 0x1000, ram, 0, R);
    expect(c.map(0x2000, 0x1000, ram, 0, R)).toMatchObject({ errno: 'ENOSPC' });
  });
});

describe('vfio type1 UNMAP_DMA, v2 semantics (docs/iommu.md §10)', () => {
  it('refuses to bisect a mapping at either end with EINVAL and changes nothing', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x100000, 0x200000, ram, 0x100000, RW);
    expect(c.unmap(0x200000, 0x100000)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(c.unmap(0x0, 0x200000)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(c.unmap(0x100000, 0x1000)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(c.mappings()).toHaveLength(1);
    expect(iommu.translate(IGD, 0x2ff000, 'read')).toBe(0x2ff000);
  });

  it('unmaps every whole mapping in the range and writes back the bytes unmapped; a hole unmaps 0', () => {
    const { ram, c } = rig();
    mustMap(c, 0x100000, 0x1000, ram, 0, RW);
    mustMap(c, 0x200000, 0x2000, ram, 0, RW);
    mustMap(c, 0x400000, 0x1000, ram, 0, RW);
    expect(c.unmap(0x800000, 0x1000)).toEqual({ ok: true, unmapped: 0 });
    expect(c.unmap(0x0, 0x300000)).toEqual({ ok: true, unmapped: 0x3000 });
    expect(c.mappings().map((m) => m.iova)).toEqual([0x400000]);
    expect(c.dmaAvail).toBe(65534);
  });

  it('refuses a misaligned or empty unmap', () => {
    const { c } = rig();
    expect(c.unmap(0x10, 0x1000)).toMatchObject({ errno: 'EINVAL' });
    expect(c.unmap(0, 0)).toMatchObject({ errno: 'EINVAL' });
    expect(c.unmap(0, 0x10)).toMatchObject({ errno: 'EINVAL' });
  });

  it('unmapAll removes everything', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0, 2 * MiB, ram, 0, RW);
    mustMap(c, 4 * GiB, GiB, ram, GiB, RW);
    iommu.translate(IGD, 4 * GiB, 'read');
    expect(c.unmapAll()).toEqual({ ok: true, unmapped: 2 * MiB + GiB });
    expect(iommu.translate(IGD, 4 * GiB, 'read')).toBe(-1);
  });
});

describe('containers and domains', () => {
  it('lets several devices share a domain but refuses a device already in another container (EBUSY)', () => {
    const { iommu, ram, c } = rig({}, [IGD, NIC]);
    mustMap(c, 0, 0x1000, ram, 0x3000, RW);
    expect(iommu.translate(NIC, 0x8, 'read')).toBe(0x3008);
    expect(iommu.translate(IGD, 0x8, 'read')).toBe(0x3008);
    expect(iommu.createContainer().attach(IGD)).toMatchObject({ ok: false, errno: 'EBUSY' });
  });

  it('builds a domain from a guest memory map plus extra regions', () => {
    const iommu = new Iommu();
    const guestRam = new GuestMemory();
    const stolen = new GuestMemory();
    const { container, errors } = buildDomain(iommu, {
      guestRam,
      ram: [
        { start: 0, size: 0xa0000 },
        { start: 0x100000, size: 0x7ff00000 },
        { start: 4 * GiB, size: 4 * GiB },
        { start: 0xfee00000, size: 0x1000 }, // refused: MSI window
      ],
      extras: [{ iova: 0x80000000, size: 64 * MiB, target: stolen, label: 'fake BAR stolen' }],
      sources: [IGD],
    });
    expect(errors.map((e) => [e.errno, e.label])).toEqual([['EINVAL', 'ram 0xfee00000+0x1000']]);
    expect(container.mappings().map((m) => [m.kind, m.label])).toEqual([
      ['ram', 'ram 0x0+0xa0000'],
      ['ram', 'ram 0x100000+0x7ff00000'],
      ['extra', 'fake BAR stolen'],
      ['ram', 'ram 0x100000000+0x100000000'],
    ]);
    expect(iommu.translate(IGD, 5 * GiB + 4, 'write')).toBe(5 * GiB + 4);
    expect(iommu.lastTarget).toBe(guestRam);
    expect(iommu.translate(IGD, 0x80000010, 'read')).toBe(0x10);
    expect(iommu.lastTarget).toBe(stolen);
    expect(iommu.translate(IGD, 0xb0000, 'read')).toBe(-1);
  });
});
