import { PciFunction } from '../pci/function.js';
import {
  PCI_DEVICE_ID, PCI_REVISION_ID, PCI_SUBSYSTEM_ID, PCI_SUBSYSTEM_VENDOR_ID, PCI_VENDOR_ID,
} from '../pci/regs.js';
import type { HostPciIds } from './host.js';

/** The LPC/ISA bridge slot guest drivers and QEMU's quirk use (docs/igd.md §1.4). */
export const LPC_DEVFN = 0xf8; // 00:1f.0
/** PCI_CLASS_BRIDGE_ISA. */
export const CLASS_ISA_BRIDGE = 0x0601;

/**
 * QEMU's vfio-pci-igd-lpc-bridge (docs/igd.md §1.4): an ISA bridge at 00:1f.0 with no BARs and no
 * behaviour, whose IDs are the host PCH's. QEMU creates it with the IDs of the host's 00:1f.0.
 */
export function makeIgdLpcBridge(ids: HostPciIds | undefined): PciFunction {
  const fn = new PciFunction({ vendor: ids?.vendor ?? 0x8086, device: ids?.device ?? 0, classCode: CLASS_ISA_BRIDGE });
  if (ids !== undefined) copyLpcIds(fn, ids);
  return fn;
}

/** LPC: vendor, device, revision + prog-if (2 bytes at 0x08), subsystem vendor and ID (docs/igd.md §1.4). */
export function copyLpcIds(fn: PciFunction, ids: HostPciIds): void {
  fn.set16(PCI_VENDOR_ID, ids.vendor);
  fn.set16(PCI_DEVICE_ID, ids.device);
  copyHostBridgeIds(fn, ids);
}

/** Host bridge: only 2 bytes at 0x08 (revision and prog-if) and the subsystem IDs (docs/igd.md §1.4). */
export function copyHostBridgeIds(fn: PciFunction, ids: HostPciIds): void {
  fn.set16(PCI_REVISION_ID, ids.revision | (ids.progIf << 8));
  fn.set16(PCI_SUBSYSTEM_VENDOR_ID, ids.subsystemVendor);
  fn.set16(PCI_SUBSYSTEM_ID, ids.subsystem);
}
