import {
  PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_PREFETCH, PCI_BASE_ADDRESS_SPACE_IO, PCI_CAP_ID_EXP, PCI_CAP_ID_SHPC,
  PCI_CLASS_BRIDGE_PCI, PCI_EXP_FLAGS, PCI_EXP_FLAGS_SLOT, PCI_EXP_TYPE_DOWNSTREAM, PCI_EXP_TYPE_PCI_BRIDGE,
  PCI_EXP_TYPE_ROOT_PORT, PCI_IO_BASE, PCI_PREF_MEMORY_BASE, PCI_PREF_RANGE_TYPE_64, PCI_ROM_ADDRESS,
  PCI_ROM_ADDRESS1,
} from '../../devices/pci/regs.js';
import { PCI_BRIDGE_IO_MIN, PCI_BRIDGE_MEM_MIN, PCI_DEVICE_MEM_MIN, PCI_ROM_ADDRESS_MASK } from './constants.js';
import { findCapability } from './pci-config.js';
import { alignUp, insertEntry, newRegion, regionAlign, regionSum, type Region } from './regions.js';
import { findReserveCap, reserveSize } from './reserve-cap.js';
import type { PostState } from './state.js';
import { REGION_IO, REGION_MEM, REGION_NAMES, REGION_PREFMEM, type FwPciDevice, type RegionType } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_PCI_CHECK_DEVICES = seabiosFormat('PCI: check devices\n');
const F_PCI_QEMU_RESOURCE_RESERVE_CAP = seabiosFormat('PCI: QEMU resource reserve cap: size %08llx type %s\n');
const F_PCI_SECONDARY_BUS_SIZE_TYPE = seabiosFormat('PCI: secondary bus %d size %08llx type %s\n');

/** One bus number's record in pass #1 (struct pci_bus): three request lists and the bridge behind it. */
export interface BusRecord {
  readonly r: [Region, Region, Region];
  busDev: FwPciDevice | null;
}

const PCI_ROM_SLOT = 6;
const PCI_NUM_REGIONS = 7;
const PCI_BRIDGE_NUM_REGIONS = 2;
const PCI_BASE_ADDRESS_MEM_TYPE_MASK = 0x06;
const PCI_BASE_ADDRESS_MEM_TYPE_64 = 0x04;
const PCI_EXP_FLAGS_TYPE = 0x00f0;
const TWO32 = 0x1_0000_0000;

const enum Hotplug {
  None = 0,
  Pcie = 1,
  Shpc = 2,
}

/** pci_bar: config offset of region `i` (the ROM BAR is at 0x38 on type-1 headers). */
export function barOffset(dev: FwPciDevice, i: number): number {
  if (i !== PCI_ROM_SLOT) return PCI_BASE_ADDRESS_0 + i * 4;
  return (dev.headerType & 0x7f) === 1 ? PCI_ROM_ADDRESS1 : PCI_ROM_ADDRESS;
}

/** Result slots of sizeBar: one per pass, reused for every BAR so BAR sizing allocates nothing. */
interface BarSize {
  type: RegionType;
  size: number;
  is64: boolean;
}

/**
 * pci_bios_get_bar: sizes region `i` by writing all ones (the ROM mask for the ROM BAR), reading
 * back and restoring; a 64-bit BAR's upper dword is sized the same way.
 */
