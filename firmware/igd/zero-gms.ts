import { seabiosIgdSetup } from './e820-reserved.js';
import type { IgdStrategy } from './types.js';

/**
 * crosvm (docs/igd.md §7): no stolen memory for the guest — every read of GMCH byte 0x51 returns 0 —
 * and the host OpRegion as a VMM-placed 32-bit MMIO range whose address goes into ASLS. No fw_cfg
 * files. On gen 6/7 byte 0x51 holds GGMS, not GMS: the GTT size reads 0 and GMS keeps the host value.
 */
export const zeroGms: IgdStrategy = {
  name: 'zero-gms',
  summary: 'crosvm: GMCH byte 0x51 reads 0 (no stolen memory), OpRegion as a VMM-placed MMIO range in ASLS',
  firmwareKind: 'seabios',
  vmm: { fwcfg: false, zeroGms: true },
  firmware: seabiosIgdSetup,
};
