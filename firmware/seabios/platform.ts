import {
  DEVICE_I440FX, DEVICE_Q35_MCH, FOUR_GIB, I440FX_PCIMEM_2G, I440FX_PCIMEM_3G, PCI_IO_LOW_END_Q35,
  Q35_HOST_BRIDGE_PCIEXBAR, Q35_HOST_BRIDGE_PCIEXBAR_ADDR, Q35_HOST_BRIDGE_PCIEXBAR_SIZE, Q35_HOST_BRIDGE_PCIEXBAREN,
  VENDOR_INTEL,
} from './constants.js';
import { E820_RESERVED } from './e820.js';
import type { PostState } from './state.js';
import type { FwPciDevice } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_PCIE_USING_MMCONFIG_AT_0X = seabiosFormat('PCIe: using %s mmconfig at 0x%llx\n');

/** i440fx_mem_addr_setup: the 32-bit window starts at 2 GiB or 3 GiB, or at RamSize above 3 GiB. */
function i440fxSetup(s: PostState): void {
  if (s.ramSize <= I440FX_PCIMEM_2G) s.pcimemStart = I440FX_PCIMEM_2G;
  else if (s.ramSize <= I440FX_PCIMEM_3G) s.pcimemStart = I440FX_PCIMEM_3G;
  s.irqRouting = 'piix';
}

/**
 * mch_mem_addr_setup: programs PCIEXBAR (disable, upper dword, then base | enable), reserves the
 * MMCONFIG range in e820, switches config access to it, and starts the 32-bit window above it.
 */
function mchSetup(s: PostState, dev: FwPciDevice): void {
  const { cfg } = s;
  const addr = Q35_HOST_BRIDGE_PCIEXBAR_ADDR;
  cfg.write32(dev.bdf, Q35_HOST_BRIDGE_PCIEXBAR, 0);
  cfg.write32(dev.bdf, Q35_HOST_BRIDGE_PCIEXBAR + 4, Math.floor(addr / FOUR_GIB));
  cfg.write32(dev.bdf, Q35_HOST_BRIDGE_PCIEXBAR, ((addr % FOUR_GIB) | Q35_HOST_BRIDGE_PCIEXBAREN) >>> 0);
  s.e820.add(addr, Q35_HOST_BRIDGE_PCIEXBAR_SIZE, E820_RESERVED);
  if (addr < FOUR_GIB) {
    s.debug.printf(F_PCIE_USING_MMCONFIG_AT_0X, 'q35', addr);
    cfg.enableMmconfig(addr);
  }
  s.pcimemStart = addr + Q35_HOST_BRIDGE_PCIEXBAR_SIZE;
  s.irqRouting = 'mch';
  s.ioLowEnd = s.acpiPmBase < 0x1000 ? PCI_IO_LOW_END_Q35 : s.acpiPmBase;
}

/** pci_bios_init_platform: every device matching the platform table runs its hook (host bridges). */
export function initPlatform(s: PostState): void {
  for (const dev of s.devices) {
    if (dev.vendor !== VENDOR_INTEL) continue;
    if (dev.device === DEVICE_I440FX) i440fxSetup(s);
    else if (dev.device === DEVICE_Q35_MCH) mchSetup(s, dev);
  }
}