function sizeBar(s: PostState, dev: FwPciDevice, i: number, bar: BarSize): void {
  const { cfg } = s;
  const bdf = dev.bdf;
  const ofs = barOffset(dev, i);
  const old = cfg.read32(bdf, ofs);
  let is64 = false;
  let type: RegionType = REGION_MEM;
  let mask: number;
  if (i === PCI_ROM_SLOT) {
    mask = PCI_ROM_ADDRESS_MASK;
    cfg.write32(bdf, ofs, mask);
  } else {
    if ((old & PCI_BASE_ADDRESS_SPACE_IO) !== 0) {
      mask = 0xffff_fffc;
      type = REGION_IO;
    } else {
      mask = 0xffff_fff0;
      if ((old & PCI_BASE_ADDRESS_MEM_PREFETCH) !== 0) type = REGION_PREFMEM;
      is64 = (old & PCI_BASE_ADDRESS_MEM_TYPE_MASK) === PCI_BASE_ADDRESS_MEM_TYPE_64;
    }
    cfg.write32(bdf, ofs, 0xffff_ffff);
  }
  const lo = (cfg.read32(bdf, ofs) & mask) >>> 0;
  cfg.write32(bdf, ofs, old);
  if (is64) {
    const hold = cfg.read32(bdf, ofs + 4);
    cfg.write32(bdf, ofs + 4, 0xffff_ffff);
    const hi = cfg.read32(bdf, ofs + 4);
    cfg.write32(bdf, ofs + 4, hold);
    // (~val + 1) on 64 bits; zero stays zero (wraps).
    bar.size = lo === 0 && hi === 0 ? 0 : (~hi >>> 0) * TWO32 + (~lo >>> 0) + 1;
    if (bar.size === 2 ** 64) bar.size = 0;
  } else {
    bar.size = lo === 0 ? 0 : ((~lo >>> 0) + 1) % TWO32;
  }
  bar.type = type;
  bar.is64 = is64;
}

/** pci_bridge_has_region: memory always; io and prefmem when the base register keeps some bits of 0xff. */
function bridgeHasRegion(s: PostState, dev: FwPciDevice, type: RegionType): boolean {
  if (type === REGION_MEM) return true;
  const reg = type === REGION_IO ? PCI_IO_BASE : PCI_PREF_MEMORY_BASE;
  s.cfg.write8(dev.bdf, reg, 0xff);
  return s.cfg.read8(dev.bdf, reg) !== 0;
}

/** pci_bios_bridge_region_is64: a 64-bit prefetch decoder and only 64-bit children (an empty list counts). */
function bridgeRegionIs64(s: PostState, r: Region, dev: FwPciDevice, type: RegionType): boolean {
  if (type !== REGION_PREFMEM) return false;
  let pmem = s.cfg.read32(dev.bdf, PCI_PREF_MEMORY_BASE);
  if (pmem === 0) {
    s.cfg.write32(dev.bdf, PCI_PREF_MEMORY_BASE, 0xfff0_fff0);
    pmem = s.cfg.read32(dev.bdf, PCI_PREF_MEMORY_BASE);
    s.cfg.write32(dev.bdf, PCI_PREF_MEMORY_BASE, 0);
  }
  if ((pmem & 0x0f) !== PCI_PREF_RANGE_TYPE_64) return false;
  for (const e of r.list) if (!e.is64) return false;
  return true;
}

/**
 * pci_bus_hotplug_support (docs/firmware-seabios.md §6.2): a root or downstream port with a slot → PCIe
 * hotplug; a PCIe-to-PCI bridge or a conventional bridge → SHPC when it has the SHPC capability.
 */
function hotplugSupport(s: PostState, bdf: number, pcieCap: number): Hotplug {
  if (pcieCap !== 0) {
    const flags = s.cfg.read16(bdf, pcieCap + PCI_EXP_FLAGS);
    const portType = (flags & PCI_EXP_FLAGS_TYPE) >> 4;
    if (portType !== PCI_EXP_TYPE_PCI_BRIDGE) {
      const downstream = portType === PCI_EXP_TYPE_DOWNSTREAM || portType === PCI_EXP_TYPE_ROOT_PORT;
      return downstream && (flags & PCI_EXP_FLAGS_SLOT) !== 0 ? Hotplug.Pcie : Hotplug.None;
    }
  }
  return findCapability(s.cfg, bdf, PCI_CAP_ID_SHPC, 0) !== 0 ? Hotplug.Shpc : Hotplug.None;
}

