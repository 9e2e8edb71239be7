import { describe, expect, it } from 'vitest';
import {
  FR_ADDR_BEYOND_MGAW,
  FR_CONTEXT_ENTRY_INV,
  FR_CONTEXT_ENTRY_P,
  FR_CONTEXT_ENTRY_RSVD,
  FR_CONTEXT_TABLE_INV,
  FR_PAGING_ENTRY_INV,
  FR_PAGING_ENTRY_RSVD,
  FR_READ,
  FR_ROOT_ENTRY_P,
  FR_ROOT_ENTRY_RSVD,
  FR_ROOT_TABLE_INV,
  type Iommu,
} from '../../vmm/passthrough/iommu/index.js';
import { GiB, IGD, MiB, RW, contextEntryAddress, mustMap, pteAddress, rig, type Rig } from './helpers.js';

const TABLE_MEM = MiB; // reads at or above this host address fail

function setup(fpd = false): Rig {
  const r = rig({ tableMemoryBytes: TABLE_MEM }, []);
  r.c.attach(IGD, { fpd });
  mustMap(r.c, 0, 4 * MiB, r.ram, 0, RW);
  return r;
}

/** Reason of the single fault a read of `iova` by `sid` produces. */
function reasonOf(iommu: Iommu, sid: number, iova = 0x1000): number {
  const before = iommu.log.total;
  expect(iommu.translate(sid, iova, 'read')).toBe(-1);
  expect(iommu.log.total).toBe(before + 1);
  return iommu.log.at(iommu.log.total - 1).reason;
}

function poke(iommu: Iommu, addr: number, value: number): void {
  iommu.tables.mem.write(addr, 4, value >>> 0);
  iommu.invalidateContextGlobal();
  iommu.invalidateIotlbGlobal();
}

