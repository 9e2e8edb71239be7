import { seabiosIgdSetup } from './e820-reserved.js';
import type { IgdStrategy } from './types.js';

/**
 * The fake-BAR approach on the IGD itself (docs/igd.md §7): BAR5 holds the stolen memory at offset
 * 0 and the OpRegion right after it. Linux guests cope; the Windows IGD driver does not.
 */
export const igdBar5: IgdStrategy = {
  name: 'igd-bar5',
  summary: 'stolen memory + OpRegion as BAR5 of the IGD itself, placed by the PCI allocator',
  firmwareKind: 'seabios',
  vmm: { fwcfg: false, fakeBars: 'igd-bar5' },
  firmware: seabiosIgdSetup,
};
