import { PCI_CLASS_SERIAL_USB } from '../../devices/pci/regs.js';
import type { FwPciDevice, RegionType } from '../types.js';

/** One resource request (struct pci_region_entry): a device BAR (bar 0..6) or a bridge window (bar −1). */
export interface RegionEntry {
  readonly dev: FwPciDevice;
  readonly bar: number;
  readonly size: number;
  readonly align: number;
  readonly is64: boolean;
  readonly type: RegionType;
}

/** A list of requests kept in SeaBIOS's order, and the base the list is placed from. */
export interface Region {
  base: number;
  readonly list: RegionEntry[];
}

export function newRegion(): Region {
  return { base: 0, list: [] };
}

/**
 * pci_region_create_entry's sorted insert (docs/firmware-seabios.md §6.3): descending alignment, then
 * descending size; a new entry goes after every entry with larger alignment or with equal
 * alignment and equal-or-larger size, so ties keep insertion order.
 */
export function insertEntry(r: Region, e: RegionEntry): void {
  const list = r.list;
  // The list is sorted, so "goes before this entry" is false up to the insertion point and true after it:
  // a binary search finds the first entry with smaller alignment, or equal alignment and smaller size.
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const pos = list[mid]!;
    if (pos.align < e.align || (pos.align === e.align && pos.size < e.size)) hi = mid;
    else lo = mid + 1;
  }
  // splice's native move beats copyWithin and a hand-written shift on long lists (400 entries on the root bus
  // of 200 root ports); its empty result array is the price.
  list.splice(lo, 0, e);
}

/** pci_region_align: the first entry's alignment, or 1 for an empty list. */
export function regionAlign(r: Region): number {
  return r.list.length === 0 ? 1 : r.list[0]!.align;
}

/** pci_region_sum. */
export function regionSum(r: Region): number {
  let sum = 0;
  for (const e of r.list) sum += e.size;
  return sum;
}

/**
 * pci_region_migrate_64bit_entries: moves every 64-bit entry of `from` to the end of `to`, keeping
 * order — except USB host controllers, whose 64-bit BARs stay below 4 GiB.
 */
export function migrate64(from: Region, to: Region): void {
  const keep: RegionEntry[] = [];
  for (const e of from.list) {
    if (e.is64 && e.dev.classCode !== PCI_CLASS_SERIAL_USB) to.list.push(e);
    else keep.push(e);
  }
  from.list.length = 0;
  for (const e of keep) from.list.push(e);
}

/** ALIGN (round up) and ALIGN_DOWN for power-of-two alignments, exact on JS numbers up to 2^53. */
export function alignUp(v: number, a: number): number {
  return Math.ceil(v / a) * a;
}

export function alignDown(v: number, a: number): number {
  return Math.floor(v / a) * a;
}
