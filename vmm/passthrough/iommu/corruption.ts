/**
 * Corruption detection: each source may be given a set of guest-RAM ranges (what its driver handed
 * it). A translated DMA landing in a 'ram' mapping outside them is recorded; hits from one source with
 * one access kind that touch or overlap coalesce into a single [start, end) range. Reads and writes
 * are kept apart so a report can tell a leak from a scribble.
 */
import { formatBdf } from './format.js';
import type { CorruptionEvent } from './types.js';

/** Sorted, disjoint, non-adjacent [start, end) ranges. */
class RangeSet {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  private last = -1;

  add(s: number, e: number): void {
    const L = this.last;
    // Sequential DMA keeps extending the same range: stay O(1) while it does not reach a neighbour.
    if (L >= 0 && s <= this.ends[L]! && e >= this.starts[L]!) {
      const nextStart = L + 1 < this.starts.length ? this.starts[L + 1]! : Infinity;
      const prevEnd = L > 0 ? this.ends[L - 1]! : -Infinity;
      if (e < nextStart && s > prevEnd) {
        if (s < this.starts[L]!) this.starts[L] = s;
        if (e > this.ends[L]!) this.ends[L] = e;
        return;
      }
    }
    // First range whose end reaches s.
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! < s) lo = mid + 1;
      else hi = mid;
    }
    let j = lo;
    let ns = s;
    let ne = e;
    while (j < this.starts.length && this.starts[j]! <= e) {
      ns = Math.min(ns, this.starts[j]!);
      ne = Math.max(ne, this.ends[j]!);
      j++;
    }
    this.starts.splice(lo, j - lo, ns);
    this.ends.splice(lo, j - lo, ne);
    this.last = lo;
  }
}

export interface GivenRange {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export class CorruptionDetector {
  /** 1 for sources with given ranges: the translation hot path tests this before calling check(). */
  readonly watched = new Uint8Array(65536);
  /** How many sources are watched: 0 lets the translation hit path skip the per-source test (one field load). */
  watchedCount = 0;
  /** Raw out-of-range DMA accesses seen (before coalescing). */
  hits = 0;
  private readonly given = new Map<number, Float64Array>();
  private readonly lastGiven = new Int32Array(65536);
  private readonly sets = new Map<number, RangeSet>();

  /** Sets (or with null clears) the guest-RAM ranges a source may touch. Ranges are merged. */
  setGiven(sourceId: number, ranges: readonly GivenRange[] | null): void {
    const sid = sourceId & 0xffff;
    if (ranges === null) {
      this.given.delete(sid);
      this.watchedCount -= this.watched[sid]!;
      this.watched[sid] = 0;
      return;
    }
    const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
    const flat: number[] = [];
    for (const r of sorted) {
      const n = flat.length;
      if (n > 0 && r.start <= flat[n - 1]!) flat[n - 1] = Math.max(flat[n - 1]!, r.end);
      else flat.push(r.start, r.end);
    }
    this.given.set(sid, Float64Array.from(flat));
    this.lastGiven[sid] = 0;
    this.watchedCount += 1 - this.watched[sid]!;
    this.watched[sid] = 1;
  }

  givenRanges(sourceId: number): GivenRange[] | null {
    const g = this.given.get(sourceId & 0xffff);
    if (g === undefined) return null;
    const out: GivenRange[] = [];
    for (let i = 0; i < g.length; i += 2) out.push({ start: g[i]!, end: g[i + 1]! });
    return out;
  }

  /** A DMA of [addr, addr + len) into guest RAM by a watched source. */
  check(sourceId: number, addr: number, len: number, write: boolean): void {
    const g = this.given.get(sourceId)!;
    const end = addr + len;
    const k = this.lastGiven[sourceId]! * 2;
    if (k < g.length && g[k]! <= addr && end <= g[k + 1]!) return;
    // Last range starting at or before addr.
    let lo = 0;
    let hi = g.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (g[mid * 2]! <= addr) lo = mid + 1;
      else hi = mid;
    }
    let i = lo - 1;
    if (i >= 0 && end <= g[i * 2 + 1]!) {
      this.lastGiven[sourceId] = i;
      return;
    }
    // Record the parts of [addr, end) outside every given range.
    let pos = addr;
    if (i < 0) i = 0;
    for (; i * 2 < g.length && pos < end; i++) {
      const gs = g[i * 2]!;
      const ge = g[i * 2 + 1]!;
      if (ge <= pos) continue;
      if (gs >= end) break;
      if (gs > pos) this.record(sourceId, pos, gs, write);
      pos = Math.max(pos, ge);
    }
    if (pos < end) this.record(sourceId, pos, end, write);
  }

  private record(sourceId: number, start: number, end: number, write: boolean): void {
    this.hits++;
    const key = sourceId * 2 + (write ? 1 : 0);
    let set = this.sets.get(key);
    if (set === undefined) {
      set = new RangeSet();
      this.sets.set(key, set);
    }
    set.add(start, end);
  }

  /** Coalesced events ordered by source, then reads before writes, then address. */
  events(): CorruptionEvent[] {
    const out: CorruptionEvent[] = [];
    for (const key of [...this.sets.keys()].sort((a, b) => a - b)) {
      const set = this.sets.get(key)!;
      const sourceId = key >> 1;
      const access = (key & 1) !== 0 ? 'write' : 'read';
      for (let i = 0; i < set.starts.length; i++) {
        out.push({ sourceId, source: formatBdf(sourceId), start: set.starts[i]!, end: set.ends[i]!, access });
      }
    }
    return out;
  }

  clearEvents(): void {
    this.sets.clear();
    this.hits = 0;
  }
}
