import { describe, expect, it } from 'vitest';
import { faultReasonString, formatBdf, formatDmar, Iommu, sourceIdOf } from '../../vmm/passthrough/iommu/index.js';

describe('DMAR log line (docs/iommu.md §7, current Linux format)', () => {
  it("prints the doc's IGD example exactly", () => {
    expect(formatDmar({ sourceId: 0x0010, address: 0x7f000000, reason: 6, access: 'read' })).toBe(
      'DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7f000000 [fault reason 0x06] PTE Read access is not set',
    );
  });

  it('prints writes, two-digit hex reasons, page addresses above 4G and a PASID when present', () => {
    expect(formatDmar({ sourceId: 0x0318, address: 0x1_0bc0_0abc, reason: 0xc, access: 'write' })).toBe(
      'DMAR: [DMA Write NO_PASID] Request device [03:03.0] fault addr 0x10bc00000 [fault reason 0x0c] non-zero reserved fields in PTE',
    );
    expect(formatDmar({ sourceId: 0x0010, address: 0, reason: 2, access: 'read', pasid: 5 })).toBe(
      'DMAR: [DMA Read PASID 0x5] Request device [00:02.0] fault addr 0x0 [fault reason 0x02] Present bit in context entry is clear',
    );
  });

  it('names every legacy reason as Linux does and unknown ones "Unknown"', () => {
    expect(faultReasonString(1)).toBe('Present bit in root entry is clear');
    expect(faultReasonString(0xb)).toBe('non-zero reserved fields in CTP');
    expect(faultReasonString(0xd)).toBe('PCE for translation request specifies blocking');
    expect(faultReasonString(0xe)).toBe('Unknown');
  });

  it('formats source ids as bb:dd.f', () => {
    expect(formatBdf(0x0010)).toBe('00:02.0');
    expect(formatBdf(0xff07)).toBe('ff:00.7');
    expect(formatBdf(sourceIdOf(3, 0x1f, 6))).toBe('03:1f.6');
    expect(sourceIdOf(0, 2, 0)).toBe(0x10);
  });
});

describe('identification registers (docs/iommu.md §2.1, §2.2)', () => {
  it('reports VER 1.0 and CAP/ECAP composed like QEMU (aw-bits 48, one fault record)', () => {
    const iommu = new Iommu();
    expect(iommu.readReg32(0x00)).toBe(0x10);
    expect([iommu.readReg32(0x08), iommu.readReg32(0x0c)]).toEqual([0x222f0606, 0x0012008c]);
    expect([iommu.readReg32(0x10), iommu.readReg32(0x14)]).toEqual([0xf02, 0]);
    // Linux/QEMU-doc width formula: ((cap & 0x3F0000) >> 16) + 1 (docs/igd.md troubleshooting table)
    expect(((iommu.readReg32(0x08) & 0x3f0000) >> 16) + 1).toBe(48);
  });

  it('offers only the 39-bit SAGAW with aw-bits 39', () => {
    expect(new Iommu({ awBits: 39 }).readReg32(0x08)).toBe(0x22260206);
  });
});