/**
 * Pass #1, pci_bios_check_devices (docs/firmware-seabios.md §6): every device's BARs into its bus record
 * (root buses share record 0), then bridge windows from the deepest bus up into their parents.
 */
export function checkDevices(s: PostState): BusRecord[] {
  const { debug } = s;
  debug.printf(F_PCI_CHECK_DEVICES);
  const busses: BusRecord[] = [];
  const bar: BarSize = { type: REGION_MEM, size: 0, is64: false };
  for (let b = 0; b <= s.maxBus; b++) busses.push({ r: [newRegion(), newRegion(), newRegion()], busDev: null });

  for (const dev of s.devices) {
    const isBridge = dev.classCode === PCI_CLASS_BRIDGE_PCI;
    if (isBridge) busses[dev.secondaryBus]!.busDev = dev;
    let rec = busses[dev.bdf >> 8]!;
    if (rec.busDev === null) rec = busses[0]!;
    for (let i = 0; i < PCI_NUM_REGIONS; i++) {
      if (isBridge && i >= PCI_BRIDGE_NUM_REGIONS && i < PCI_ROM_SLOT) continue;
      sizeBar(s, dev, i, bar);
      let size = bar.size;
      if (size === 0) continue;
      if (bar.type !== REGION_IO && size < PCI_DEVICE_MEM_MIN) size = PCI_DEVICE_MEM_MIN;
      insertEntry(rec.r[bar.type], { dev, bar: i, size, align: size, is64: bar.is64, type: bar.type });
      if (bar.is64) i++;
    }
  }

  for (let sec = s.maxBus; sec > 0; sec--) {
    const child = busses[sec]!;
    const bridge = child.busDev;
    if (bridge === null) continue;
    let parent = busses[bridge.bdf >> 8]!;
    if (parent.busDev === null) parent = busses[0]!;
    const bdf = bridge.bdf;
    const pcieCap = findCapability(s.cfg, bdf, PCI_CAP_ID_EXP, 0);
    const qemuCap = findReserveCap(s, bdf);
    const hotplug = hotplugSupport(s, bdf, pcieCap);
    for (let t = REGION_IO; t <= REGION_PREFMEM; t++) {
      const type = t as RegionType;
      let align = type === REGION_IO ? PCI_BRIDGE_IO_MIN : PCI_BRIDGE_MEM_MIN;
      if (!bridgeHasRegion(s, bridge, type)) continue;
      let size = reserveSize(s, bdf, qemuCap, type);
      const childAlign = regionAlign(child.r[type]);
      if (childAlign > align) align = childAlign;
      let sum = regionSum(child.r[type]);
      const is64 = bridgeRegionIs64(s, child.r[type], bridge, type);
      const optional = hotplug === Hotplug.Pcie && pcieCap !== 0 && type === REGION_IO;
      // rel-1.16.3: a hotplug bridge's 64-bit prefetchable window is padded to 1/2048 of the address space.
      if (hotplug !== Hotplug.None && s.padMem64 && is64 && type === REGION_PREFMEM) align = s.mem64Top / 2048;
      // Reserve room for hot-plugged devices: behind an empty bridge (1.16.2), or whenever the children need less
      // than the alignment (1.16.3).
      const reserve = s.release.hotplugReserveBelowAlign ? align > sum : sum === 0;
      if (reserve && hotplug !== Hotplug.None && !optional) sum = align;
      if (size > sum) {
        debug.printf(F_PCI_QEMU_RESOURCE_RESERVE_CAP, size, REGION_NAMES[type]);
        if (type !== REGION_IO) size = alignUp(size, align);
      } else {
        size = alignUp(sum, align);
      }
      insertEntry(parent.r[type], { dev: bridge, bar: -1, size, align, is64, type });
      debug.printf(F_PCI_SECONDARY_BUS_SIZE_TYPE, bridge.secondaryBus, size, REGION_NAMES[type]);
    }
  }
  return busses;
}
