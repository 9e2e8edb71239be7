/**
 * A vfio type1 (v2) container over one IOMMU domain (docs/iommu.md §10; Linux vfio_dma_do_map/unmap):
 * MAP_DMA and UNMAP_DMA with their checks in the kernel's order and its error codes, returned as
 * values. Each mapping writes second-level PTEs into the domain's page tables; each unmap clears them
 * and sends the page-selective IOTLB invalidation intel-iommu would.
 */
import {
  ERRNO,
  IOMMU_PAGE_SIZE,
  MSI_FIRST,
  MSI_LAST,
  VFIO_DMA_ENTRY_LIMIT,
  VFIO_DMA_MAP_FLAG_READ,
  VFIO_DMA_MAP_FLAG_WRITE,
} from './constants.js';
import { HOST_WINDOW_SIZE, type HostTables } from './host-tables.js';
import type { DmaTarget, IovaRange, MapOptions, Mapping, MappingKind, VfioErrno, VfioError, VfioResult, VfioUnmapResult } from './types.js';

/** What the container needs from the IOMMU that owns it. */
export interface ContainerHost {
  readonly tables: HostTables;
  /** Host window (1 TiB slot of host-physical space) for a target; -1 when none is left. */
  windowFor(target: DmaTarget, kind: MappingKind): number;
  /** Invalidates the IOTLB for [iova, iova + size) of a domain, as the unmap path does. */
  flushRange(domainId: number, iova: number, size: number): void;
  attachSource(sourceId: number, container: VfioType1Container, fpd: boolean): VfioResult;
  detachSource(sourceId: number, container: VfioType1Container): VfioResult;
}

export interface ContainerOptions {
  /** vfio's dma_entry_limit module parameter. */
  dmaEntryLimit?: number;
  /** Allowed IOVA ranges (inclusive ends); default: the aperture minus the MSI window (docs/iommu.md §10). */
  iovaRanges?: readonly IovaRange[];
}

class MappingRecord implements Mapping {
  constructor(
    readonly iova: number,
    readonly size: number,
    readonly target: DmaTarget,
    readonly targetAddr: number,
    readonly perms: number,
    readonly kind: MappingKind,
    readonly label: string,
  ) {}
}

export function vfioError(errno: VfioErrno, message: string): VfioError {
  return { ok: false, errno, errnoValue: -ERRNO[errno], message };
}

const OK: VfioResult = { ok: true };

export class VfioType1Container {
  /** Remaining mappings before -ENOSPC (vfio's dma_avail). */
  dmaAvail: number;
  readonly iovaRanges: readonly IovaRange[];
  private readonly list: MappingRecord[] = [];

  constructor(
    private readonly host: ContainerHost,
    readonly domainId: number,
    /** Host address of the domain's top-level page table. */
    readonly ptRoot: number,
    readonly levels: number,
    awBits: number,
    opts: ContainerOptions = {},
  ) {
    this.dmaAvail = opts.dmaEntryLimit ?? VFIO_DMA_ENTRY_LIMIT;
    this.iovaRanges = opts.iovaRanges ?? [
      { start: 0, end: MSI_FIRST - 1 },
      { start: MSI_LAST + 1, end: 2 ** awBits - 1 },
    ];
  }

  /** Attaches a device (source id) to this container's domain by writing its context entry. */
  attach(sourceId: number, opts: { fpd?: boolean } = {}): VfioResult {
    return this.host.attachSource(sourceId & 0xffff, this, opts.fpd ?? false);
  }

  detach(sourceId: number): VfioResult {
    return this.host.detachSource(sourceId & 0xffff, this);
  }

  mappings(): readonly Mapping[] {
    return this.list;
  }

