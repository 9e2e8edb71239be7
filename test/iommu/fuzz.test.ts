import { describe, expect, it } from 'vitest';
import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { FR_CONTEXT_ENTRY_P, FR_READ, FR_ROOT_ENTRY_P, FR_WRITE, Iommu, type DmaTarget } from '../../vmm/passthrough/iommu/index.js';
import { IGD, NIC, R, W } from './helpers.js';
import { mulberry32 } from '../helpers/prng.js';

const prng = mulberry32;

interface RefMapping {
  iova: number;
  size: number;
  target: DmaTarget;
  targetAddr: number;
  perms: number;
}

const SHARED = 0x0020; // 00:04.0 shares the domain
const STRAY = 0x0028; // 00:05.0, never attached: context not present
const OTHER_BUS = 0x0700; // no context table on bus 7

function run(seed: number, iotlbEntries: number, faultRecords: number, ops: number): void {
  const rnd = prng(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const iommu = new Iommu({ iotlbEntries, faultRecords, faultLogCap: 5000 });
  const ram = new GuestMemory();
  const buf = new GuestMemory();
  const c = iommu.createContainer({ dmaEntryLimit: 400 });
  for (const s of [IGD, NIC, SHARED]) expect(c.attach(s).ok).toBe(true);
  const baseTables = iommu.tables.pagesInUse;
  const ref: RefMapping[] = [];
  const sids = [IGD, NIC, SHARED, STRAY, OTHER_BUS];
  const aligns = [0x1000, 0x1000, 0x200000, 0x40000000];
  const randIova = (): number => {
    const r = rnd();
    if (r < 0.8) return int(0x4000) * 0x1000 + (rnd() < 0.1 ? int(0x1000) : 0); // 64 MiB of 4 KiB pages
    if (r < 0.9) return int(8) * 0x40000000; // 1 GiB boundaries
    if (r < 0.95) return 0xfed00000 + int(0x300) * 0x1000; // around the MSI window
    return rnd() < 0.5 ? 2 ** 48 + int(4) * 0x1000 : int(1 << 30) * 0x1000 + 1; // beyond the aperture / misaligned
  };

  for (let op = 0; op < ops; op++) {
    const kind = rnd();
    if (kind < 0.12) {
      const align = aligns[int(aligns.length)]!;
      const iova = rnd() < 0.9 ? Math.floor(randIova() / align) * align : randIova();
      const size = rnd() < 0.05 ? int(3) * 0x800 : (1 + int(align === 0x1000 ? 64 : 3)) * align;
      const target = rnd() < 0.7 ? ram : buf;
      const targetAddr = rnd() < 0.95 ? Math.floor(int(1 << 20) * 0x1000 / align) * align : 0x10;
      const perms = int(4);
      const res = c.map(iova, size, target, targetAddr, perms, { kind: target === ram ? 'ram' : 'extra' });
      const overlap = ref.some((m) => m.iova < iova + size && iova < m.iova + m.size);
      if (res.ok) {
        expect(overlap).toBe(false);
        ref.push({ iova, size, target, targetAddr, perms });
      } else if (res.errno === 'EEXIST') {
        expect(overlap).toBe(true);
      }
    } else if (kind < 0.2) {
      let iova: number;
      let size: number;
      if (ref.length > 0 && rnd() < 0.7) {
        const m = ref[int(ref.length)]!;
        iova = m.iova;
        size = rnd() < 0.8 ? m.size : m.size + int(4) * 0x1000 - 0x1000; // sometimes bisecting
      } else {
        iova = randIova();
        size = (1 + int(16)) * 0x1000;
      }
      const res = c.unmap(iova, size);
      if (res.ok && size > 0) {
        const gone = ref.filter((m) => m.iova >= iova && m.iova < iova + size);
        expect(res.unmapped).toBe(gone.reduce((s, m) => s + m.size, 0));
        for (const m of gone) ref.splice(ref.indexOf(m), 1);
      }
    } else if (kind < 0.22) {
      const r = int(4);
      if (r === 0) iommu.invalidateIotlbGlobal();
      else if (r === 1) iommu.invalidateContextGlobal();
      else if (r === 2) iommu.setGiven(IGD, rnd() < 0.5 ? null : [{ start: int(0x4000) * 0x1000, end: 0x4000000 }]);
      else iommu.writeReg32(0x34, 0x11), iommu.writeReg32(0x220 + 12, 0x80000000); // software services faults
    } else if (kind < 0.25) {
      const out = new Uint8Array(1 + int(0x3000));
      iommu.port(sids[int(sids.length)]!).readBytes(randIova(), out);
    } else {
      const sid = sids[int(sids.length)]!;
      const iova = randIova() + int(0x1000);
      const write = rnd() < 0.5;
      const before = iommu.log.total;
      const got = iommu.translate(sid, iova, write ? 'write' : 'read', 1);
      const faults = iommu.log.total;
      if (iova >= 0xfee00000 && iova <= 0xfeefffff) {
        expect(got).toBe(-1);
        continue;
      }
      const m = ref.find((x) => iova >= x.iova && iova < x.iova + x.size);
      const attached = sid === IGD || sid === NIC || sid === SHARED;
      if (attached && m !== undefined && (m.perms & (write ? W : R)) !== 0) {
        expect(got).toBe(m.targetAddr + (iova - m.iova));
        expect(iommu.lastTarget).toBe(m.target);
      } else {
        expect(got).toBe(-1);
        expect(faults).toBe(before + 1);
        const reason = iommu.log.total <= 5000 ? iommu.log.at(faults - 1).reason : -1;
        const want = sid === OTHER_BUS ? FR_ROOT_ENTRY_P : sid === STRAY ? FR_CONTEXT_ENTRY_P : iova >= 2 ** 48 ? 4 : write ? FR_WRITE : FR_READ;
        if (reason >= 0) expect(reason).toBe(want);
      }
    }
  }
  expect(c.mappings().length).toBe(ref.length);
  expect(c.dmaAvail).toBe(400 - ref.length);
  c.unmapAll();
  expect(iommu.tables.pagesInUse).toBe(baseTables);
  expect(iommu.log.summary().reduce((s, g) => s + g.count, 0)).toBe(iommu.log.total);
}

describe('seeded fuzz: random map/unmap/DMA never throws and always matches a reference model', () => {
  it('10^5 operations, QEMU-sized IOTLB, one fault record', () => {
    run(0x5eed, 1024, 1, 100_000);
  });

  it('10^5 operations, tiny IOTLB (constant full flushes), four fault records', () => {
    run(42, 16, 4, 100_000);
  });
});
