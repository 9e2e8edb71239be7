/** The handler behind a region of an address space (cf. cloud-hypervisor's BusDevice). */
export interface IoHandler {
  read(offset: number, width: 1 | 2 | 4): number;
  write(offset: number, width: 1 | 2 | 4, value: number): void;
  /**
   * Optional: a handler that does exactly what this one does for accesses at `offset` (any width), with the dispatch
   * on the offset done once. Only called with that offset; for a ROM's port step that keeps writing one port.
   */
  forOffset?(offset: number): IoHandler;
  /**
   * Optional: for a ROM whose loop writes offset `a` (width `wa`) and then offset `b` (width `wb`) of this handler, an
   * operation doing exactly those two writes, in order, with the dispatch done once; undefined when not offered.
   * Offered only where the first write cannot change any address space (so the second needs no new look-up).
   */
  forPair?(a: number, wa: 1 | 2 | 4, b: number, wb: 1 | 2 | 4): PairWriter | undefined;
}

/**
 * Two writes in one call (IoHandler.forPair). The values come as their int32 bit patterns (`v | 0`), which V8 passes
 * untagged as small integers; a uint32 above 2^31 passed as a number argument to a call that is not inlined would be
 * boxed as a heap number on every write. The writer restores each value with `>>> 0` (widths 1 and 2: the value as is).
 */
export interface PairWriter {
  writePair(a: number, b: number): void;
}

export interface RegionDesc {
  readonly start: number;
  readonly size: number;
  readonly handler: IoHandler;
  readonly name: string;
}

/**
 * A sorted, non-overlapping view of regions, searched with a binary search over typed arrays and a
 * one-entry cache (accesses cluster). Where regions overlap, the one added last wins (QEMU gives the
 * later subregion of equal priority precedence).
 */
export class FlatView {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly bases: Float64Array;
  readonly handlers: IoHandler[];
  readonly names: string[];
  private last = -1;

  constructor(regions: readonly RegionDesc[]) {
    const segs = flatten(regions);
    const n = segs.length;
    this.starts = new Float64Array(n);
    this.ends = new Float64Array(n);
    this.bases = new Float64Array(n);
    this.handlers = [];
    this.names = [];
    for (let i = 0; i < n; i++) {
      const s = segs[i]!;
      this.starts[i] = s.start;
      this.ends[i] = s.end;
      this.bases[i] = s.region.start;
      this.handlers.push(s.region.handler);
      this.names.push(s.region.name);
    }
  }

  get length(): number {
    return this.starts.length;
  }

  /** Index of the segment holding `addr`, or -1. */
  find(addr: number): number {
    const l = this.last;
    if (l >= 0 && addr >= this.starts[l]! && addr < this.ends[l]!) return l;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (addr < this.starts[mid]!) hi = mid - 1;
      else if (addr >= this.ends[mid]!) lo = mid + 1;
      else {
        this.last = mid;
        return mid;
      }
    }
    return -1;
  }

  /** Offset of `addr` inside the region owning segment `i`. */
  offset(i: number, addr: number): number {
    return addr - this.bases[i]!;
  }

  /** [start, end) of segment `i`, without allocating. */
  bounds(i: number): readonly [number, number] {
    this.boundsOut[0] = this.starts[i]!;
    this.boundsOut[1] = this.ends[i]!;
    return this.boundsOut;
  }
  private readonly boundsOut: [number, number] = [0, 0];

  segment(i: number): { start: number; end: number; name: string } {
    return { start: this.starts[i]!, end: this.ends[i]!, name: this.names[i]! };
  }
}

interface Segment {
  start: number;
  end: number;
  region: RegionDesc;
}

/**
 * Up to this many edges are sorted by insertion: a boot builds ~5 views of 1–10 regions, and the typed array's
 * built-in sort (a subarray, a copy, a generic merge sort) was most of what building one cost (docs/performance.md §14).
 */
const SMALL_SORT = 32;

