import {
  BUILD_BIOS_ADDR, BUILD_BIOS_SIZE, BUILD_LOWRAM_END, BUILD_MAX_HIGHTABLE, BUILD_MIN_HIGHTABLE, FOUR_GIB,
  MALLOC_MIN_ALIGN, PAGE_SIZE, ZONELOW_END, ZONELOW_START,
} from './constants.js';
import { E820_RAM, E820_RESERVED, type E820Map } from './e820.js';

const alignDown = (v: number, a: number): number => Math.floor(v / a) * a;

/**
 * One SeaBIOS malloc zone (src/malloc.c): free ranges, highest first; allocation is top-down —
 * the block lands at ALIGN_DOWN(top − size, align) of the first range where that stays inside it,
 * and the alignment slack above the block goes with it. Nothing is freed (POST-lifetime blocks).
 */
export class Zone {
  private readonly starts: number[] = [];
  private readonly tops: number[] = [];

  constructor(readonly name: string) {}

  addRange(start: number, end: number): void {
    if (end <= start) return;
    let i = 0;
    while (i < this.tops.length && this.tops[i]! > end) i++;
    // A zone has one to three ranges: moved by hand, not by splice (a result array per call and array).
    const { starts, tops } = this;
    for (let j = tops.length; j > i; j--) {
      starts[j] = starts[j - 1]!;
      tops[j] = tops[j - 1]!;
    }
    starts[i] = start;
    tops[i] = end;
  }

  /** The block's address, or 0 when nothing fits (SeaBIOS returns NULL). */
  memalign(align: number, size: number): number {
    if (size <= 0) return 0;
    const a = Math.max(align, MALLOC_MIN_ALIGN);
    for (let i = 0; i < this.tops.length; i++) {
      const addr = alignDown(this.tops[i]! - size, a);
      if (addr >= this.starts[i]! && addr + size <= this.tops[i]!) {
        this.tops[i] = addr;
        return addr;
      }
    }
    return 0;
  }

  /** Free bytes at the bottom of the lowest range (what prepboot can give back). */
  lowestFree(): { start: number; bytes: number } | undefined {
    const n = this.tops.length;
    if (n === 0) return undefined;
    return { start: this.starts[n - 1]!, bytes: this.tops[n - 1]! - this.starts[n - 1]! };
  }
}

export interface Zones {
  readonly high: Zone;
  readonly tmpHigh: Zone;
  readonly low: Zone;
  /** Where ZoneHigh starts (0 when no RAM entry could hold it). */
  readonly highStart: number;
}

/**
 * malloc_preinit as it runs on QEMU: no RAM between 640 KiB and 1 MiB, the BIOS segment reserved,
 * ZoneHigh carved from the top of the highest RAM entry below 4 GiB (16 MiB when it fits, else
 * 256 KiB) and marked reserved, ZoneTmpHigh the rest of RAM above 1 MiB — minus what the relocated
 * init code holds at its top by the time pci_setup runs.
 */
export function mallocPreinit(e820: E820Map, relocFootprint: number): Zones {
  e820.removeRange(BUILD_LOWRAM_END, BUILD_BIOS_ADDR - BUILD_LOWRAM_END);
  e820.add(BUILD_BIOS_ADDR, BUILD_BIOS_SIZE, E820_RESERVED);
  const high = new Zone('ZoneHigh');
  const tmpHigh = new Zone('ZoneTmpHigh');
  const low = new Zone('ZoneLow');
  let highStart = 0;
  let highSize = 0;
  for (let i = e820.count - 1; i >= 0; i--) {
    const s = e820.startAt(i);
    const end = s + e820.sizeAt(i);
    if (end < 1024 * 1024) break;
    if (e820.typeAt(i) !== E820_RAM || end > FOUR_GIB - 1) continue;
    let e = end;
    if (highStart === 0) {
      const newMax = alignDown(e - BUILD_MAX_HIGHTABLE, MALLOC_MIN_ALIGN);
      const newMin = alignDown(e - BUILD_MIN_HIGHTABLE, MALLOC_MIN_ALIGN);
      // The 16 MiB ZoneHigh needs the entry to keep at least as much below it (rel-1.16.2/1.16.3 src/malloc.c
      // malloc_preinit: `new_max >= s + BUILD_MAX_HIGHTABLE`); else the 256 KiB one when it fits at all.
      if (newMax <= e && newMax >= s + BUILD_MAX_HIGHTABLE) {
        highStart = e = newMax;
        highSize = BUILD_MAX_HIGHTABLE;
      } else if (newMin <= e && newMin >= s) {
        highStart = e = newMin;
        highSize = BUILD_MIN_HIGHTABLE;
      }
      // The relocated init code sits at the top of temporary high RAM for the rest of POST.
      tmpHigh.addRange(s, e - relocFootprint);
      continue;
    }
    tmpHigh.addRange(s, e);
  }
  if (highStart !== 0) {
    high.addRange(highStart, highStart + highSize);
    e820.add(highStart, highSize, E820_RESERVED);
  }
  low.addRange(ZONELOW_START, ZONELOW_END);
  return { high, tmpHigh, low, highStart };
}

/** malloc_prepboot: the unused bottom of ZoneHigh, rounded down to pages, goes back to RAM. */
export function returnZoneHigh(zones: Zones, e820: E820Map): number {
  const free = zones.high.lowestFree();
  if (free === undefined) return 0;
  const giveback = alignDown(free.bytes, PAGE_SIZE);
  if (giveback > 0) e820.add(free.start, giveback, E820_RAM);
  return giveback;
}
