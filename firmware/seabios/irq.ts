import { PCI_IRQS } from './constants.js';
import type { IrqRouting } from './state.js';
import type { FwPciDevice } from '../types.js';

/**
 * pci_slot_get_irq (docs/firmware-seabios.md §4): sum the device numbers on the way up to the root bus;
 * PIIX adds (root slot − 1), MCH adds the root slot only for slots 0..24. 0xff = unknown routing.
 */
export function slotIrq(routing: IrqRouting, dev: FwPciDevice, pin: number): number {
  if (routing === 'none') return 0xff;
  let addend = 0;
  let d = dev;
  while (d.parent !== null) {
    addend += (d.bdf >> 3) & 0x1f;
    d = d.parent;
  }
  const slot = (d.bdf >> 3) & 0x1f;
  if (routing === 'piix') return PCI_IRQS[(pin - 1 + addend + slot - 1) & 3]!;
  return slot <= 24 ? PCI_IRQS[(pin - 1 + addend + slot) & 3]! : PCI_IRQS[(pin - 1 + addend) & 3]!;
}
