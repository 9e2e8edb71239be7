/**
 * The translation structures in host memory, laid out as VT-d legacy mode reads them (docs/iommu.md §3, §4):
 * a root table (256 × 16 bytes, by bus), context tables (256 × 16 bytes, by devfn) and second-level
 * page tables (512 × 8 bytes per level). Leaves are 4 KiB, 2 MiB (PS at level 2) or 1 GiB (PS at
 * level 3), chosen when iova, host address and remaining size are all aligned, as intel-iommu does.
 *
 * Host-physical space is cut into 1 TiB windows: window 0 holds these tables, every other window is
 * one DMA target (guest RAM, a VMM buffer), so a PTE's address names both the object and the offset.
 */
import { GuestMemory, PAGE_SIZE } from '../../../devices/memory/guest-memory.js';
import { CTX_FPD, ENTRY_P, PTE_PS, PTE_R, PTE_W } from './constants.js';

export const HOST_WINDOW_SIZE = 2 ** 40;
const TWO32 = 0x1_0000_0000;
const ENTRIES = 512;

/** Result of placing one leaf. */
const enum Place {
  Ok = 0,
  NoMemory = 1,
  Smaller = 2, // a page table already sits where the superpage would go
}

/** Bytes one entry covers at each level (index = level). */
const SPAN = [0, PAGE_SIZE, PAGE_SIZE * 512, PAGE_SIZE * 512 * 512, PAGE_SIZE * 512 ** 3, PAGE_SIZE * 512 ** 4, PAGE_SIZE * 512 ** 5];

export function pageSpan(level: number): number {
  return SPAN[level]!;
}

export class HostTables {
  readonly mem = new GuestMemory();
  readonly rootTable: number;
  /** Table pages currently allocated (root and context tables included). */
  pagesInUse = 0;
  private next = PAGE_SIZE; // page 0 stays unused: a zero pointer never names a live table
  private readonly free: number[] = [];
  /** Live entries per table page, by page number: a page table is freed when it empties. */
  private readonly used: Uint16Array;

  constructor(readonly limitBytes: number) {
    this.used = new Uint16Array(Math.floor(limitBytes / PAGE_SIZE));
    const root = this.alloc();
    if (root < 0) throw new Error('table memory too small for a root table');
    this.rootTable = root;
  }

  /** A zeroed table page, or -1 when table memory is exhausted. */
  alloc(): number {
    let a = this.free.pop();
    if (a === undefined) {
      if (this.next + PAGE_SIZE > this.limitBytes) return -1;
      a = this.next;
      this.next += PAGE_SIZE;
    }
    this.pagesInUse++;
    return a;
  }

  private release(addr: number): void {
    this.mem.discard(addr, addr + PAGE_SIZE);
    this.used[addr / PAGE_SIZE] = 0;
    this.free.push(addr);
    this.pagesInUse--;
  }

  lo(addr: number): number {
    return this.mem.read(addr, 4);
  }

  hi(addr: number): number {
    return this.mem.read(addr + 4, 4);
  }

  /** Writes a 64-bit entry from its two 32-bit halves. */
  writeQword(addr: number, lo: number, hi: number): void {
    this.mem.write(addr, 4, lo >>> 0);
    this.mem.write(addr + 4, 4, hi >>> 0);
  }

  /** Address field (b51:12) of the entry at `addr`. */
  pointer(addr: number): number {
    return (this.hi(addr) & 0xfffff) * TWO32 + ((this.lo(addr) & 0xfffff000) >>> 0);
  }

  /** A new, empty top-level page table for a domain; -1 when out of table memory. */
  newDomainRoot(): number {
    return this.alloc();
  }

  /** Points (bus, devfn)'s context entry at a domain (docs/iommu.md §3); false when out of table memory. */
  setContext(sourceId: number, ptRoot: number, domainId: number, levels: number, fpd: boolean): boolean {
    const re = this.rootTable + (sourceId >>> 8) * 16;
    let ctp: number;
    if ((this.lo(re) & ENTRY_P) === 0) {
      ctp = this.alloc();
      if (ctp < 0) return false;
      this.writeQword(re, (ctp % TWO32) | ENTRY_P, Math.floor(ctp / TWO32));
      this.writeQword(re + 8, 0, 0);
    } else {
      ctp = this.pointer(re);
    }
    const ce = ctp + (sourceId & 0xff) * 16;
    this.writeQword(ce, ((ptRoot % TWO32) | ENTRY_P | (fpd ? CTX_FPD : 0)) >>> 0, Math.floor(ptRoot / TWO32));
    this.writeQword(ce + 8, (levels - 2) | ((domainId & 0xffff) << 8), 0);
    return true;
  }

  /** Clears (bus, devfn)'s context entry. The context table stays, as Linux keeps it. */
  clearContext(sourceId: number): void {
    const re = this.rootTable + (sourceId >>> 8) * 16;
    if ((this.lo(re) & ENTRY_P) === 0) return;
    const ce = this.pointer(re) + (sourceId & 0xff) * 16;
    this.writeQword(ce, 0, 0);
    this.writeQword(ce + 8, 0, 0);
  }

