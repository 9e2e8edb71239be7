import { seabiosIgdSetup } from './e820-reserved.js';
import type { IgdStrategy } from './types.js';

/** The fake-BAR approach on a dummy PCI device the VMM adds (docs/igd.md §7): Windows shows it as unknown. */
export const dummyDevice: IgdStrategy = {
  name: 'dummy-device',
  summary: 'stolen memory and OpRegion as BARs of a dummy PCI device the VMM adds',
  firmwareKind: 'seabios',
  vmm: { fwcfg: false, fakeBars: 'dummy-device' },
  firmware: seabiosIgdSetup,
};
