import { describe, expect, it } from 'vitest';
import { Iotlb } from '../../vmm/passthrough/iommu/iotlb.js';

describe('IOTLB front cache', () => {
  it('answers a repeated lookup with the same slot, and forgets it on every kind of invalidation', () => {
    const t = new Iotlb(1024);
    t.insert(0x10, 1, 5, 0x1000, 1, 3);
    const s = t.lookup(0x10, 5);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(t.lookup(0x10, 5)).toBe(s); // served by the front now
    expect(t.lookup(0x18, 5)).toBe(-1); // same frame, another source id: not a hit
    t.flushPages(1, 5 * 4096, 0);
    expect(t.lookup(0x10, 5)).toBe(-1);
    t.insert(0x10, 1, 5, 0x2000, 1, 3);
    expect(t.base[t.lookup(0x10, 5)]).toBe(0x2000);
    t.flushDomain(1);
    expect(t.lookup(0x10, 5)).toBe(-1);
    t.insert(0x10, 1, 5, 0x3000, 1, 1);
    expect(t.lookup(0x10, 5)).toBeGreaterThanOrEqual(0);
    t.flushAll();
    expect(t.lookup(0x10, 5)).toBe(-1);
  });

  it('keeps the front right when another domain is removed and the survivors are rehashed into other slots', () => {
    const t = new Iotlb(16);
    for (let p = 0; p < 8; p++) t.insert(0x10, 1, p, 0x1000 * (p + 1), p % 2 === 0 ? 1 : 2, 3);
    for (let p = 0; p < 8; p++) expect(t.base[t.lookup(0x10, p)]).toBe(0x1000 * (p + 1));
    t.flushDomain(2); // rebuilds the table: slots of domain 1 move
    for (let p = 0; p < 8; p++) {
      const s = t.lookup(0x10, p);
      if (p % 2 === 0) expect(t.base[s]).toBe(0x1000 * (p + 1));
      else expect(s).toBe(-1);
    }
  });
});