  /**
   * Maps [iova, iova + size) to host [hpa, hpa + size) with R/W `perms` (PTE b0/b1), using the
   * largest leaves alignment allows. Returns the bytes mapped: less than size only when table memory
   * ran out (the caller unmaps the partial range). The range must be unmapped (vfio checked overlap).
   */
  map(root: number, levels: number, iova: number, size: number, hpa: number, perms: number): number {
    let off = 0;
    while (off < size) {
      const va = iova + off;
      const pa = hpa + off;
      const rem = size - off;
      let level = 1;
      for (let l = Math.min(3, levels); l >= 2; l--) {
        const span = pageSpan(l);
        if (rem >= span && va % span === 0 && pa % span === 0) {
          level = l;
          break;
        }
      }
      if (level === 1) {
        // Fill the rest of this leaf table in one go: a 2 MiB-eligible iova always starts a new table.
        const n = this.fillTable(root, levels, va, pa, Math.min(rem / PAGE_SIZE, ENTRIES - (Math.floor(va / PAGE_SIZE) % ENTRIES)), perms);
        if (n < 0) return off;
        off += n * PAGE_SIZE;
        continue;
      }
      let r = this.placeLeaf(root, levels, va, level, pa, perms);
      while (r === Place.Smaller && level > 1) r = this.placeLeaf(root, levels, va, --level, pa, perms);
      if (r === Place.NoMemory) return off;
      off += pageSpan(level);
    }
    return off;
  }

  /** `count` consecutive 4 KiB leaves in one level-1 table; returns count, or -1 when out of table memory. */
  private fillTable(root: number, levels: number, va: number, pa: number, count: number, perms: number): number {
    const table = this.tableFor(root, levels, va, 1);
    if (table < 0) return -1;
    let ea = table + (Math.floor(va / PAGE_SIZE) % ENTRIES) * 8;
    for (let i = 0; i < count; i++, ea += 8) {
      if ((this.lo(ea) & (PTE_R | PTE_W)) !== 0) throw new Error(`map over a live leaf at iova 0x${(va + i * PAGE_SIZE).toString(16)}`);
      const a = pa + i * PAGE_SIZE;
      this.writeQword(ea, ((a % TWO32) | perms) >>> 0, Math.floor(a / TWO32));
    }
    this.used[table / PAGE_SIZE]! += count;
    return count;
  }

  private placeLeaf(root: number, levels: number, va: number, level: number, pa: number, perms: number): Place {
    const table = this.tableFor(root, levels, va, level);
    if (table < 0) return Place.NoMemory;
    const ea = table + (Math.floor(va / pageSpan(level)) % ENTRIES) * 8;
    const lo = this.lo(ea);
    if ((lo & (PTE_R | PTE_W)) !== 0) {
      if (level > 1 && (lo & PTE_PS) === 0) return Place.Smaller;
      throw new Error(`map over a live leaf at iova 0x${va.toString(16)}`);
    }
    const leafLo = ((pa % TWO32) | perms | (level > 1 ? PTE_PS : 0)) >>> 0;
    this.writeQword(ea, leafLo, Math.floor(pa / TWO32));
    this.used[table / PAGE_SIZE]!++;
    return Place.Ok;
  }

  /** The table holding `va`'s entry at `level`, creating missing tables on the way; -1 when out of memory. */
  private tableFor(root: number, levels: number, va: number, level: number): number {
    let table = root;
    for (let l = levels; l > level; l--) {
      const ea = table + Math.floor(va / pageSpan(l)) % ENTRIES * 8;
      const lo = this.lo(ea);
      if ((lo & (PTE_R | PTE_W)) === 0) {
        const child = this.alloc();
        if (child < 0) return -1;
        this.writeQword(ea, (child % TWO32) | PTE_R | PTE_W, Math.floor(child / TWO32));
        this.used[table / PAGE_SIZE]!++;
        table = child;
      } else {
        if ((lo & PTE_PS) !== 0) throw new Error(`map over a live superpage at iova 0x${va.toString(16)}`);
        table = this.pointer(ea);
      }
    }
    return table;
  }

  /** Clears every leaf in [iova, iova + size) and frees page tables left empty. Leaves must not straddle the range. */
  unmap(root: number, levels: number, iova: number, size: number): void {
    this.unmapLevel(root, levels, 0, iova, iova + size);
  }

  private unmapLevel(table: number, level: number, base: number, start: number, end: number): void {
    const span = pageSpan(level);
    const first = Math.max(0, Math.floor((start - base) / span));
    const last = Math.min(ENTRIES, Math.ceil((end - base) / span));
    for (let i = first; i < last; i++) {
      const ea = table + i * 8;
      const lo = this.lo(ea);
      if ((lo & (PTE_R | PTE_W)) === 0) continue;
      const es = base + i * span;
      if (level === 1 || (lo & PTE_PS) !== 0) {
        if (es < start || es + span > end) throw new Error(`unmap splits a leaf at 0x${es.toString(16)}`);
        this.writeQword(ea, 0, 0);
        this.used[table / PAGE_SIZE]!--;
        continue;
      }
      const child = this.pointer(ea);
      this.unmapLevel(child, level - 1, es, start, end);
      if (this.used[child / PAGE_SIZE] === 0) {
        this.writeQword(ea, 0, 0);
        this.release(child);
        this.used[table / PAGE_SIZE]!--;
      }
    }
  }
}
