/**
 * Dirty logging of several guest-physical page ranges at once (framebuffers of several monitors).
 *
 * Upstream Xen and QEMU track one range (docs/qxl.md §14.1); several ranges follow the reverted
 * 2013 multi-framebuffer patch (docs/qxl.md §14.2): exact-match lookup, a new range evicts those it overlaps (ranges never
 * overlap), length 0 drops them all, the first query answers all-dirty. Unlike that patch, bookkeeping is
 * capped and allocated when a range is tracked, so marking a page can never fail and a refusal is an error value.
 */
import { bitmapWords, countBits, setFirstBits } from './bitmap.js';
import {
  DEFAULT_MAX_RANGES,
  DEFAULT_MAX_TOTAL_PAGES,
  MAX_PFN_EXCLUSIVE,
  XEN_MAX_TRACKED_FRAMES,
  dirtyError,
  type CountResult,
  type DirtyAnswer,
  type DirtyError,
  type DirtyTrackerOptions,
  type PfnRange,
  type SnapshotResult,
  type TrackResult,
  type WriteHookSource,
} from './types.js';

export class DirtyTracker {
  readonly maxRanges: number;
  readonly maxTotalPages: number;
  private readonly enodata: boolean;

  // Ranges sorted by start and disjoint, so ends are sorted too and a binary search finds a page's range.
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  // Two bitmaps per range: get-and-clear hands out `live` and swaps in the zeroed `spare`.
  private readonly live: Uint32Array[] = [];
  private readonly spare: Uint32Array[] = [];
  // 1 from tracking until the range's first query.
  private readonly fresh: Uint8Array;
  private n = 0;
  private total = 0;
  // Writes cluster in one framebuffer; -1 after any change to the range set.
  private lastHit = -1;
  private scratch = new Uint32Array(0);

  constructor(options: DirtyTrackerOptions = {}) {
    this.maxRanges = options.maxRanges ?? DEFAULT_MAX_RANGES;
    this.maxTotalPages = options.maxTotalPages ?? DEFAULT_MAX_TOTAL_PAGES;
    if (!Number.isInteger(this.maxRanges) || this.maxRanges < 1) throw new RangeError('maxRanges must be a positive integer');
    if (!Number.isInteger(this.maxTotalPages) || this.maxTotalPages < 1) throw new RangeError('maxTotalPages must be a positive integer');
    this.enodata = options.firstQuery === 'enodata';
    this.starts = new Float64Array(this.maxRanges);
    this.ends = new Float64Array(this.maxRanges);
    this.fresh = new Uint8Array(this.maxRanges);
  }

  get rangeCount(): number {
    return this.n;
  }

  get trackedPages(): number {
    return this.total;
  }

  ranges(): PfnRange[] {
    const out: PfnRange[] = [];
    for (let i = 0; i < this.n; i++) out.push({ start: this.starts[i]!, length: this.ends[i]! - this.starts[i]! });
    return out;
  }

  /**
   * Starts logging writes to pages [start, start + length).
   * - length 0: stops all tracking (as Xen's track_dirty_vram with nr = 0); `start` is ignored.
   * - exactly this range already tracked: nothing changes (its log is kept), `created` is false.
   * - otherwise every tracked range overlapping it is evicted first, and its first query answers all-dirty.
   * A refusal (EINVAL, ENOSPC, E2BIG) changes nothing.
   */
  track(start: number, length: number): TrackResult {
    if (!Number.isInteger(length) || length < 0) return dirtyError('EINVAL', `length ${length} is not a page count`);
    if (length === 0) {
      const evicted = this.ranges();
      this.removeSpan(0, this.n);
      return { ok: true, created: false, evicted };
    }
    const bad = checkRange(start, length);
    if (bad !== null) return bad;
    const end = start + length;
    const lo = this.firstEndingAfter(start);
    let hi = lo;
    while (hi < this.n && this.starts[hi]! < end) hi++;
    if (hi === lo + 1 && this.starts[lo] === start && this.ends[lo] === end) return { ok: true, created: false, evicted: [] };

    let freed = 0;
    for (let i = lo; i < hi; i++) freed += this.ends[i]! - this.starts[i]!;
    if (this.n - (hi - lo) + 1 > this.maxRanges) {
      return dirtyError('ENOSPC', `tracking ${fmt(start, length)} would exceed the cap of ${this.maxRanges} ranges`);
    }
    if (this.total - freed + length > this.maxTotalPages) {
      return dirtyError('E2BIG', `tracking ${fmt(start, length)} would exceed the cap of ${this.maxTotalPages} tracked pages`);
    }

    const evicted: PfnRange[] = [];
    for (let i = lo; i < hi; i++) evicted.push({ start: this.starts[i]!, length: this.ends[i]! - this.starts[i]! });
    this.removeSpan(lo, hi);
    this.insertAt(lo, start, end);
    return { ok: true, created: true, evicted };
  }

