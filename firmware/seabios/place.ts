import {
  PCI_IO_BASE, PCI_IO_BASE_UPPER16, PCI_IO_LIMIT, PCI_IO_LIMIT_UPPER16, PCI_MEMORY_BASE, PCI_MEMORY_LIMIT,
  PCI_PREF_BASE_UPPER32, PCI_PREF_LIMIT_UPPER32, PCI_PREF_MEMORY_BASE, PCI_PREF_MEMORY_LIMIT,
} from '../../devices/pci/regs.js';
import { bdfText } from './printf.js';
import { FOUR_GIB, IO_BASE_LOW, IO_BASE_TRADITIONAL, IO_TRADITIONAL_LIMIT, ONE_GIB } from './constants.js';
import { barOffset, type BusRecord } from './collect.js';
import { alignDown, alignUp, migrate64, newRegion, regionAlign, regionSum, type Region, type RegionEntry } from './regions.js';
import type { PostState } from './state.js';
import { REGION_IO, REGION_MEM, REGION_NAMES, REGION_PREFMEM } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_PCI_IO = seabiosFormat('PCI: IO: %4llx - %4llx\n');
const F_PCI_MAP_DEVICE_BDF_BAR = seabiosFormat('PCI: map device bdf=%pP  bar %d, addr %08llx, size %08llx [%s]\n');
const F_PCI_32 = seabiosFormat('PCI: 32: %016llx - %016llx\n');
const F_PCI_64 = seabiosFormat('PCI: 64: %016llx - %016llx\n');

const TWO32 = 0x1_0000_0000;

export const PANIC_IO = 'PCI: out of I/O address space';
export const PANIC_MEM32 = 'PCI: out of 32bit address space';

/** pci_bios_init_root_regions_io: 0xc000 when the sum fits below 0x4000, else 0x1000 if it fits below pci_io_low_end − 0x1000. */
function rootIo(s: PostState, busses: BusRecord[]): boolean {
  const r = busses[0]!.r[REGION_IO];
  const sum = regionSum(r);
  if (sum < IO_TRADITIONAL_LIMIT) r.base = IO_BASE_TRADITIONAL;
  else if (sum < s.ioLowEnd - 0x1000) r.base = IO_BASE_LOW;
  else return false;
  s.debug.printf(F_PCI_IO, r.base, r.base + sum - 1);
  s.ioWindow = [r.base, r.base + sum - 1];
  return true;
}

/**
 * pci_bios_init_root_regions_mem (docs/firmware-seabios.md §7.2): the region with the larger alignment goes
 * on top (prefmem unless mem's alignment is strictly smaller), both packed down from pcimem_end.
 * A negative intermediate is SeaBIOS's unsigned wrap-around, which always fails the range check.
 */
function rootMem(s: PostState, busses: BusRecord[]): boolean {
  let end = busses[0]!.r[REGION_PREFMEM];
  let start = busses[0]!.r[REGION_MEM];
  if (regionAlign(start) < regionAlign(end)) {
    const t = end;
    end = start;
    start = t;
  }
  end.base = alignDown(s.pcimemEnd - regionSum(end), regionAlign(end));
  start.base = alignDown(end.base - regionSum(start), regionAlign(start));
  if (end.base < 0 || start.base < 0) return false;
  return !(start.base < s.pcimemStart || start.base > s.pcimemEnd);
}

