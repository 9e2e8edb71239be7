import { NUM_MEMSLOTS, QXL_RAM_RANGE_INDEX, QXL_VRAM64_RANGE_INDEX, QXL_VRAM_RANGE_INDEX } from './constants.js';
import type { FatalKind } from './fatal.js';
import type { MemLoc, MemTarget } from './memory.js';

/** One guest memslot as QEMU keeps it (guest_slots[]): guest range, the region it maps into, delta. */
export interface Memslot {
  active: boolean;
  memStart: number;
  memEnd: number;
  target: MemTarget | undefined;
  /** Offset of the slot's start inside the target region (QEMU guest_slots[].offset). */
  regionOffset: number;
  size: number;
  delta: number;
  regionSize: number;
  /** BAR the range was matched in (0, 1, 4), or -1 for guest RAM (our DMA extension). */
  bar: number;
  /** The BAR's guest address when the slot was added: a different address later means the slot is unmapped. */
  barBase: number;
}

/** What the memslot table needs from its device. */
export interface MemslotHost {
  barAddress(index: number): number;
  barSize(index: number): number;
  targetFor(bar: number): MemTarget | undefined; // bar -1: guest RAM by DMA
  readonly guestRamMemslots: boolean;
  guestBug(msg: string): void;
  spiceWarning(func: string, msg: string): void;
  fatal(kind: FatalKind, detail: string): void;
}

const hex = (n: number): string => n.toString(16);

/** QXLPHYSICAL halves: slot = bits 63..56, generation = 55..48, offset = 47..0 (docs/qxl.md §9). */
export function physSlot(hi: number): number {
  return hi >>> 24;
}
export function physGeneration(hi: number): number {
  return (hi >>> 16) & 0xff;
}
export function physOffset(lo: number, hi: number): number {
  return (hi & 0xffff) * 0x1_0000_0000 + (lo >>> 0);
}

/** Builds a QXLPHYSICAL's halves from slot, generation and offset, as drivers do (LQ setup_slot). */
export function makePhys(slot: number, offset: number, generation = 0): { lo: number; hi: number } {
  const hi = ((slot & 0xff) << 24) | ((generation & 0xff) << 16) | (Math.floor(offset / 0x1_0000_0000) & 0xffff);
  return { lo: offset >>> 0, hi: hi >>> 0 };
}

function emptySlot(): Memslot {
  return { active: false, memStart: 0, memEnd: 0, target: undefined, regionOffset: 0, size: 0, delta: 0, regionSize: 0, bar: -1, barBase: -1 };
}

function emptySlots(): Memslot[] {
  const out: Memslot[] = [];
  for (let i = 0; i < NUM_MEMSLOTS; i++) out.push(emptySlot());
  return out;
}

function isEmptySlot(s: Memslot): boolean {
  return !s.active && s.memStart === 0 && s.memEnd === 0 && s.target === undefined && s.regionOffset === 0 && s.size === 0 &&
    s.delta === 0 && s.regionSize === 0 && s.bar === -1 && s.barBase === -1;
}

/** The 8 memslots with QEMU 7.2's add rules and size-checked address validation (qxl_get_check_slot_offset). */
export class Memslots {
  // A plain loop: Array.from over an array-like was most of what making a QXL device's memslot table cost.
  readonly slots: Memslot[] = emptySlots();

  constructor(private readonly host: MemslotHost) {}

  reset(): void {
    // A slot still as emptySlot() made it is kept: every reset (one at realize, right after construction) made
    // eight new records for slots nobody had used (docs/performance.md §22). Nothing keeps a slot record across
    // calls, so a kept empty record and a new one are the same slot.
    for (let i = 0; i < NUM_MEMSLOTS; i++) if (!isEmptySlot(this.slots[i]!)) this.slots[i] = emptySlot();
  }

