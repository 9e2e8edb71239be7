import { PCI_DEVICE_ID, PCI_VENDOR_ID } from '../../devices/pci/regs.js';
import { DEVICE_I440FX, DEVICE_Q35_MCH, FOUR_GIB, VENDOR_INTEL } from './constants.js';
import { E820_RAM } from './e820.js';
import type { DebugOutput } from './debug.js';
import type { PciConfig } from './pci-config.js';
import type { PostState } from './state.js';

/** qemu_detect: the host bridge at 00:00.0 tells the machine type. */
export function detectPlatform(cfg: PciConfig, debug: DebugOutput): 'q35' | 'i440fx' | 'unknown' {
  const vendor = cfg.read16(0, PCI_VENDOR_ID);
  const device = cfg.read16(0, PCI_DEVICE_ID);
  if (vendor !== VENDOR_INTEL) return 'unknown';
  const kind = device === DEVICE_Q35_MCH ? 'q35' : device === DEVICE_I440FX ? 'i440fx' : 'unknown';
  if (kind !== 'unknown') debug.printf('Running on QEMU (%s)\n', kind);
  return kind;
}

/**
 * qemu_early_e820: QEMU's etc/e820 (le64 address, le64 length, le32 type per entry) goes into the
 * map; RAM below 4 GiB sets RamSize, above sets RamSizeOver4G. Only RAM entries are logged.
 * Returns false when the file is missing (SeaBIOS would then fall back to CMOS sizes).
 */
export function earlyE820(s: PostState): boolean {
  const buf = s.fwcfg.file('etc/e820');
  if (buf === undefined) return false;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let o = 0; o + 20 <= buf.length; o += 20) {
    const addr = dv.getUint32(o + 4, true) * FOUR_GIB + dv.getUint32(o, true);
    const len = dv.getUint32(o + 12, true) * FOUR_GIB + dv.getUint32(o + 8, true);
    const type = dv.getUint32(o + 16, true);
    s.e820.add(addr, len, type);
    if (type !== E820_RAM) continue;
    s.debug.printf('qemu/e820: addr 0x%016llx len 0x%016llx [RAM]\n', addr, len);
    if (addr < FOUR_GIB) {
      if (s.ramSize < addr + len) s.ramSize = addr + len;
    } else if (s.ramSizeOver4G < addr + len - FOUR_GIB) {
      s.ramSizeOver4G = addr + len - FOUR_GIB;
    }
  }
  return true;
}
