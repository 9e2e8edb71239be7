import { describe, expect, it } from 'vitest';
import { iommuMatchers, toHaveNoDmaCorruption, toHaveNoIommuFaults } from '../../vmm/frontends/testing/matchers.js';

expect.extend(iommuMatchers);

const LINE = 'DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b800000 [fault reason 0x06] PTE Read access is not set';
const faulty = {
  config: 'x.yaml', pci: { devices: [] }, machine: {},
  iommu: {
    faults: Array.from({ length: 7 }, (_, i) => ({ source: '00:02.0', address: `0x${(0x8b800000 + i * 4096).toString(16)}`, access: 'read', reason: 6, dmar: LINE.replace('0x8b800000', `0x${(0x8b800000 + i * 4096).toString(16)}`) })),
    faultCount: 768,
    corruption: [{ source: '00:02.0', start: '0x8b800000', end: '0x8bb00000', access: 'read' }],
  },
};
const clean = { config: 'y.yaml', pci: { devices: [] }, machine: {}, iommu: { faults: [], faultCount: 0, corruption: [] } };

describe('vitest matchers on boot reports', () => {
  it('pass on clean reports, reports without DMA, BootResults and bare iommu sections', () => {
    expect(clean).toHaveNoIommuFaults();
    expect(clean).toHaveNoDmaCorruption();
    expect({ report: clean }).toHaveNoIommuFaults();
    expect(clean.iommu).toHaveNoDmaCorruption();
    expect({ config: 'z', pci: { devices: [] }, machine: {} }).toHaveNoIommuFaults();
    expect(faulty).not.toHaveNoIommuFaults();
  });

  it('fail with the count and the first five DMAR lines', () => {
    const r = toHaveNoIommuFaults(faulty);
    expect(r.pass).toBe(false);
    expect(r.message().split('\n')).toEqual([
      'expected no IOMMU faults, but the IOMMU recorded 768 faults:',
      `  ${LINE}`,
      '  DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b801000 [fault reason 0x06] PTE Read access is not set',
      '  DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b802000 [fault reason 0x06] PTE Read access is not set',
      '  DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b803000 [fault reason 0x06] PTE Read access is not set',
      '  DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x8b804000 [fault reason 0x06] PTE Read access is not set',
      '  ... and 763 more',
    ]);
    expect(() => expect(faulty).toHaveNoIommuFaults()).toThrow(LINE);
  });

  it('fail on corruption with the ranges hit', () => {
    expect(toHaveNoDmaCorruption(faulty).message()).toBe('expected no DMA corruption, but 1 range was hit:\n  00:02.0 read guest RAM [0x8b800000, 0x8bb00000) it was never given');
  });

  it('refuse things that are not reports', () => {
    expect(toHaveNoIommuFaults(42).pass).toBe(false);
    expect(toHaveNoIommuFaults({ a: 1 }).message()).toMatch(/expected a boot report/);
  });
});

describe('dmaVerdict (--fail-on-fault)', () => {
  it('counts faults and corruption; a report without DMA is clean', async () => {
    const { dmaVerdict } = await import('../../vmm/frontends/testing/matchers.js');
    expect(dmaVerdict(faulty)).toEqual({ faults: 768, corruption: 1, clean: false });
    expect(dmaVerdict(clean)).toEqual({ faults: 0, corruption: 0, clean: true });
    expect(dmaVerdict({ config: 'z', pci: { devices: [] }, machine: {} })).toEqual({ faults: 0, corruption: 0, clean: true });
  });
});
