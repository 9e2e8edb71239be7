import { seabiosIgdSetup } from './e820-reserved.js';
import type { IgdStrategy } from './types.js';

/**
 * Fake memory BARs on the LPC bridge 00:1f.0 (docs/igd.md §7): the VMM gives the bridge a BAR for
 * the stolen memory and one for the OpRegion, the firmware's normal PCI allocator places them, and
 * the VMM points BDSM/ASLS at them and maps their backing memory into the IGD's IOMMU domain.
 * No fw_cfg files: unmodified firmware (SeaBIOS here) has nothing IGD-specific to do.
 */
export const lpcBars: IgdStrategy = {
  name: 'lpc-bars',
  summary: 'fake memory BARs on the LPC bridge 00:1f.0 placed by the PCI allocator; BDSM/ASLS follow them',
  firmwareKind: 'seabios',
  vmm: { fwcfg: false, fakeBars: 'lpc' },
  firmware: seabiosIgdSetup,
};
