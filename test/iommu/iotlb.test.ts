import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { FR_CONTEXT_ENTRY_P, FR_READ } from '../../vmm/passthrough/iommu/index.js';
import { GiB, IGD, MiB, NIC, RW, contextEntryAddress, mustMap, pteAddress, rig } from './helpers.js';

describe('IOTLB (docs/iommu.md §5)', () => {
  it('hits after a miss, one entry per 4 KiB page', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x10000, 0x2000, ram, 0x10000, RW);
    iommu.translate(IGD, 0x10000, 'read');
    iommu.translate(IGD, 0x10ffc, 'write');
    iommu.translate(IGD, 0x11000, 'read');
    expect([iommu.misses, iommu.hits, iommu.iotlb.size]).toEqual([2, 1, 2]);
  });

  it('caches a 2 MiB leaf as one entry covering the whole superpage', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x200000, 2 * MiB, ram, 0x200000, RW);
    expect(iommu.translate(IGD, 0x200000, 'read')).toBe(0x200000);
    expect(iommu.translate(IGD, 0x3ff000, 'read')).toBe(0x3ff000);
    expect([iommu.misses, iommu.hits, iommu.iotlb.size]).toEqual([1, 1, 1]);
  });

  it('keeps using a stale translation after a PTE change until the page is invalidated', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x10000, 0x1000, ram, 0x50000, RW);
    expect(iommu.translate(IGD, 0x10010, 'read')).toBe(0x50010);
    const pte = pteAddress(iommu, c, 0x10000, 1);
    const mem = iommu.tables.mem;
    mem.write(pte, 4, (mem.read(pte, 4) & 0xfff) | 0x60000);
    expect(iommu.translate(IGD, 0x10010, 'read')).toBe(0x50010);
    iommu.invalidateIotlbPages(c.domainId, 0x10000, 0);
    expect(iommu.translate(IGD, 0x10010, 'read')).toBe(0x60010);
  });

  it('never uses a translation after vfio unmaps it, even when the iova is remapped elsewhere', () => {
    const { iommu, ram, c } = rig();
    const other = new GuestMemory();
    mustMap(c, 0x200000, 2 * MiB, ram, 0x200000, RW);
    expect(iommu.translate(IGD, 0x300000, 'write')).toBe(0x300000);
    expect(c.unmap(0x200000, 2 * MiB)).toEqual({ ok: true, unmapped: 2 * MiB });
    expect(iommu.translate(IGD, 0x300000, 'write')).toBe(-1);
    mustMap(c, 0x200000, 0x1000, other, 0x7000, RW, { kind: 'extra' });
    expect(iommu.translate(IGD, 0x200004, 'read')).toBe(0x7004);
    expect(iommu.lastTarget).toBe(other);
  });

  it('an unmap flushes one aligned 2^AM block around the range, or the whole domain past MAMV (18)', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0x0, 0x1000, ram, 0, RW);
    mustMap(c, 0x3000, 0x1000, ram, 0, RW);
    mustMap(c, 0x8000, 0x1000, ram, 0, RW);
    mustMap(c, 4 * GiB, 2 * GiB, ram, 0, RW);
    for (const a of [0x0, 0x3000, 0x8000]) iommu.translate(IGD, a, 'read');
    c.unmap(0x3000, 0x1000); // one page: AM 0
    expect(iommu.iotlb.size).toBe(2);
    c.unmap(4 * GiB, 2 * GiB); // 2^19 pages > 2^MAMV: domain-selective
    expect(iommu.iotlb.size).toBe(0);
  });

  it('page-selective invalidation removes exactly the 2^AM aligned pages', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0, 0x8000, ram, 0x100000, RW);
    for (let p = 0; p < 8; p++) iommu.translate(IGD, p * 0x1000, 'read');
    iommu.invalidateIotlbPages(c.domainId, 0x3000, 1); // aligned down: pages 2 and 3
    expect(iommu.iotlb.size).toBe(6);
    const m = iommu.misses;
    iommu.translate(IGD, 0x2000, 'read');
    iommu.translate(IGD, 0x4000, 'read');
    expect(iommu.misses).toBe(m + 1);
  });

  it('domain-selective invalidation leaves other domains cached', () => {
    const { iommu, ram, c } = rig();
    const c2 = iommu.createContainer();
    c2.attach(NIC);
    mustMap(c, 0, 0x1000, ram, 0, RW);
    mustMap(c2, 0, 0x1000, ram, 0x1000, RW);
    expect(iommu.translate(IGD, 0, 'read')).toBe(0);
    expect(iommu.translate(NIC, 0, 'read')).toBe(0x1000);
    iommu.invalidateIotlbDomain(c.domainId);
    expect(iommu.iotlb.size).toBe(1);
    iommu.translate(NIC, 0, 'read');
    expect(iommu.hits).toBe(1);
  });

  it('flushes everything when the 1024th entry is exceeded', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0, 8 * MiB, ram, 0x1000, RW); // target misaligned: 4 KiB leaves
    for (let p = 0; p < 1024; p++) iommu.translate(IGD, p * 0x1000, 'read');
    expect([iommu.iotlb.size, iommu.iotlb.fullFlushes]).toEqual([1024, 0]);
    iommu.translate(IGD, 1024 * 0x1000, 'read');
    expect([iommu.iotlb.size, iommu.iotlb.fullFlushes]).toEqual([1, 1]);
  });

  it('a hit returns the cached PTE without re-checking the context (stale until invalidated)', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0, 0x2000, ram, 0, RW);
    iommu.translate(IGD, 0, 'read');
    iommu.tables.mem.write(contextEntryAddress(iommu, IGD), 4, 0); // clear P behind the caches' back
    iommu.invalidateContextDevice(IGD);
    expect(iommu.translate(IGD, 0x10, 'read')).toBe(0x10); // IOTLB hit
    expect(iommu.translate(IGD, 0x1000, 'read')).toBe(-1); // miss walks the new context
    expect(iommu.log.at(0).reason).toBe(FR_CONTEXT_ENTRY_P);
  });

  it('the context cache is stale until a context invalidation (device-selective with function mask)', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0, 0x2000, ram, 0, RW);
    iommu.translate(IGD, 0, 'read');
    iommu.tables.mem.write(contextEntryAddress(iommu, IGD), 4, 0);
    expect(iommu.translate(IGD, 0x1000, 'read')).toBe(0x1000); // cached context still used
    iommu.invalidateContextDevice(0x0017, 3); // 00:02.7 with FM = 3 masks function bits: covers 00:02.0
    iommu.invalidateIotlbGlobal();
    expect(iommu.translate(IGD, 0x1000, 'read')).toBe(-1);
  });

  it('detaching a device clears its context entry and caches: its next DMA faults 0x2', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0, 0x1000, ram, 0, RW);
    iommu.translate(IGD, 0, 'read');
    expect(c.detach(IGD)).toEqual({ ok: true });
    expect(iommu.translate(IGD, 0, 'read')).toBe(-1);
    expect(iommu.log.at(0).reason).toBe(FR_CONTEXT_ENTRY_P);
  });

  it('never translates the MSI window and records no fault for it', () => {
    const { iommu, ram, c } = rig();
    mustMap(c, 0, 0x1000, ram, 0, RW);
    expect(iommu.translate(IGD, 0xfee00000, 'write')).toBe(-1);
    expect([iommu.msiAccesses, iommu.log.total]).toEqual([1, 0]);
    expect(iommu.translate(IGD, 0xfef00000, 'read')).toBe(-1);
    expect(iommu.log.at(0).reason).toBe(FR_READ);
  });
});
