import { buildDomain, Iommu, type VfioType1Container } from '../../passthrough/iommu/index.js';
import type { ExtraRegion } from '../../passthrough/iommu/build-domain.js';
import { VFIO_DMA_MAP_FLAG_READ, VFIO_DMA_MAP_FLAG_WRITE } from '../../passthrough/iommu/constants.js';
import type { DmaPort } from '../../../devices/memory/dma.js';
import type { GuestMemory } from '../../../devices/memory/guest-memory.js';
import type { RamLayout } from './layout.js';

/**
 * The host IOMMU domain every device of the guest DMAs through, built as VFIO type1 does for an
 * assigned device without a vIOMMU: all guest RAM identity-mapped (iova = guest-physical address),
 * plus whatever extra regions the VMM maps (fake-BAR stolen memory, ...). Built on first use, so a
 * boot whose devices never DMA pays nothing for it.
 */
export class DmaDomain {
  private built: { iommu: Iommu; container: VfioType1Container } | undefined;
  private readonly attached = new Set<number>();
  /** VMM regions by label (fake-BAR stolen memory, ...), mapped when the domain is built and kept in step after. */
  private readonly extras = new Map<string, ExtraRegion>();

  constructor(private readonly ram: GuestMemory, private readonly layout: RamLayout) {}

  get isBuilt(): boolean {
    return this.built !== undefined;
  }

  private ensure(): { iommu: Iommu; container: VfioType1Container } {
    if (this.built === undefined) {
      const iommu = new Iommu();
      const ranges = [{ start: 0, size: this.layout.below4g }];
      if (this.layout.above4g > 0) ranges.push({ start: this.layout.above4gStart, size: this.layout.above4g });
      const { container, errors } = buildDomain(iommu, { guestRam: this.ram, ram: ranges, extras: [...this.extras.values()] });
      if (errors.length > 0) throw new Error(`bug: guest RAM did not map into the IOMMU domain: ${errors[0]!.message}`);
      this.built = { iommu, container };
    }
    return this.built;
  }

  get iommu(): Iommu {
    return this.ensure().iommu;
  }

  get container(): VfioType1Container {
    return this.ensure().container;
  }

  /**
   * Maps a VMM region at `region.iova` (replacing the region of that label), or unmaps it with null:
   * at once when the domain exists, else when it is built. Returns vfio's refusal message, or null.
   */
  setExtra(label: string, region: ExtraRegion | null): string | null {
    const old = this.extras.get(label);
    if (region === null) this.extras.delete(label);
    else this.extras.set(label, region);
    if (this.built === undefined) return null;
    const c = this.built.container;
    if (old !== undefined) c.unmap(old.iova, old.size);
    if (region === null) return null;
    const res = c.map(region.iova, region.size, region.target, region.targetAddr ?? 0, region.perms ?? VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE, { kind: 'extra', label });
    return res.ok ? null : res.message;
  }

  /** The DMA port of one requester id, attaching it to the domain on first use. */
  port(sourceId: number): DmaPort {
    const { iommu, container } = this.ensure();
    if (!this.attached.has(sourceId)) {
      this.attached.add(sourceId);
      container.attach(sourceId);
    }
    return iommu.port(sourceId);
  }
}