  /** Stops tracking exactly [start, start + length) and frees its bitmaps; ENOENT if that range is not tracked. */
  untrack(start: number, length: number): TrackResult {
    const i = this.exactIndex(start, length);
    if (i < 0) return dirtyError('ENOENT', `${fmt(start, length)} is not a tracked range`);
    this.removeSpan(i, i + 1);
    return { ok: true, created: false, evicted: [{ start, length }] };
  }

  /**
   * Returns the pages of [start, start + length) written since the previous query of that range, and clears
   * them. The bitmap is the tracker's own buffer: it stays valid until the next query of the same range (an
   * untracked answer: until the next untracked answer). See DirtyAnswer for 'initial' and 'untracked'.
   */
  getAndClear(start: number, length: number): SnapshotResult {
    const bad = checkQuery(start, length);
    if (bad !== null) return bad;
    const i = this.exactIndex(start, length);
    const words = bitmapWords(length);
    if (i < 0) {
      if (this.scratch.length < words) this.scratch = new Uint32Array(words);
      const view = this.scratch.subarray(0, words);
      setFirstBits(view, length);
      return { ok: true, bitmap: view, count: length, written: 0, answer: 'untracked' };
    }
    const out = this.live[i]!;
    const next = this.spare[i]!;
    next.fill(0);
    this.live[i] = next;
    this.spare[i] = out;
    const written = countBits(out, words);
    const answer = this.answerFor(i);
    if (typeof answer !== 'string') return answer;
    if (answer === 'log') return { ok: true, bitmap: out, count: written, written, answer };
    setFirstBits(out, length);
    return { ok: true, bitmap: out, count: length, written, answer };
  }

  /** As getAndClear, but fills words [0, ceil(length / 32)) of `out` (caller-owned, reusable); EINVAL if shorter. */
  getAndClearInto(start: number, length: number, out: Uint32Array): CountResult {
    const bad = checkQuery(start, length);
    if (bad !== null) return bad;
    const words = bitmapWords(length);
    if (out.length < words) return dirtyError('EINVAL', `buffer of ${out.length} words is shorter than the ${words} needed`);
    const i = this.exactIndex(start, length);
    if (i < 0) {
      setFirstBits(out, length);
      return { ok: true, count: length, written: 0, answer: 'untracked' };
    }
    const live = this.live[i]!;
    out.set(live);
    live.fill(0);
    const written = countBits(out, words);
    const answer = this.answerFor(i);
    if (typeof answer !== 'string') return answer;
    if (answer === 'log') return { ok: true, count: written, written, answer };
    setFirstBits(out, length);
    return { ok: true, count: length, written, answer };
  }

  /** Marks one page written. O(1) on a repeat hit, O(log ranges) otherwise; pages outside every range are ignored. */
  markPage(pfn: number): void {
    let i = this.lastHit;
    if (i < 0 || pfn < this.starts[i]! || pfn >= this.ends[i]!) {
      i = this.rangeOf(pfn);
      if (i < 0) return;
      this.lastHit = i;
    }
    const off = pfn - this.starts[i]!;
    this.live[i]![off >>> 5] |= 1 << (off & 31);
  }

  /**
   * Marks pages [first, end) written, as markPage on each would, but whole 32-page words of each range's
   * bitmap at a time (a 4K framebuffer row spans 4 pages, a full-screen fill 8100): partial edge words are
   * masked, pages outside every range are ignored.
   */
  markRange(first: number, end: number): void {
    if (end - first === 1) {
      this.markPage(first);
      return;
    }
    let p = first;
    while (p < end) {
      let i = this.lastHit;
      if (i < 0 || p < this.starts[i]! || p >= this.ends[i]!) {
        i = this.rangeOf(p);
        if (i < 0) {
          // Skip to the next range that starts after p (ranges are sorted and disjoint).
          const next = this.firstEndingAfter(p);
          if (next >= this.n) return;
          p = Math.max(p + 1, this.starts[next]!);
          continue;
        }
        this.lastHit = i;
      }
      const stop = Math.min(end, this.ends[i]!);
      setBits(this.live[i]!, p - this.starts[i]!, stop - this.starts[i]!);
      p = stop;
    }
  }

