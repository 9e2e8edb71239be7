/**
 * Puts the assigned devices' DMA behind the IOMMU as QEMU's vfio memory listener does without a
 * vIOMMU: the machine's DmaDomain is the one VFIO type1 domain (all guest RAM identity-mapped, plus
 * the VMM regions vmm/passthrough/igd maps there, e.g. fake-BAR stolen memory that follows its BAR). Here each
 * assigned device is attached to it and told which guest RAM the guest gave it, so a DMA that
 * translates but lands elsewhere in guest RAM is recorded as corruption.
 */
import { IgdFunction } from '../../../devices/igd/device.js';
import type { PciFunction } from '../../../devices/pci/function.js';
import type { GivenRange } from '../iommu/index.js';
import type { Machine } from '../../core/machine/machine.js';
import { bdfOf } from './engine.js';

/** Implemented by assigned devices that know the guest RAM ranges the guest gave them. */
export interface HasGivenRanges {
  dmaGivenRanges(): readonly GivenRange[];
}

/** Assigned (vfio) functions: they get a source id in the domain and corruption checks. QEMU's dummy LPC bridge is not one. */
export const isAssigned = (fn: PciFunction): boolean => fn instanceof IgdFunction || (fn.model.startsWith('vfio-') && fn.model !== 'vfio-pci-igd-lpc-bridge');

/**
 * The IGD's given range: its stolen memory as the guest's registers describe it, [BDSM & ~(1 MiB - 1),
 * + the DSM size the guest GMCH announces) (what Linux reserves, docs/igd.md §8.1 item 11). Nothing when
 * BDSM is unprogrammed or GMS is 0: then any guest RAM the IGD reaches was never given to it.
 */
export function igdGivenRanges(igd: IgdFunction): GivenRange[] {
  const base = igd.guestBdsmBase();
  const size = igd.stolenSize();
  return base > 0 && size > 0 ? [{ start: base, end: base + size }] : [];
}

export function givenRangesOf(fn: PciFunction): readonly GivenRange[] {
  const g = fn as unknown as Partial<HasGivenRanges>;
  if (typeof g.dmaGivenRanges === 'function') return g.dmaGivenRanges();
  return fn instanceof IgdFunction ? igdGivenRanges(fn) : [];
}

export class DmaWiring {
  readonly assigned: PciFunction[] = [];

  constructor(private readonly machine: Machine) {}

  /** After firmware: attach every assigned device (building the domain) and set its given ranges. */
  setup(): void {
    for (const fn of this.machine.pci.functions()) if (isAssigned(fn)) this.assigned.push(fn);
    for (const fn of this.assigned) this.machine.dma.port(bdfOf(fn));
    this.refreshGiven();
  }

  /** Re-reads the given ranges (after the guest reprograms BDSM, say). */
  refreshGiven(): void {
    if (this.assigned.length === 0) return;
    const iommu = this.machine.dma.iommu;
    for (const fn of this.assigned) iommu.setGiven(bdfOf(fn), givenRangesOf(fn));
  }
}

/** Call after firmware, before devices act. Device DMA ports already route through machine.dmaPort → machine.dma. */
export function wireIommu(machine: Machine): DmaWiring {
  const w = new DmaWiring(machine);
  w.setup();
  return w;
}