describe('fault reasons (docs/iommu.md §6), in QEMU check order', () => {
  it('0x1: a bus with no context table', () => {
    const { iommu } = setup();
    expect(reasonOf(iommu, 0x0500)).toBe(FR_ROOT_ENTRY_P);
  });

  it('0x2: a device with no context entry on a bus that has one', () => {
    const { iommu } = setup();
    expect(reasonOf(iommu, 0x0018)).toBe(FR_CONTEXT_ENTRY_P);
  });

  it('0x3: context AW not in SAGAW, an unsupported TT, or an unreadable top-level table', () => {
    const { iommu } = setup();
    const ce = contextEntryAddress(iommu, IGD);
    const hi = iommu.tables.mem.read(ce + 8, 4);
    poke(iommu, ce + 8, (hi & ~7) | 3); // AW 3 = 5 levels, not offered
    expect(reasonOf(iommu, IGD)).toBe(FR_CONTEXT_ENTRY_INV);
    poke(iommu, ce + 8, hi);
    const lo = iommu.tables.mem.read(ce, 4);
    poke(iommu, ce, lo | (2 << 2)); // TT = pass-through, ECAP.PT not offered
    expect(reasonOf(iommu, IGD)).toBe(FR_CONTEXT_ENTRY_INV);
    poke(iommu, ce, (TABLE_MEM | 1) >>> 0); // SLPTPTR outside table memory
    expect(reasonOf(iommu, IGD)).toBe(FR_CONTEXT_ENTRY_INV);
  });

  it('0x4: an iova at or above 2^48', () => {
    const { iommu } = setup();
    expect(reasonOf(iommu, IGD, 2 ** 48)).toBe(FR_ADDR_BEYOND_MGAW);
  });

  it('0x6 (and 0x5 for writes): unmapped iova', () => {
    const { iommu } = setup();
    expect(reasonOf(iommu, IGD, 8 * MiB)).toBe(FR_READ);
  });

  it('0x7: a next-level pointer into unbacked memory below the top level', () => {
    const { iommu, c } = setup();
    poke(iommu, pteAddress(iommu, c, 0, 3), (TABLE_MEM | 3) >>> 0);
    expect(reasonOf(iommu, IGD)).toBe(FR_PAGING_ENTRY_INV);
  });

  it('0x8: the root table address is unbacked', () => {
    const { iommu } = setup();
    iommu.rootTable = TABLE_MEM;
    iommu.invalidateContextGlobal();
    expect(reasonOf(iommu, IGD)).toBe(FR_ROOT_TABLE_INV);
  });

  it('0x9: the root entry points its context table at unbacked memory', () => {
    const { iommu } = setup();
    poke(iommu, iommu.rootTable, (TABLE_MEM | 1) >>> 0);
    expect(reasonOf(iommu, IGD)).toBe(FR_CONTEXT_TABLE_INV);
  });

  it('0xA: reserved bits in the root entry (high qword non-zero, or lo bits 11:1)', () => {
    const { iommu } = setup();
    poke(iommu, iommu.rootTable + 8, 1);
    expect(reasonOf(iommu, IGD)).toBe(FR_ROOT_ENTRY_RSVD);
    poke(iommu, iommu.rootTable + 8, 0);
    poke(iommu, iommu.rootTable, iommu.tables.mem.read(iommu.rootTable, 4) | 0x2);
    expect(reasonOf(iommu, IGD)).toBe(FR_ROOT_ENTRY_RSVD);
  });

  it('0xB: reserved bits in the context entry (hi bit 7)', () => {
    const { iommu } = setup();
    const ce = contextEntryAddress(iommu, IGD);
    poke(iommu, ce + 8, iommu.tables.mem.read(ce + 8, 4) | 0x80);
    expect(reasonOf(iommu, IGD)).toBe(FR_CONTEXT_ENTRY_RSVD);
  });

  it('0xC: reserved PTE bits: SNP (b11), address bits under a 2 MiB leaf, PS at level 4, bits above HAW', () => {
    const { iommu, c } = setup();
    const mem = iommu.tables.mem;
    const leaf = pteAddress(iommu, c, 0, 2);
    const lo = mem.read(leaf, 4);
    poke(iommu, leaf, lo | 0x800);
    expect(reasonOf(iommu, IGD)).toBe(FR_PAGING_ENTRY_RSVD);
    poke(iommu, leaf, lo | 0x1000);
    expect(reasonOf(iommu, IGD)).toBe(FR_PAGING_ENTRY_RSVD);
    poke(iommu, leaf, lo);
    const hi = mem.read(leaf + 4, 4);
    poke(iommu, leaf + 4, hi | 0x10000); // address bit 48
    expect(reasonOf(iommu, IGD)).toBe(FR_PAGING_ENTRY_RSVD);
    poke(iommu, leaf + 4, hi);
    const top = pteAddress(iommu, c, 0, 4);
    poke(iommu, top, mem.read(top, 4) | 0x80);
    expect(reasonOf(iommu, IGD)).toBe(FR_PAGING_ENTRY_RSVD);
  });

  it('checks permission before reserved bits: a reserved-bit PTE without R still reports 0x6', () => {
    const { iommu, c } = setup();
    const leaf = pteAddress(iommu, c, 0, 2);
    poke(iommu, leaf, (iommu.tables.mem.read(leaf, 4) & ~1) | 0x800);
    expect(reasonOf(iommu, IGD)).toBe(FR_READ);
  });
});

describe('fault processing disable (docs/iommu.md §5 step 4)', () => {
  it('suppresses qualified reasons but still reports unqualified ones', () => {
    const { iommu } = setup(true);
    expect(reasonOf(iommu, IGD, 8 * MiB)).toBe(FR_READ);
    expect(iommu.log.at(0).disposition).toBe('fpd');
    expect(iommu.readReg32(0x34)).toBe(0); // nothing reached FSTS
    iommu.rootTable = TABLE_MEM;
    iommu.invalidateContextGlobal();
    expect(reasonOf(iommu, IGD)).toBe(FR_ROOT_TABLE_INV);
    expect(iommu.log.at(1).disposition).toBe('recorded');
  });

  it('takes FPD from a context entry even when it is not present, as QEMU does', () => {
    const { iommu } = setup();
    const other = 0x0018;
    poke(iommu, contextEntryAddress(iommu, other), 0x2); // FPD without P
    expect(reasonOf(iommu, other)).toBe(FR_CONTEXT_ENTRY_P);
    expect(iommu.log.at(0).disposition).toBe('fpd');
  });

  it('keeps FPD in the IOTLB: a permission fault on a cached read-only page is suppressed too', () => {
    const r = rig({}, []);
    r.c.attach(IGD, { fpd: true });
    mustMap(r.c, GiB, 0x1000, r.ram, 0, 1);
    expect(r.iommu.translate(IGD, GiB, 'read')).toBe(0);
    expect(r.iommu.translate(IGD, GiB, 'write')).toBe(-1);
    expect(r.iommu.log.at(0)).toMatchObject({ reason: 5, disposition: 'fpd' });
  });
});
