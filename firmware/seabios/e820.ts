import type { DebugOutput } from './debug.js';
import type { E820Range, E820Type } from '../types.js';
import { seabiosFormat } from './printf-length.js';

/** dprintf formats, each with its length plan made once per process (printf-length.ts SeabiosFormat). */
const F_E820_MAP_HAS_ITEMS = seabiosFormat('e820 map has %d items:\n');
const F_FMT = seabiosFormat('  %d: %016llx - %016llx = %d %s\n');

/** e820 types (src/e820map.h); HOLE removes a range. */
export const E820_RAM = 1;
export const E820_RESERVED = 2;
export const E820_ACPI = 3;
export const E820_NVS = 4;
export const E820_HOLE = -1;
const NAMES: Record<number, string> = { 1: 'RAM', 2: 'RESERVED', 3: 'ACPI', 4: 'NVS', 5: 'UNUSABLE' };
const TYPES: Record<number, E820Type> = { 1: 'ram', 2: 'reserved', 3: 'acpi', 4: 'nvs' };
export const E820_TYPE_CODES: Readonly<Record<E820Type, number>> = { ram: E820_RAM, reserved: E820_RESERVED, acpi: E820_ACPI, nvs: E820_NVS };

/**
 * SeaBIOS's e820 list (src/e820map.c): sorted, non-overlapping; e820_add splits or trims what a new
 * range overlaps, merges with a same-type neighbour it touches, and HOLE deletes.
 */
export class E820Map {
  private readonly starts: number[] = [];
  private readonly sizes: number[] = [];
  private readonly types: number[] = [];

  get count(): number {
    return this.starts.length;
  }

  // The map has a handful of entries: entries are moved by hand rather than by splice, which makes a result
  // array (of the removed entries, empty for an insert) per call and per array — six arrays per e820_add that
  // splits or merges, for a list SeaBIOS keeps at ~6–10 entries.
  private insert(i: number, start: number, size: number, type: number): void {
    const { starts, sizes, types } = this;
    for (let j = starts.length; j > i; j--) {
      starts[j] = starts[j - 1]!;
      sizes[j] = sizes[j - 1]!;
      types[j] = types[j - 1]!;
    }
    starts[i] = start;
    sizes[i] = size;
    types[i] = type;
  }

  private remove(i: number): void {
    const { starts, sizes, types } = this;
    const last = starts.length - 1;
    for (let j = i; j < last; j++) {
      starts[j] = starts[j + 1]!;
      sizes[j] = sizes[j + 1]!;
      types[j] = types[j + 1]!;
    }
    starts.pop();
    sizes.pop();
    types.pop();
  }

  add(start: number, size: number, type: number): void {
    if (size === 0) return;
    let end = start + size;
    let i = 0;
    // Find the position of the new range, splitting the entry it starts inside.
    for (; i < this.starts.length; i++) {
      const eStart = this.starts[i]!;
      const eEnd = eStart + this.sizes[i]!;
      if (start > eEnd) continue;
      if (start > eStart) {
        if (type === this.types[i]) {
          size += start - eStart;
          start = eStart;
        } else {
          this.sizes[i] = start - eStart;
          i++;
          if (eEnd > end) this.insert(i, end, eEnd - end, this.types[i - 1]!);
        }
      }
      break;
    }
    // Drop or trim the entries the new range overlaps.
    while (i < this.starts.length) {
      const eStart = this.starts[i]!;
      if (end < eStart) break;
      const eEnd = eStart + this.sizes[i]!;
      if (end >= eEnd) {
        this.remove(i);
        continue;
      }
      this.starts[i] = end;
      this.sizes[i] = eEnd - end;
      if (type === this.types[i]) {
        size += this.sizes[i]!;
        end = start + size;
        this.remove(i);
      }
      break;
    }
    if (type !== E820_HOLE) this.insert(i, start, size, type);
  }

  /** e820_is_used (rel-1.16.3 src/e820map.c): whether [start, start + size) overlaps any entry. */
  isUsed(start: number, size: number): boolean {
    for (let i = 0; i < this.starts.length; i++) {
      if (start + size <= this.starts[i]!) continue;
      if (start >= this.starts[i]! + this.sizes[i]!) continue;
      return true;
    }
    return false;
  }

  removeRange(start: number, size: number): void {
    this.add(start, size, E820_HOLE);
  }

  /** dump_map: "e820 map has N items:" and one line per entry. */
  dump(debug: DebugOutput): void {
    debug.printf(F_E820_MAP_HAS_ITEMS, this.starts.length);
    for (let i = 0; i < this.starts.length; i++) {
      const s = this.starts[i]!;
      const t = this.types[i]!;
      debug.printf(F_FMT, i, s, s + this.sizes[i]!, t, NAMES[t] ?? 'UNKNOWN');
    }
  }

  entries(): E820Range[] {
    const out: E820Range[] = [];
    for (let i = 0; i < this.starts.length; i++) {
      out.push({ start: this.starts[i]!, end: this.starts[i]! + this.sizes[i]!, type: TYPES[this.types[i]!] ?? 'reserved' });
    }
    return out;
  }

  /**
   * Entry i's start, size and type code, for zone setup. Read in place rather than as an array of
   * `{start, size, type}` objects: a start above 4 GiB is not a small integer, so in a fresh process the first
   * machine with RAM above 4 GiB changed those objects' shape and threw away malloc_preinit's optimized code
   * (docs/performance.md §13).
   */
  startAt(i: number): number {
    return this.starts[i]!;
  }

  sizeAt(i: number): number {
    return this.sizes[i]!;
  }

  typeAt(i: number): number {
    return this.types[i]!;
  }
}
