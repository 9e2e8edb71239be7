import { GuestMemory } from '../../devices/memory/guest-memory.js';
import { Iommu, VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_WRITE, type VfioType1Container } from '../../vmm/passthrough/iommu/index.js';
import type { IommuOptions } from '../../vmm/passthrough/iommu/types.js';

export const IGD = 0x0010; // 00:02.0 (docs/iommu.md §3)
export const NIC = 0x0318; // 03:03.0
export const R = VFIO_DMA_MAP_FLAG_READ;
export const W = VFIO_DMA_MAP_FLAG_WRITE;
export const RW = R | W;
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

export interface Rig {
  iommu: Iommu;
  ram: GuestMemory;
  c: VfioType1Container;
}

/** An IOMMU with one container, `sources` attached, and a guest RAM object. */
export function rig(opts: IommuOptions = {}, sources: number[] = [IGD]): Rig {
  const iommu = new Iommu(opts);
  const ram = new GuestMemory();
  const c = iommu.createContainer();
  for (const s of sources) {
    const r = c.attach(s);
    if (!r.ok) throw new Error(r.message);
  }
  return { iommu, ram, c };
}

export function mustMap(c: VfioType1Container, ...args: Parameters<VfioType1Container['map']>): void {
  const r = c.map(...args);
  if (!r.ok) throw new Error(r.message);
}

/** Walks the domain's tables by hand: the level of the leaf mapping `iova`, or 0 when none. */
export function leafLevel(iommu: Iommu, c: VfioType1Container, iova: number): number {
  const mem = iommu.tables.mem;
  let table = c.ptRoot;
  for (let level = c.levels; level >= 1; level--) {
    const span = 4096 * 2 ** (9 * (level - 1));
    const ea = table + (Math.floor(iova / span) % 512) * 8;
    const lo = mem.read(ea, 4);
    if ((lo & 3) === 0) return 0;
    if (level === 1 || (lo & 0x80) !== 0) return level;
    table = (mem.read(ea + 4, 4) & 0xfffff) * 2 ** 32 + ((lo & 0xfffff000) >>> 0);
  }
  return 0;
}

/** Host address of the PTE that maps `iova` at `level` (for corrupting it in tests). */
export function pteAddress(iommu: Iommu, c: VfioType1Container, iova: number, level: number): number {
  const mem = iommu.tables.mem;
  let table = c.ptRoot;
  for (let l = c.levels; l > level; l--) {
    const span = 4096 * 2 ** (9 * (l - 1));
    const ea = table + (Math.floor(iova / span) % 512) * 8;
    table = (mem.read(ea + 4, 4) & 0xfffff) * 2 ** 32 + ((mem.read(ea, 4) & 0xfffff000) >>> 0);
  }
  return table + (Math.floor(iova / (4096 * 2 ** (9 * (level - 1)))) % 512) * 8;
}

/** Host address of a source's context entry. */
export function contextEntryAddress(iommu: Iommu, sid: number): number {
  const mem = iommu.tables.mem;
  const re = iommu.rootTable + (sid >>> 8) * 16;
  return ((mem.read(re, 4) & 0xfffff000) >>> 0) + (sid & 0xff) * 16;
}