/** Sorts a[0, k) ascending in place (non-negative finite numbers: the same order as the built-in sort) and returns it. */
function insertionSort(a: Float64Array, k: number): Float64Array {
  for (let i = 1; i < k; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
  return a;
}

function flatten(regions: readonly RegionDesc[]): Segment[] {
  const out: Segment[] = [];
  if (regions.length === 0) return out;
  // Region edges, sorted numerically in a typed array (no Set, no comparator); duplicates are skipped below.
  const edges = new Float64Array(2 * regions.length);
  let k = 0;
  for (const r of regions) {
    if (r.size <= 0) continue;
    edges[k++] = r.start;
    edges[k++] = r.start + r.size;
  }
  const sorted = k <= SMALL_SORT ? insertionSort(edges, k) : edges.subarray(0, k).sort();
  for (let i = 0; i + 1 < k; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    if (a === b) continue;
    let owner: RegionDesc | undefined;
    for (const r of regions) if (r.size > 0 && r.start <= a && r.start + r.size >= b) owner = r;
    if (owner === undefined) continue;
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.region === owner && prev.end === a) prev.end = b;
    else out.push({ start: a, end: b, region: owner });
  }
  return out;
}

const ALL_ONES = [0, 0xff, 0xffff, 0, 0xffffffff] as const;

/** Decode questions a stale PCI tier answers before its view is built (a SeaBIOS boot asks one per stale period). */
const STALE_QUESTIONS = 4;

/**
 * An address space (memory or IO ports) in priority tiers: fixed chipset regions first, then RAM,
 * then the PCI view, which is recomputed lazily after the guest reprograms BARs or windows (so
 * thousands of sizing writes cost nothing until the next access that needs the PCI view).
 */
export class AddressSpace {
  private readonly fixedRegions: RegionDesc[] = [];
  private fixed: FlatView;
  private readonly ramRegions: RegionDesc[] = [];
  private ram: FlatView;
  private pci: FlatView;
  private pciStale = true;
  /** Accesses that hit nothing: reads see all ones, writes vanish (PCI master abort). */
  unassignedReads = 0;
  unassignedWrites = 0;

  /**
   * [gapLo, gapHi): addresses the stale PCI tier is known not to decode (from `pciDecodes`); empty when equal. Reset
   * whenever the tier goes stale again.
   */
  private gapLo = 0;
  private gapHi = 0;
  private readonly gap = new Float64Array(2);
  /** Questions asked since the tier went stale: past STALE_QUESTIONS the view is built (see undecodedWhileStale). */
  private asked = 0;

  constructor(
    readonly name: string,
    private readonly pciSource: () => RegionDesc[],
    /**
     * Optional: whether `pciSource()` would hold a region containing `addr`; when not, it fills `gap` with [lo, hi)
     * around `addr` that no such region touches. While the PCI tier is stale, an access that reaches it asks this
     * first and answers "unassigned" without rebuilding the view: SeaBIOS's port probes (the LPC bridge's ELCR,
     * parallel and serial ports) reach the PCI tier right after BAR writes made it stale, twice a boot, and each
     * rebuild walked every function and made a handler and a name per BAR (docs/performance.md §21).
     */
    private readonly pciDecodes?: (addr: number, gap: Float64Array) => boolean,
  ) {
    // One empty view serves every tier until it is first built (a machine makes two address spaces per boot).
    const empty = new FlatView([]);
    this.fixed = empty;
    this.ram = empty;
    this.pci = empty;
    this.hitView = empty;
  }

  // Fixed and RAM views are rebuilt on the next lookup, not per region added: a machine adds
  // several while it is built, per boot. Each tier is rebuilt only when it changed (q35 moves ECAM,
  // a fixed region, while RAM stays).
  private fixedStale = false;
  private ramStale = false;
  private staticStale = false;

  addFixed(start: number, size: number, handler: IoHandler, name: string): void {
    this.fixedRegions.push({ start, size, handler, name });
    this.fixedStale = true;
    this.staticChanged();
  }

  removeFixed(name: string): void {
    const i = this.fixedRegions.findIndex((r) => r.name === name);
    if (i >= 0) this.fixedRegions.splice(i, 1);
    this.fixedStale = true;
    this.staticChanged();
  }

  addRam(start: number, size: number, handler: IoHandler, name: string): void {
    this.ramRegions.push({ start, size, handler, name });
    this.ramStale = true;
    this.staticChanged();
  }

  private staticChanged(): void {
    this.staticStale = true;
    this.generation++;
    this.staticGeneration++;
  }

  /**
   * Bumped when a fixed or RAM region is added or removed, not when the PCI view changes: an answer of
   * `decodesWhole` stays true while this is unchanged (the machine's direct config-space decode keys on it).
   */
  staticGeneration = 0;

