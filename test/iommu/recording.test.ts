import { describe, expect, it } from 'vitest';
import { linuxDmarFault, REG_FECTL, REG_FEDATA, REG_FEADDR, REG_FRCD, REG_FSTS, type Iommu } from '../../vmm/passthrough/iommu/index.js';
import { IGD, MiB, NIC, RW, mustMap, rig } from './helpers.js';

const SID_C = 0x0020; // 00:04.0

function frcd(iommu: Iommu, i: number): number[] {
  return [0, 4, 8, 12].map((o) => iommu.readReg32(REG_FRCD + 16 * i + o));
}

function setup(opts: Parameters<typeof rig>[0] = {}) {
  const r = rig(opts, [IGD, NIC, SID_C, 0x28, 0x30]);
  mustMap(r.c, 0, 16 * MiB, r.ram, 0, RW);
  return r;
}

describe('fault recording registers (docs/iommu.md §7)', () => {
  it('records FI, SID, FR and T = 1 for a read, sets PPF and FRI, and leaves IP pending under IM', () => {
    const { iommu } = setup();
    expect(iommu.translate(IGD, 0x7f000123, 'read')).toBe(-1);
    expect(frcd(iommu, 0)).toEqual([0x7f000000, 0, 0x10, 0xc0000006]);
    expect(iommu.readReg32(REG_FSTS)).toBe(0x2);
    expect(iommu.readReg32(REG_FECTL)).toBe(0xc0000000); // IM (reset) + IP
    expect(iommu.faults.interrupts).toBe(0);
  });

  it('records T = 0 and reason 0x5 for a write', () => {
    const { iommu } = setup();
    iommu.translate(NIC, 0x1_2345_6000, 'write');
    expect(frcd(iommu, 0)).toEqual([0x23456000, 0x1, 0x318, 0x80000005]);
  });

  it('compresses a second fault from the same source while its record is pending', () => {
    const { iommu } = setup();
    iommu.translate(IGD, 0x7f000000, 'read');
    iommu.translate(IGD, 0x7f001000, 'write');
    expect(iommu.log.details().map((f) => f.disposition)).toEqual(['recorded', 'compressed']);
    expect(frcd(iommu, 0)[0]).toBe(0x7f000000);
  });

  it('with one record, a fault from another source sets PFO; later faults are dropped', () => {
    const { iommu } = setup();
    iommu.translate(IGD, 0x7f000000, 'read');
    iommu.translate(NIC, 0x7f000000, 'read');
    iommu.translate(SID_C, 0x7f000000, 'read');
    expect(iommu.log.details().map((f) => f.disposition)).toEqual(['recorded', 'overflow', 'dropped-pfo']);
    expect(iommu.readReg32(REG_FSTS)).toBe(0x3);
    expect(iommu.log.total).toBe(3);
  });

  it("Linux's handler prints and clears the record, then FSTS and IP read clear", () => {
    const { iommu } = setup();
    iommu.translate(IGD, 0x7f000000, 'read');
    iommu.translate(NIC, 0x7f000000, 'read');
    expect(linuxDmarFault(iommu)).toEqual([
      'DMAR: DRHD: handling fault status reg 3',
      'DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7f000000 [fault reason 0x06] PTE Read access is not set',
    ]);
    expect(iommu.readReg32(REG_FSTS)).toBe(0);
    expect(iommu.readReg32(REG_FECTL)).toBe(0x80000000);
    expect(frcd(iommu, 0)[3]! >>> 31).toBe(0);
    iommu.translate(SID_C, 0x1000000, 'write');
    expect(iommu.log.at(2).disposition).toBe('recorded');
  });

  it('sends the fault-event MSI when unmasked, and only for the fault that sets PPF', () => {
    const msis: [number, number][] = [];
    const { iommu } = setup({ faultRecords: 4, onFaultInterrupt: (a, d) => msis.push([a, d]) });
    iommu.writeReg32(REG_FEADDR, 0xfee00003);
    iommu.writeReg32(REG_FEDATA, 0x12345);
    iommu.writeReg32(REG_FECTL, 0);
    iommu.translate(IGD, 0x7f000000, 'read');
    iommu.translate(NIC, 0x7f000000, 'read');
    expect(msis).toEqual([[0xfee00000, 0x2345]]); // FEADDR b1:0 and FEDATA b31:16 are not writable
    expect(iommu.readReg32(REG_FECTL)).toBe(0);
  });

  it('holds the MSI while IM is set and sends it when software clears IM with IP pending', () => {
    const msis: number[] = [];
    const { iommu } = setup({ onFaultInterrupt: (_a, d) => msis.push(d) });
    iommu.translate(IGD, 0x7f000000, 'read');
    expect(msis).toEqual([]);
    iommu.writeReg32(REG_FECTL, 0);
    expect(msis).toEqual([0]);
    expect(iommu.readReg32(REG_FECTL)).toBe(0);
  });

  it('with four records fills them in order, keeps FRI at the first, and overflows on the fifth source', () => {
    const { iommu } = setup({ faultRecords: 4 });
    expect((iommu.readReg32(0x0c) >>> 8) & 0xff).toBe(3); // CAP.NFR = records - 1
    for (const sid of [IGD, NIC, SID_C, 0x28]) iommu.translate(sid, 0x7f000000, 'read');
    expect((iommu.readReg32(REG_FSTS) >>> 8) & 0xff).toBe(0);
    expect([0, 1, 2, 3].map((i) => frcd(iommu, i)[2])).toEqual([0x10, 0x318, 0x20, 0x28]);
    iommu.translate(0x30, 0x7f000000, 'read');
    expect(iommu.log.at(4).disposition).toBe('overflow');
    expect(linuxDmarFault(iommu)).toHaveLength(5);
  });

  it('records after a drain at the next register, with FRI pointing there; Linux starts from FRI and wraps', () => {
    const { iommu } = setup({ faultRecords: 2 });
    iommu.translate(IGD, 0x7f000000, 'read');
    expect(linuxDmarFault(iommu)).toHaveLength(2);
    iommu.translate(NIC, 0x7f001000, 'write');
    iommu.translate(IGD, 0x7f002000, 'read');
    expect((iommu.readReg32(REG_FSTS) >>> 8) & 0xff).toBe(1);
    const lines = linuxDmarFault(iommu);
    expect(lines.slice(1)).toEqual([
      'DMAR: [DMA Write NO_PASID] Request device [03:03.0] fault addr 0x7f001000 [fault reason 0x05] PTE Write access is not set',
      'DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7f002000 [fault reason 0x06] PTE Read access is not set',
    ]);
  });

  it('clears PFO by writing 1 to it, while PPF stays derived from F', () => {
    const { iommu } = setup();
    iommu.translate(IGD, 0x7f000000, 'read');
    iommu.translate(NIC, 0x7f000000, 'read');
    iommu.writeReg32(REG_FSTS, 0x3);
    expect(iommu.readReg32(REG_FSTS)).toBe(0x2);
    iommu.writeReg32(REG_FRCD + 12, 0x80000000);
    expect(iommu.readReg32(REG_FSTS)).toBe(0);
  });
});

describe('host-side fault log', () => {
  it('keeps exact counts past its detail cap', () => {
    const { iommu } = setup({ faultLogCap: 10 });
    for (let i = 0; i < 1000; i++) iommu.translate(i % 2 === 0 ? IGD : NIC, 0x40000000 + i * 4096, i % 3 === 0 ? 'write' : 'read');
    expect(iommu.log.total).toBe(1000);
    expect(iommu.log.detailsKept).toBe(10);
    expect(iommu.log.detailsDropped).toBe(990);
    const groups = iommu.log.summary();
    expect(groups.reduce((s, g) => s + g.count, 0)).toBe(1000);
    expect(groups.find((g) => g.sourceId === IGD && g.access === 'read')).toMatchObject({ reason: 6, count: 333, low: 0x40002000 });
    expect([...iommu.log.byDisposition].reduce((a, b) => a + b, 0)).toBe(1000);
  });
});
