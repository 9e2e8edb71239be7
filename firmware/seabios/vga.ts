import { PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_VGA, PCI_CLASS_DISPLAY_VGA, PCI_COMMAND, PCI_COMMAND_IO, PCI_COMMAND_MEMORY } from '../../devices/pci/regs.js';
import type { PciConfig } from './pci-config.js';
import type { PostState } from './state.js';
import type { FwPciDevice } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_PCI_USING_FOR_PRIMARY_VGA = seabiosFormat('PCI: Using %pP for primary VGA\n');
const F_PCI_NO_VGA_DEVICES_FOUND = seabiosFormat('PCI: No VGA devices found\n');
const F_PCI_ENABLING_FOR_PRIMARY_VGA = seabiosFormat('PCI: Enabling %pP for primary VGA\n');
const F_PCI_SETTING_VGA_ENABLE_ON = seabiosFormat('PCI: Setting VGA enable on bridge %pP\n');

/** is_pci_vga: VGA class, IO and memory decode on, and VGA forwarding on every bridge above. */
export function isPciVga(cfg: PciConfig, dev: FwPciDevice): boolean {
  if (dev.classCode !== PCI_CLASS_DISPLAY_VGA) return false;
  const cmd = cfg.read16(dev.bdf, PCI_COMMAND);
  if ((cmd & PCI_COMMAND_IO) === 0 || (cmd & PCI_COMMAND_MEMORY) === 0) return false;
  for (let p = dev.parent; p !== null; p = p.parent) {
    if ((cfg.read16(p.bdf, PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_VGA) === 0) return false;
  }
  return true;
}

/**
 * pci_enable_default_vga (docs/firmware-seabios.md §8.3): keep the first VGA that already decodes; else enable
 * the first VGA-class function and VGA forwarding on each bridge above it.
 */
export function enableDefaultVga(s: PostState): void {
  const { cfg, debug } = s;
  for (const dev of s.devices) {
    if (isPciVga(cfg, dev)) {
      debug.printf(F_PCI_USING_FOR_PRIMARY_VGA, dev.bdf);
      return;
    }
  }
  const vga = s.devices.find((d) => d.classCode === PCI_CLASS_DISPLAY_VGA);
  if (vga === undefined) {
    debug.printf(F_PCI_NO_VGA_DEVICES_FOUND);
    return;
  }
  debug.printf(F_PCI_ENABLING_FOR_PRIMARY_VGA, vga.bdf);
  cfg.mask16(vga.bdf, PCI_COMMAND, 0, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
  for (let p = vga.parent; p !== null; p = p.parent) {
    debug.printf(F_PCI_SETTING_VGA_ENABLE_ON, p.bdf);
    cfg.mask16(p.bdf, PCI_BRIDGE_CONTROL, 0, PCI_BRIDGE_CTL_VGA);
    cfg.mask16(p.bdf, PCI_COMMAND, 0, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
  }
}
