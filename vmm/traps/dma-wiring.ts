/**
 * Puts the assigned devices' DMA behind the IOMMU as QEMU's vfio memory listener does without a
 * vIOMMU: one VFIO type1 domain holding all guest RAM (the machine's DmaDomain), plus VMM memory
 * that backs BARs (fake-BAR stolen memory) mapped at the BAR's guest address, and re-mapped when the
 * guest moves or disables that BAR (region_del + region_add), so DMA to the old address faults.
 * Each assigned device is attached, and told which guest RAM it was given (corruption detection).
 */
import type { PciFunction } from '../../devices/pci/function.js';
import { hex } from '../iommu/format.js';
import type { GivenRange } from '../iommu/index.js';
import type { DmaTarget } from '../iommu/types.js';
import type { Machine } from '../machine/machine.js';
import { bdfOf } from './engine.js';
import { IgdFunction } from '../../devices/igd/device.js';

/** VMM memory behind one BAR of a function (what a fake-BAR strategy allocates). */
export interface DmaBackedBar {
  readonly bar: number;
  readonly target: DmaTarget;
  /** Offset of the BAR's first byte inside `target` (default 0). */
  readonly targetAddr?: number;
  readonly label: string;
}

/** Implemented by functions whose BARs the VMM backs with memory the assigned devices may DMA to. */
export interface HasDmaBackedBars {
  dmaBackedBars(): readonly DmaBackedBar[];
}

/** Implemented by assigned devices: the guest RAM ranges the guest gave them (e.g. the IGD's stolen memory). */
export interface HasGivenRanges {
  dmaGivenRanges(): readonly GivenRange[];
}

/** Which functions are assigned (vfio) devices: they get a source id in the domain and corruption checks. */
const isAssigned = (fn: PciFunction): boolean => fn.model.startsWith('vfio-') && fn.model !== 'vfio-pci-igd-lpc-bridge';

interface Extra {
  readonly fn: PciFunction;
  readonly spec: DmaBackedBar;
  readonly size: number;
  /** Where it is mapped now, or -1. */
  iova: number;
}

export class DmaWiring {
  readonly extras: Extra[] = [];
  readonly assigned: PciFunction[] = [];

  constructor(private readonly machine: Machine) {}

  /** Scans the machine once (after firmware): extras, assigned devices, given ranges. */
  setup(): void {
    const m = this.machine;
    for (const fn of m.pci.functions()) {
      const backed = fn as unknown as Partial<HasDmaBackedBars>;
      if (typeof backed.dmaBackedBars === 'function') {
        for (const spec of backed.dmaBackedBars()) {
          const size = fn.bars[spec.bar]?.size ?? 0;
          if (size > 0) this.extras.push({ fn, spec, size, iova: -1 });
        }
      }
      if (isAssigned(fn)) this.assigned.push(fn);
    }
    for (const fn of this.assigned) m.dma.port(bdfOf(fn)); // attaches its source id
    this.sync();
    this.refreshGiven();
    const prev = m.pci.onMappingChange;
    m.pci.onMappingChange = (fn) => {
      prev(fn);
      if (this.extras.some((x) => x.fn === fn)) this.sync();
    };
  }

  /** Maps every backed BAR where it decodes now; unmaps it from where it was. */
  sync(): void {
    const c = this.machine.dma.container;
    for (const x of this.extras) {
      const a = x.fn.barAddress(x.spec.bar);
      if (a === x.iova) continue;
      const what = `${x.fn.bdf} BAR${x.spec.bar} (${x.spec.label})`;
      if (x.iova >= 0) {
        const r = c.unmap(x.iova, x.size);
        if (!r.ok) this.event('dma-map-error', `unmapping ${what} at ${hex(x.iova)}: ${r.message}`);
        else this.event('dma-unmap', `${what} no longer decodes at ${hex(x.iova)}: unmapped from the IOMMU domain`);
        x.iova = -1;
      }
      if (a < 0) continue;
      const r = c.map(a, x.size, x.spec.target, x.spec.targetAddr ?? 0, 3, { kind: 'extra', label: x.spec.label });
      if (!r.ok) this.event('dma-map-error', `mapping ${what} at ${hex(a)}: ${r.message}`);
      else x.iova = a;
    }
  }

  /** Tells the IOMMU which guest RAM each assigned device was given. */
  refreshGiven(): void {
    const iommu = this.machine.dma.iommu;
    for (const fn of this.assigned) {
      const g = fn as unknown as Partial<HasGivenRanges>;
      iommu.setGiven(bdfOf(fn), typeof g.dmaGivenRanges === 'function' ? g.dmaGivenRanges() : this.fallbackGiven(fn));
    }
  }

  /**
   * The IGD: its stolen memory as the guest's registers describe it, [BDSM & ~(1 MiB - 1), + the DSM
   * size the guest GMCH announces) (what Linux reserves, igd.md §11 item 11), when that is guest RAM
   * the firmware set aside. Other devices: nothing (any RAM they reach was not given to them).
   */
  private fallbackGiven(fn: PciFunction): GivenRange[] {
    if (!(fn instanceof IgdFunction)) return [];
    const base = fn.guestBdsmBase();
    const size = fn.stolenSize();
    return base > 0 && size > 0 ? [{ start: base, end: base + size }] : [];
  }

  private event(kind: string, message: string): void {
    this.machine.recordEvent({ source: 'vfio', kind, message });
  }
}

/**
 * Call after firmware, before devices act: builds the domain (guest RAM), maps VMM-backed BARs,
 * attaches each assigned device and sets its given ranges. DMA ports already route through
 * machine.dmaFactory → machine.dma, so nothing else changes for devices.
 */
export function wireIommu(machine: Machine): DmaWiring {
  const w = new DmaWiring(machine);
  w.setup();
  return w;
}