  /** qxl_add_memslot: the range must lie inside BAR0, BAR1 or BAR4 as currently mapped. False on a guest bug. */
  add(slotId: number, memStart: number, memEnd: number, delta: number): boolean {
    const h = this.host;
    if (slotId >= NUM_MEMSLOTS) {
      h.guestBug(`qxl_add_memslot: slot_id >= NUM_MEMSLOTS ${slotId} >= ${NUM_MEMSLOTS}`);
      return false;
    }
    if (memStart > memEnd) {
      h.guestBug(`qxl_add_memslot: guest_start > guest_end 0x${hex(memStart)} > 0x${hex(memEnd)}`);
      return false;
    }
    let bar = -2;
    let pciStart = 0;
    for (const r of [QXL_RAM_RANGE_INDEX, QXL_VRAM_RANGE_INDEX, QXL_VRAM64_RANGE_INDEX]) {
      const start = h.barAddress(r);
      if (start < 0) continue;
      const end = start + h.barSize(r);
      if (memStart < start || memStart > end || memEnd > end) continue;
      bar = r;
      pciStart = start;
      break;
    }
    if (bar === -2 && h.guestRamMemslots) {
      bar = -1; // extension: a slot in guest RAM, reached by DMA through the IOMMU
      pciStart = 0;
    }
    const target = bar === -2 ? undefined : h.targetFor(bar);
    if (target === undefined) {
      h.guestBug('qxl_add_memslot: finished loop without match');
      return false;
    }
    this.slots[slotId] = {
      active: true,
      memStart,
      memEnd,
      target,
      regionOffset: memStart - pciStart,
      size: memEnd - memStart,
      delta,
      regionSize: bar === -1 ? memEnd : target.size,
      bar,
      barBase: bar >= 0 ? pciStart : -1,
    };
    return true;
  }

  del(slotId: number): void {
    this.slots[slotId]!.active = false;
  }

  /** qxl_phys2virt for the guest group: every failure is a guest bug and yields undefined. */
  resolve(lo: number, hi: number, size: number): MemLoc | undefined {
    const h = this.host;
    const slotId = physSlot(hi);
    let offset = physOffset(lo, hi);
    if (slotId >= NUM_MEMSLOTS) {
      h.guestBug(`slot too large ${slotId} >= ${NUM_MEMSLOTS}`);
      return undefined;
    }
    const s = this.slots[slotId]!;
    if (!s.active || s.target === undefined) {
      h.guestBug(`inactive slot ${slotId}`);
      return undefined;
    }
    if (offset < s.delta) {
      h.guestBug(`slot ${slotId} offset ${offset} < delta ${s.delta}`);
      return undefined;
    }
    offset -= s.delta;
    if (offset > s.size) {
      h.guestBug(`slot ${slotId} offset ${offset} > size ${s.size}`);
      return undefined;
    }
    let avail = s.regionSize;
    if (s.regionOffset + offset >= avail) {
      h.guestBug(`slot ${slotId} offset ${s.regionOffset + offset} > region size ${avail}`);
      return undefined;
    }
    avail -= s.regionOffset + offset;
    if (size > avail) {
      h.guestBug(`slot ${slotId} offset ${offset} size ${size}: overrun by ${size - avail} bytes`);
      return undefined;
    }
    return { target: s.target, offset: s.regionOffset + offset };
  }

  /**
   * spice-server's memslot_get_virt (server/memslot.c): slot id, generation (QEMU passes rom->slot_generation,
   * 0, for every slot), then [addr, addr + size) inside the slot's range. A slot id past the table or a stale
   * generation is spice_critical: the VM ends. An address outside the slot (a deleted slot's range is empty) is
   * a spice_warning and the command is dropped.
   */
  spiceResolve(lo: number, hi: number, size: number): MemLoc | undefined {
    const slotId = physSlot(hi);
    const gen = physGeneration(hi);
    if (slotId >= NUM_MEMSLOTS) {
      const full = (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, '0');
      this.host.fatal('slot-too-big', `${slotId}, addr=${full.replace(/^0+(?=.)/, '')}`);
      return undefined;
    }
    const s = this.slots[slotId]!;
    if (gen !== 0) {
      this.host.fatal('stale-generation', `group_id 1, slot_id ${slotId}, gen ${gen}, slot_gen 0`);
      return undefined;
    }
    const offset = physOffset(lo, hi) - s.delta;
    if (!s.active || s.target === undefined || offset < 0 || offset + size > s.size) {
      this.host.spiceWarning('memslot_validate_virt', `virtual address out of range    slot_id=${slotId} offset=0x${hex(physOffset(lo, hi))}+0x${hex(size)}`);
      return undefined;
    }
    return { target: s.target, offset: s.regionOffset + offset };
  }
}
