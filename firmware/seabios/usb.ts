import { PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_SPACE_IO, PCI_CLASS_SERIAL_USB, PCI_COMMAND, PCI_COMMAND_MEMORY } from '../../devices/pci/regs.js';
import type { PostState } from './state.js';
import type { FwPciDevice } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_CAN_NOT_MAP_MEMORY_BAR = seabiosFormat('Can not map memory bar over 4Gig\n');
const F_PCI_XHCI_AT_MMIO = seabiosFormat('PCI: XHCI at %pP (mmio %p)\n');

const PROG_IF_XHCI = 0x30; // PCI_CLASS_SERIAL_USB_XHCI = 0x0c0330
const MEM_TYPE_MASK = 0x06;
const MEM_TYPE_64 = 0x04;

/** pci_enable_membar: BAR's 32-bit address with memory decode turned on, or 0 (IO BAR, above 4 GiB, unset). */
function enableMembar(s: PostState, dev: FwPciDevice, reg: number): number {
  const { cfg, debug } = s;
  const addr = cfg.read32(dev.bdf, reg);
  if ((addr & PCI_BASE_ADDRESS_SPACE_IO) !== 0) return 0;
  if ((addr & MEM_TYPE_MASK) === MEM_TYPE_64 && cfg.read32(dev.bdf, reg + 4) !== 0) {
    debug.printf(F_CAN_NOT_MAP_MEMORY_BAR);
    return 0;
  }
  cfg.mask16(dev.bdf, PCI_COMMAND, 0, PCI_COMMAND_MEMORY);
  return (addr & ~0xf) >>> 0;
}

/**
 * The start of usb_setup → xhci_setup (src/hw/usb-xhci.c): each xHCI controller in probe order gets
 * its memory BAR enabled and announced with a `PCI: XHCI at` line. The controller's own init
 * (capability registers, ports) is not modelled; EHCI/UHCI/OHCI print no PCI lines.
 */
export function usbSetup(s: PostState): void {
  for (const dev of s.devices) {
    if (dev.classCode !== PCI_CLASS_SERIAL_USB || dev.progIf !== PROG_IF_XHCI) continue;
    const base = enableMembar(s, dev, PCI_BASE_ADDRESS_0);
    if (base === 0) continue;
    s.debug.printf(F_PCI_XHCI_AT_MMIO, dev.bdf, base);
  }
}
