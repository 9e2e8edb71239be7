/**
 * IOTLB keyed like QEMU's (docs/iommu.md §5): (source id, level, page frame at that level), probed for levels
 * 1, 2 and 3. Open addressing with linear probing over typed arrays; nothing is allocated per lookup.
 * A hit returns the cached translation without looking at the tables again, so entries stay stale
 * until invalidated, exactly the property that makes invalidation matter. When `capacity` entries are
 * held, the next insert flushes everything first (QEMU's VTD_IOTLB_MAX_SIZE behaviour).
 */
import { PAGE_SIZE } from '../../../devices/memory/guest-memory.js';
import { HOST_WINDOW_SIZE } from './host-tables.js';

const TWO32 = 0x1_0000_0000;
/** 4 KiB frames covered by one entry at level 1, 2, 3. */
const FRAMES = [0, 1, 512, 262144] as const;
/** Entries of the direct-mapped front (a power of two). */
export const L1_SIZE = 64;

export class Iotlb {
  /** (sourceId << 2 | level) + 1; 0 marks an empty slot. */
  private readonly tag: Int32Array;
  /** First 4 KiB frame number of the cached page. */
  private readonly frame: Float64Array;
  /** Host window (DMA target index) of the page. */
  readonly win: Uint8Array;
  /** Address of the page's first byte inside its target (host address minus the window base). */
  readonly base: Float64Array;
  readonly domain: Uint16Array;
  /** PTE_R | PTE_W effective permissions, plus 4 when the context had FPD set. */
  readonly flags: Uint8Array;
  private readonly mask: number;
  private readonly shift: number;
  private readonly perLevel = new Int32Array(4);
  size = 0;
  fullFlushes = 0;
  /**
   * A direct-mapped front of L1_SIZE entries by 4 KiB frame (index frame & (L1_SIZE - 1)), keyed by
   * (frame * 2^16 + source id + 1), NaN when empty (no key equals it). Each entry holds the slot the hash
   * probes found and a copy of that slot's translation — window, flags and `delta` (the target address
   * minus the iova, for every byte of the frame) — so Iommu.translate answers a hit with a few typed-array
   * loads (docs/performance.md §8.3). Slots never move while entries are only added (linear probing without
   * deletion); every removal goes through flushAll and an in-place replacement through put, both of which
   * empty the front. Answers are the hash table's, only sooner.
   */
  readonly l1Key = new Float64Array(L1_SIZE).fill(NaN);
  private readonly l1Slot = new Int32Array(L1_SIZE);
  readonly l1Delta = new Float64Array(L1_SIZE);
  readonly l1Win = new Uint8Array(L1_SIZE);
  readonly l1Flags = new Uint8Array(L1_SIZE);

  // scratch for rebuilds after selective invalidation
  private readonly sTag: Int32Array;
  private readonly sFrame: Float64Array;
  private readonly sWin: Uint8Array;
  private readonly sBase: Float64Array;
  private readonly sDom: Uint16Array;
  private readonly sFlags: Uint8Array;

  constructor(readonly capacity: number) {
    let bits = 4;
    while (1 << bits < capacity * 2) bits++;
    const slots = 1 << bits;
    this.mask = slots - 1;
    this.shift = 32 - bits;
    this.tag = new Int32Array(slots);
    this.frame = new Float64Array(slots);
    this.win = new Uint8Array(slots);
    this.base = new Float64Array(slots);
    this.domain = new Uint16Array(slots);
    this.flags = new Uint8Array(slots);
    this.sTag = new Int32Array(capacity);
    this.sFrame = new Float64Array(capacity);
    this.sWin = new Uint8Array(capacity);
    this.sBase = new Float64Array(capacity);
    this.sDom = new Uint16Array(capacity);
    this.sFlags = new Uint8Array(capacity);
  }

  private home(tag: number, frame: number): number {
    const x = (frame >>> 0) ^ Math.imul((frame / TWO32) | 0, 0x27d4eb2d) ^ Math.imul(tag, 0x85ebca6b);
    return Math.imul(x ^ (x >>> 16), 0x9e3779b1) >>> this.shift;
  }

  private find(tag: number, frame: number): number {
    const t = this.tag;
    let i = this.home(tag, frame);
    for (;;) {
      const v = t[i]!;
      if (v === 0) return -1;
      if (v === tag && this.frame[i] === frame) return i;
      i = (i + 1) & this.mask;
    }
  }

