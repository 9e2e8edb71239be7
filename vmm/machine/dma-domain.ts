import { buildDomain, Iommu, type VfioType1Container } from '../iommu/index.js';
import type { DmaPort } from '../iommu/types.js';
import type { GuestMemory } from '../memory/guest-memory.js';
import { FOUR_GIB, type RamLayout } from './layout.js';

/**
 * The host IOMMU domain every device of the guest DMAs through, built as VFIO type1 does for an
 * assigned device without a vIOMMU: all guest RAM identity-mapped (iova = guest-physical address),
 * plus whatever extra regions the VMM maps (fake-BAR stolen memory, ...). Built on first use, so a
 * boot whose devices never DMA pays nothing for it.
 */
export class DmaDomain {
  private built: { iommu: Iommu; container: VfioType1Container } | undefined;
  private readonly attached = new Set<number>();

  constructor(private readonly ram: GuestMemory, private readonly layout: RamLayout) {}

  get isBuilt(): boolean {
    return this.built !== undefined;
  }

  private ensure(): { iommu: Iommu; container: VfioType1Container } {
    if (this.built === undefined) {
      const iommu = new Iommu();
      const ranges = [{ start: 0, size: this.layout.below4g }];
      if (this.layout.above4g > 0) ranges.push({ start: FOUR_GIB, size: this.layout.above4g });
      const { container, errors } = buildDomain(iommu, { guestRam: this.ram, ram: ranges });
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