  /** Index of the first mapping whose end is above `addr`. */
  private lowerBound(addr: number): number {
    let lo = 0;
    let hi = this.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.list[mid]!;
      if (m.iova + m.size <= addr) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The mapping containing `addr`, if any. */
  find(addr: number): Mapping | undefined {
    const m = this.list[this.lowerBound(addr)];
    return m !== undefined && m.iova <= addr ? m : undefined;
  }

  /**
   * VFIO_IOMMU_MAP_DMA: [iova, iova + size) → target [targetAddr, targetAddr + size). `perms` holds
   * VFIO_DMA_MAP_FLAG_READ / _WRITE.
   */
  map(iova: number, size: number, target: DmaTarget, targetAddr: number, perms: number, opts: MapOptions = {}): VfioResult {
    const prot = perms & (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
    if (prot === 0) return vfioError('EINVAL', 'MAP_DMA without READ or WRITE');
    if (![iova, size, targetAddr].every((v) => Number.isSafeInteger(v) && v >= 0)) {
      return vfioError('EINVAL', 'MAP_DMA fields must be non-negative integers');
    }
    if (size === 0 || iova % IOMMU_PAGE_SIZE !== 0 || size % IOMMU_PAGE_SIZE !== 0 || targetAddr % IOMMU_PAGE_SIZE !== 0) {
      return vfioError('EINVAL', `MAP_DMA iova/size/vaddr not aligned to ${IOMMU_PAGE_SIZE} (iova 0x${iova.toString(16)}, size 0x${size.toString(16)})`);
    }
    if (iova + size > 2 ** 64) return vfioError('EINVAL', 'MAP_DMA iova range wraps');
    const hit = this.list[this.lowerBound(iova)];
    if (hit !== undefined && hit.iova < iova + size) {
      return vfioError('EEXIST', `MAP_DMA [0x${iova.toString(16)}, +0x${size.toString(16)}) overlaps ${hit.label} at 0x${hit.iova.toString(16)}`);
    }
    if (this.dmaAvail === 0) return vfioError('ENOSPC', 'MAP_DMA beyond dma_entry_limit');
    const last = iova + size - 1;
    if (!this.iovaRanges.some((r) => iova >= r.start && last <= r.end)) {
      return vfioError('EINVAL', `MAP_DMA [0x${iova.toString(16)}, 0x${last.toString(16)}] outside the allowed IOVA ranges`);
    }
    if (targetAddr + size > HOST_WINDOW_SIZE) return vfioError('EFAULT', 'MAP_DMA target range cannot be pinned');
    const kind = opts.kind ?? 'ram';
    const win = this.host.windowFor(target, kind);
    if (win < 0) return vfioError('ENOMEM', 'no host window left for another DMA target');
    const hpa = win * HOST_WINDOW_SIZE + targetAddr;
    const t = this.host.tables;
    const done = t.map(this.ptRoot, this.levels, iova, size, hpa, prot);
    if (done < size) {
      t.unmap(this.ptRoot, this.levels, iova, done);
      return vfioError('ENOMEM', 'IOMMU page-table memory exhausted');
    }
    const label = opts.label ?? `${kind}@0x${iova.toString(16)}`;
    this.list.splice(this.lowerBound(iova), 0, new MappingRecord(iova, size, target, targetAddr, prot, kind, label));
    this.dmaAvail--;
    return OK;
  }

  /** VFIO_IOMMU_UNMAP_DMA, v2 semantics: no bisecting; a hole unmaps 0 bytes successfully. */
  unmap(iova: number, size: number): VfioUnmapResult {
    if (!Number.isSafeInteger(iova) || !Number.isSafeInteger(size) || iova < 0 || size < 0) {
      return vfioError('EINVAL', 'UNMAP_DMA fields must be non-negative integers');
    }
    if (iova % IOMMU_PAGE_SIZE !== 0) return vfioError('EINVAL', 'UNMAP_DMA iova not page aligned');
    if (size === 0 || size % IOMMU_PAGE_SIZE !== 0) return vfioError('EINVAL', 'UNMAP_DMA size zero or not page aligned');
    if (iova + size > 2 ** 64) return vfioError('EINVAL', 'UNMAP_DMA range wraps');
    const first = this.find(iova);
    if (first !== undefined && first.iova !== iova) {
      return vfioError('EINVAL', `UNMAP_DMA at 0x${iova.toString(16)} bisects ${first.label} [0x${first.iova.toString(16)}, +0x${first.size.toString(16)})`);
    }
    const lastHit = this.find(iova + size - 1);
    if (lastHit !== undefined && lastHit.iova + lastHit.size !== iova + size) {
      return vfioError('EINVAL', `UNMAP_DMA end 0x${(iova + size).toString(16)} bisects ${lastHit.label} [0x${lastHit.iova.toString(16)}, +0x${lastHit.size.toString(16)})`);
    }
    return { ok: true, unmapped: this.removeRange(iova, iova + size) };
  }

  /** UNMAP_DMA with VFIO_DMA_UNMAP_FLAG_ALL. */
  unmapAll(): VfioUnmapResult {
    return { ok: true, unmapped: this.removeRange(0, Infinity) };
  }

  private removeRange(start: number, end: number): number {
    const i = this.lowerBound(start);
    let j = i;
    let unmapped = 0;
    while (j < this.list.length && this.list[j]!.iova < end) {
      const m = this.list[j++]!;
      this.host.tables.unmap(this.ptRoot, this.levels, m.iova, m.size);
      this.host.flushRange(this.domainId, m.iova, m.size);
      unmapped += m.size;
    }
    this.list.splice(i, j - i);
    this.dmaAvail += j - i;
    return unmapped;
  }
}
