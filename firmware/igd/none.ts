import type { IgdStrategy } from './types.js';

/**
 * Nothing allocated: QEMU still publishes its files, the firmware ignores them (OVMF without
 * IgdAssignmentDxe). BDSM keeps reading 0 (or the host's base where QEMU does not emulate it):
 * the baseline that shows the 2016 problem.
 */
export const none: IgdStrategy = {
  name: 'none',
  summary: 'firmware ignores the IGD: no stolen memory, no OpRegion (the baseline)',
  firmwareKind: 'none',
  vmm: { fwcfg: true },
  firmware: undefined,
};