/** pci_region_map_one_entry: a device BAR gets its address (logged); a bridge window its base/limit registers. */
function mapOne(s: PostState, e: RegionEntry, addr: number): void {
  const { cfg } = s;
  const bdf = e.dev.bdf;
  if (e.bar >= 0) {
    s.debug.printf(F_PCI_MAP_DEVICE_BDF_BAR, bdf, e.bar, addr, e.size, REGION_NAMES[e.type]);
    s.placements.push({ bdf: bdfText(bdf), bar: e.bar, type: REGION_NAMES[e.type], address: addr, size: e.size });
    const ofs = barOffset(e.dev, e.bar);
    cfg.write32(bdf, ofs, addr % TWO32);
    if (e.is64) cfg.write32(bdf, ofs + 4, Math.floor(addr / TWO32));
    return;
  }
  // A size-0 window is written with limit = base − 1, which reads back closed.
  const limit = addr + e.size - 1;
  if (e.type === REGION_IO) {
    cfg.write8(bdf, PCI_IO_BASE, (addr >>> 8) & 0xff);
    cfg.write16(bdf, PCI_IO_BASE_UPPER16, 0);
    cfg.write8(bdf, PCI_IO_LIMIT, (limit >>> 8) & 0xff);
    cfg.write16(bdf, PCI_IO_LIMIT_UPPER16, 0);
  } else if (e.type === REGION_MEM) {
    cfg.write16(bdf, PCI_MEMORY_BASE, Math.floor(addr / 0x1_0000) & 0xffff);
    cfg.write16(bdf, PCI_MEMORY_LIMIT, Math.floor(limit / 0x1_0000) & 0xffff);
  } else {
    cfg.write16(bdf, PCI_PREF_MEMORY_BASE, Math.floor(addr / 0x1_0000) & 0xffff);
    cfg.write16(bdf, PCI_PREF_MEMORY_LIMIT, Math.floor(limit / 0x1_0000) & 0xffff);
    cfg.write32(bdf, PCI_PREF_BASE_UPPER32, Math.floor(addr / TWO32) >>> 0);
    cfg.write32(bdf, PCI_PREF_LIMIT_UPPER32, Math.floor(limit / TWO32) >>> 0);
  }
}

/** pci_region_map_entries: lays a list bottom-up from its base; a window sets its child bus's base. */
function mapEntries(s: PostState, busses: BusRecord[], r: Region): void {
  for (const e of r.list) {
    const addr = r.base;
    r.base += e.size;
    if (e.bar === -1) busses[e.dev.secondaryBus]!.r[e.type].base = addr;
    mapOne(s, e, addr);
  }
  r.list.length = 0;
}

/**
 * rel-1.16.3 pci_bios_map_devices: the window moves up to end at pci_mem64_top (padded to an eighth of the
 * address space when the guest has RAM above 4 GiB), and one window size lower when that range is already in
 * the e820 map (QEMU's AMD HyperTransport hole below 1 TiB).
 */
function topOfAddressSpace(s: PostState, base: number, sumMem: number, sumPref: number): number {
  let size = alignUp(sumMem, ONE_GIB) + alignUp(sumPref, ONE_GIB);
  if (s.padMem64) size = alignUp(size, s.mem64Top / 8);
  if (base < s.mem64Top - size) base = s.mem64Top - size;
  if (s.e820.isUsed(base, size)) base -= size;
  return base;
}

/**
 * Pass #2, pci_bios_map_devices: root IO, the 32-bit window, and only when that overflows (or, rel-1.16.3,
 * whenever the window is padded) every 64-bit root entry moved above 4 GiB.
 * Returns SeaBIOS's panic message, or null.
 */
export function mapDevices(s: PostState, busses: BusRecord[]): string | null {
  if (!rootIo(s, busses)) return PANIC_IO;
  s.debug.printf(F_PCI_32, s.pcimemStart, s.pcimemEnd);
  if (s.padMem64 || !rootMem(s, busses)) {
    const r64mem = newRegion();
    const r64pref = newRegion();
    migrate64(busses[0]!.r[REGION_MEM], r64mem);
    migrate64(busses[0]!.r[REGION_PREFMEM], r64pref);
    if (!rootMem(s, busses)) return PANIC_MEM32;
    const sumMem = regionSum(r64mem);
    const sumPref = regionSum(r64pref);
    let base = s.fwcfg.loadInt('etc/reserved-memory-end', 0);
    if (base < FOUR_GIB + s.ramSizeOver4G) base = FOUR_GIB + s.ramSizeOver4G;
    if (s.mem64Top !== 0) base = topOfAddressSpace(s, base, sumMem, sumPref);
    r64mem.base = alignUp(alignUp(base, regionAlign(r64mem)), ONE_GIB);
    r64pref.base = alignUp(alignUp(r64mem.base + sumMem, regionAlign(r64pref)), ONE_GIB);
    const end = alignUp(r64pref.base + sumPref, ONE_GIB);
    s.debug.printf(F_PCI_64, r64mem.base, end);
    s.mem64Window = [r64mem.base, end];
    mapEntries(s, busses, r64mem);
    mapEntries(s, busses, r64pref);
  }
  for (let bus = 0; bus <= s.maxBus; bus++) {
    const rec = busses[bus]!;
    mapEntries(s, busses, rec.r[REGION_IO]);
    mapEntries(s, busses, rec.r[REGION_MEM]);
    mapEntries(s, busses, rec.r[REGION_PREFMEM]);
  }
  return null;
}