  /**
   * Whether the fixed tier decodes every address of [start, start + size) through `handler`, as one region
   * based at `start` (no fixed region added later overlaps any part of it). The fixed tier comes first in
   * every lookup, so then read()/write() of such an address always reach `handler` at `addr - start`.
   */
  decodesWhole(start: number, size: number, handler: IoHandler): boolean {
    if (this.staticStale) this.rebuildStatic();
    const v = this.fixed;
    const i = v.find(start);
    if (i < 0 || v.handlers[i] !== handler || v.offset(i, start) !== 0) return false;
    const seg = v.bounds(i);
    return seg[0] === start && seg[1] === start + size;
  }

  private rebuildStatic(): void {
    if (this.fixedStale) this.fixed = new FlatView(this.fixedRegions);
    if (this.ramStale) this.ram = new FlatView(this.ramRegions);
    this.fixedStale = false;
    this.ramStale = false;
    this.staticStale = false;
  }

  /** Marks the PCI view stale; the next access that reaches the PCI tier rebuilds it. */
  invalidatePci(): void {
    this.pciStale = true;
    this.gapLo = 0;
    this.gapHi = 0;
    this.asked = 0;
    this.generation++;
  }

  /**
   * Bumped whenever what decodes an address may change: a binding from resolve() stays valid while
   * this is unchanged (a CPU-side TLB for tight loops such as an option ROM's GTT fill).
   */
  generation = 0;
  /** Set by resolve(): the handler, the address its region starts at, and the decoded segment [start, end). */
  resolvedHandler: IoHandler | undefined;
  resolvedBase = 0;
  resolvedStart = 0;
  resolvedEnd = 0;

  /** Finds what decodes `addr` as read()/write() would; false when nothing does. Allocates nothing. */
  resolve(addr: number): boolean {
    if (!this.locate(addr)) return false;
    const v = this.hitView;
    const i = this.hitIndex;
    this.resolvedHandler = v.handlers[i]!;
    this.resolvedBase = addr - v.offset(i, addr);
    const seg = v.bounds(i);
    this.resolvedStart = seg[0];
    this.resolvedEnd = seg[1];
    return true;
  }

  pciView(): FlatView {
    if (this.pciStale) {
      this.pci = new FlatView(this.pciSource());
      this.pciStale = false;
    }
    return this.pci;
  }

  // The view and segment the last `locate` found: fields, not a returned pair, so lookups never allocate.
  private hitView: FlatView;
  private hitIndex = -1;

  /** Finds the region decoding `addr`, tier by tier (fixed, RAM, PCI). */
  private locate(addr: number): boolean {
    if (this.staticStale) this.rebuildStatic();
    let v = this.fixed;
    let i = v.find(addr);
    if (i < 0) {
      v = this.ram;
      i = v.find(addr);
      if (i < 0) {
        if (this.pciStale && this.pciDecodes !== undefined && this.undecodedWhileStale(addr)) return false;
        v = this.pciView();
        i = v.find(addr);
        if (i < 0) return false;
      }
    }
    this.hitView = v;
    this.hitIndex = i;
    return true;
  }

  /**
   * Whether the stale PCI tier decodes nothing at `addr`, known from the last gap or asked now (see pciDecodes). A
   * question walks every function, so after STALE_QUESTIONS of them in one stale period (accesses scattered outside
   * each gap) the view is built instead, and later lookups are binary searches again.
   */
  private undecodedWhileStale(addr: number): boolean {
    if (addr >= this.gapLo && addr < this.gapHi) return true;
    if (this.asked >= STALE_QUESTIONS) return false;
    this.asked++;
    const g = this.gap;
    if (this.pciDecodes!(addr, g)) return false;
    this.gapLo = g[0]!;
    this.gapHi = g[1]!;
    return true;
  }

  read(addr: number, width: 1 | 2 | 4): number {
    if (!this.locate(addr)) {
      this.unassignedReads++;
      return ALL_ONES[width];
    }
    const v = this.hitView;
    const i = this.hitIndex;
    return v.handlers[i]!.read(v.offset(i, addr), width);
  }

  write(addr: number, width: 1 | 2 | 4, value: number): void {
    if (!this.locate(addr)) {
      this.unassignedWrites++;
      return;
    }
    const v = this.hitView;
    const i = this.hitIndex;
    v.handlers[i]!.write(v.offset(i, addr), width, value);
  }

  /** Name of the region that decodes `addr` (for traces and reports), or undefined. */
  describe(addr: number): string | undefined {
    if (this.staticStale) this.rebuildStatic();
    for (const v of [this.fixed, this.ram, this.pciView()]) {
      const i = v.find(addr);
      if (i >= 0) return v.names[i];
    }
    return undefined;
  }
}
