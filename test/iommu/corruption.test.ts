import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { iommuReport } from '../../vmm/passthrough/iommu/index.js';
import { IGD, MiB, NIC, RW, mustMap, rig } from './helpers.js';

function setup() {
  const r = rig({}, [IGD, NIC]);
  mustMap(r.c, 0, 64 * MiB, r.ram, 0, RW);
  r.iommu.setGiven(IGD, [{ start: 0x100000, end: 0x200000 }]);
  return r;
}

describe('corruption detection', () => {
  it('records nothing inside the given ranges or for sources without any', () => {
    const { iommu } = setup();
    iommu.port(IGD).write32(0x1ffffc, 1);
    iommu.port(NIC).write32(0x300000, 1);
    expect(iommu.corruption.events()).toEqual([]);
  });

  it('coalesces sequential page writes outside the given ranges into one range', () => {
    const { iommu } = setup();
    iommu.port(IGD).writeBytes(0x400000, new Uint8Array(3 * 4096));
    expect(iommu.corruption.events()).toEqual([{ sourceId: IGD, source: '00:02.0', start: 0x400000, end: 0x403000, access: 'write' }]);
  });

  it('coalesces out-of-order adjacent and overlapping hits, keeping separate ranges apart', () => {
    const { iommu } = setup();
    const p = iommu.port(IGD);
    p.write32(0x3000, 0);
    p.write32(0x1000, 0);
    p.write32(0x8000, 0);
    p.write32(0x1004, 0); // adjacent to [0x1000, 0x1004)
    p.writeBytes(0x1002, new Uint8Array(0x2000)); // overlaps the first and reaches 0x3002
    const ev = iommu.corruption.events().map((e) => [e.start, e.end]);
    expect(ev).toEqual([
      [0x1000, 0x3004],
      [0x8000, 0x8004],
    ]);
  });

  it('keeps reads apart from writes and records only the bytes outside the given range', () => {
    const { iommu } = setup();
    const p = iommu.port(IGD);
    p.read64(0x1ffffc); // straddles the end of the given range
    p.write32(0x200000, 0);
    expect(iommu.corruption.events().map((e) => [e.access, e.start, e.end])).toEqual([
      ['read', 0x200000, 0x200004],
      ['write', 0x200000, 0x200004],
    ]);
  });

  it("ignores DMA into 'extra' mappings (VMM buffers are not guest RAM)", () => {
    const { iommu, c } = setup();
    mustMap(c, 0x80000000, MiB, new GuestMemory(), 0, RW, { kind: 'extra' });
    iommu.port(IGD).write32(0x80000000, 1);
    expect(iommu.corruption.events()).toEqual([]);
  });

  it('appears in the report with hex addresses, beside the faults and their DMAR lines', () => {
    const { iommu } = setup();
    iommu.port(IGD).write32(0x400000, 1);
    iommu.port(IGD).read32(0x8b800000);
    const r = iommuReport(iommu);
    expect(r.corruption).toEqual([{ source: '00:02.0', start: '0x400000', end: '0x400004', access: 'write' }]);
    expect(r.faults).toEqual([
      {
        source: '00:02.0',
        address: '0x8b800000',
        access: 'read',
        reason: 6,
        disposition: 'recorded',
        dmar: 'DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b800000 [fault reason 0x06] PTE Read access is not set',
      },
    ]);
    expect(r.faultCount).toBe(1);
    expect(r.faultDispositions).toEqual({ recorded: 1, compressed: 0, overflow: 0, 'dropped-pfo': 0, fpd: 0 });
  });
});
