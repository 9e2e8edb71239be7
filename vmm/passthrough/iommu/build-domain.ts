/**
 * Builds a device domain the way QEMU's vfio memory listener does without a vIOMMU: guest RAM
 * identity-mapped (iova = guest-physical address) read/write, plus extra VMM regions (fake-BAR stolen
 * memory, ...) at the iovas the caller chooses. Failed mappings are returned, the rest stay mapped.
 */
import { VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_WRITE } from './constants.js';
import { hex } from './format.js';
import type { Iommu } from './iommu.js';
import type { DmaTarget, VfioError } from './types.js';
import type { ContainerOptions, VfioType1Container } from './vfio-container.js';

export interface RamRange {
  readonly start: number;
  readonly size: number;
}

export interface ExtraRegion {
  readonly iova: number;
  readonly size: number;
  readonly target: DmaTarget;
  /** Offset inside target; default 0. */
  readonly targetAddr?: number;
  /** VFIO_DMA_MAP_FLAG_* bits; default read + write. */
  readonly perms?: number;
  readonly label: string;
}

export interface DomainSpec {
  readonly guestRam: DmaTarget;
  readonly ram: readonly RamRange[];
  readonly extras?: readonly ExtraRegion[];
  /** Source ids to attach to the domain. */
  readonly sources?: readonly number[];
  readonly container?: ContainerOptions;
}

export interface BuiltDomain {
  readonly container: VfioType1Container;
  /** Each refused map/attach with the label of what was being mapped. */
  readonly errors: readonly (VfioError & { readonly label: string })[];
}

export function buildDomain(iommu: Iommu, spec: DomainSpec): BuiltDomain {
  const container = iommu.createContainer(spec.container);
  const errors: (VfioError & { label: string })[] = [];
  const rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
  for (const r of spec.ram) {
    const label = `ram ${hex(r.start)}+${hex(r.size)}`;
    const res = container.map(r.start, r.size, spec.guestRam, r.start, rw, { kind: 'ram', label });
    if (!res.ok) errors.push({ ...res, label });
  }
  for (const x of spec.extras ?? []) {
    const res = container.map(x.iova, x.size, x.target, x.targetAddr ?? 0, x.perms ?? rw, { kind: 'extra', label: x.label });
    if (!res.ok) errors.push({ ...res, label: x.label });
  }
  for (const sid of spec.sources ?? []) {
    const res = container.attach(sid);
    if (!res.ok) errors.push({ ...res, label: `attach ${hex(sid)}` });
  }
  return { container, errors };
}