  /** Slot caching the page that holds 4 KiB frame `pfn` for `sourceId`, or -1. */
  lookup(sourceId: number, pfn: number): number {
    if (this.size === 0) return -1;
    const key = pfn * 65536 + sourceId + 1;
    const j = pfn & (L1_SIZE - 1);
    if (this.l1Key[j] === key) return this.l1Slot[j]!;
    const s = this.probe(sourceId, pfn);
    if (s >= 0) {
      this.l1Key[j] = key;
      this.l1Slot[j] = s;
      this.l1Delta[j] = this.base[s]! - this.frame[s]! * PAGE_SIZE;
      this.l1Win[j] = this.win[s]!;
      this.l1Flags[j] = this.flags[s]!;
    }
    return s;
  }

  private probe(sourceId: number, pfn: number): number {
    const base = (sourceId << 2) + 1;
    if (this.perLevel[1] !== 0) {
      const s = this.find(base + 1, pfn);
      if (s >= 0) return s;
    }
    if (this.perLevel[2] !== 0) {
      const s = this.find(base + 2, pfn - (pfn % 512));
      if (s >= 0) return s;
    }
    if (this.perLevel[3] !== 0) {
      const s = this.find(base + 3, pfn - (pfn % 262144));
      if (s >= 0) return s;
    }
    return -1;
  }

  /** Byte offset of the page cached in `slot` relative to iova 0 (its first iova). */
  pageIova(slot: number): number {
    return this.frame[slot]! * PAGE_SIZE;
  }

  /** Caches a walk result: `hpa` is the host address of the leaf page (window * 1 TiB + target address). */
  insert(sourceId: number, level: number, pfn: number, hpa: number, domainId: number, flags: number): void {
    if (this.size >= this.capacity) {
      this.flushAll();
      this.fullFlushes++;
    }
    const frame = pfn - (pfn % FRAMES[level as 1 | 2 | 3]);
    const win = Math.floor(hpa / HOST_WINDOW_SIZE);
    this.put((sourceId << 2) + 1 + level, frame, win, hpa - win * HOST_WINDOW_SIZE, domainId, flags);
  }

  private put(tag: number, frame: number, win: number, base: number, domainId: number, flags: number): void {
    let i = this.home(tag, frame);
    for (;;) {
      const v = this.tag[i]!;
      if (v === 0) {
        this.tag[i] = tag;
        this.frame[i] = frame;
        this.size++;
        this.perLevel[(tag - 1) & 3]!++;
        break;
      }
      if (v === tag && this.frame[i] === frame) {
        this.l1Key.fill(NaN); // replace, as g_hash_table_replace does: the front's copies of it go stale
        break;
      }
      i = (i + 1) & this.mask;
    }
    this.win[i] = win;
    this.base[i] = base;
    this.domain[i] = domainId;
    this.flags[i] = flags;
  }

  flushAll(): void {
    if (this.size === 0) return;
    this.tag.fill(0);
    this.l1Key.fill(NaN);
    this.perLevel.fill(0);
    this.size = 0;
  }

  /** Domain-selective invalidation. */
  flushDomain(domainId: number): void {
    this.removeWhere(domainId, 0, Infinity);
  }

  /**
   * Page-selective invalidation of 2^am frames at `addr` (aligned down to that size, as the hardware
   * ignores the low address bits). Removes every entry of the domain overlapping the range, superpage
   * entries included (QEMU vtd_hash_remove_by_page).
   */
  flushPages(domainId: number, addr: number, am: number): void {
    const n = 2 ** am;
    const first = Math.floor(addr / PAGE_SIZE);
    const start = first - (first % n);
    this.removeWhere(domainId, start, start + n);
  }

  /** Drops entries of `domainId` whose frames overlap [fStart, fEnd), then rehashes the survivors. */
  private removeWhere(domainId: number, fStart: number, fEnd: number): void {
    if (this.size === 0) return;
    let kept = 0;
    let removed = 0;
    for (let i = 0; i <= this.mask; i++) {
      const tag = this.tag[i]!;
      if (tag === 0) continue;
      const f = this.frame[i]!;
      const level = (tag - 1) & 3;
      if (this.domain[i] === domainId && f < fEnd && f + FRAMES[level as 1 | 2 | 3] > fStart) {
        removed++;
        continue;
      }
      this.sTag[kept] = tag;
      this.sFrame[kept] = f;
      this.sWin[kept] = this.win[i]!;
      this.sBase[kept] = this.base[i]!;
      this.sDom[kept] = this.domain[i]!;
      this.sFlags[kept] = this.flags[i]!;
      kept++;
    }
    if (removed === 0) return;
    this.flushAll();
    for (let k = 0; k < kept; k++) this.put(this.sTag[k]!, this.sFrame[k]!, this.sWin[k]!, this.sBase[k]!, this.sDom[k]!, this.sFlags[k]!);
  }
}