  /**
   * Chains onto `memory.onWrite` (an existing hook still runs first) so every CPU or DMA write marks its page.
   * Returns a function that restores the previous hook if ours is still installed.
   */
  attach(memory: WriteHookSource): () => void {
    const prev = memory.onWrite;
    const hook = prev === undefined ? (pfn: number) => this.markPage(pfn) : (pfn: number) => (prev(pfn), this.markPage(pfn));
    memory.onWrite = hook;
    return () => {
      if (memory.onWrite === hook) memory.onWrite = prev;
    };
  }

  // Called once per query after the log was taken: the first query of a range is 'initial' (or ENODATA).
  private answerFor(i: number): DirtyAnswer | DirtyError {
    if (this.fresh[i] === 0) return 'log';
    this.fresh[i] = 0;
    if (!this.enodata) return 'initial';
    return dirtyError('ENODATA', `first query of ${fmt(this.starts[i]!, this.ends[i]! - this.starts[i]!)}: treat it all as dirty`);
  }

  private rangeOf(pfn: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid]! <= pfn) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    return i >= 0 && pfn < this.ends[i]! ? i : -1;
  }

  private exactIndex(start: number, length: number): number {
    const i = this.rangeOf(start);
    return i >= 0 && this.starts[i] === start && this.ends[i] === start + length ? i : -1;
  }

  private firstEndingAfter(pfn: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! <= pfn) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private removeSpan(lo: number, hi: number): void {
    const k = hi - lo;
    if (k === 0) return;
    for (let i = lo; i < hi; i++) this.total -= this.ends[i]! - this.starts[i]!;
    this.starts.copyWithin(lo, hi, this.n);
    this.ends.copyWithin(lo, hi, this.n);
    this.fresh.copyWithin(lo, hi, this.n);
    this.live.splice(lo, k);
    this.spare.splice(lo, k);
    this.n -= k;
    this.lastHit = -1;
  }

  private insertAt(at: number, start: number, end: number): void {
    const length = end - start;
    this.starts.copyWithin(at + 1, at, this.n);
    this.ends.copyWithin(at + 1, at, this.n);
    this.fresh.copyWithin(at + 1, at, this.n);
    this.starts[at] = start;
    this.ends[at] = end;
    this.fresh[at] = 1;
    // The log starts empty in both modes: the first query's all-dirty answer is made then, so the pages
    // really written before it can still be counted (DirtyCount.written).
    const live = new Uint32Array(bitmapWords(length));
    this.live.splice(at, 0, live);
    this.spare.splice(at, 0, new Uint32Array(live.length));
    this.n++;
    this.total += length;
    this.lastHit = -1;
  }
}

/** Sets bits [from, to) of a bitmap: the edge words masked, the words between them stored whole. */
function setBits(words: Uint32Array, from: number, to: number): void {
  const w0 = from >>> 5;
  const w1 = (to - 1) >>> 5;
  const head = (0xffffffff << (from & 31)) >>> 0;
  const tail = 0xffffffff >>> (31 - ((to - 1) & 31));
  if (w0 === w1) {
    words[w0] |= head & tail;
    return;
  }
  words[w0] |= head;
  if (w1 > w0 + 1) words.fill(0xffffffff, w0 + 1, w1);
  words[w1] |= tail;
}

function checkRange(start: number, length: number): DirtyError | null {
  if (!Number.isInteger(start) || start < 0) return dirtyError('EINVAL', `start ${start} is not a page frame number`);
  if (length > XEN_MAX_TRACKED_FRAMES) {
    return dirtyError('EINVAL', `${length} pages exceed Xen's limit of ${XEN_MAX_TRACKED_FRAMES} (1 GiB) per range`);
  }
  if (start + length > MAX_PFN_EXCLUSIVE) return dirtyError('EINVAL', `${fmt(start, length)} lies past the 52-bit physical space`);
  return null;
}

function checkQuery(start: number, length: number): DirtyError | null {
  if (!Number.isInteger(length) || length < 1) return dirtyError('EINVAL', `query length ${length}: must be at least 1 page`);
  return checkRange(start, length);
}

function fmt(start: number, length: number): string {
  return `pfns 0x${start.toString(16)}+${length}`;
}
