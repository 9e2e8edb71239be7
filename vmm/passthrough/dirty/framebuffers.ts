/**
 * Framebuffers of display front ends (one per monitor) over a DirtyTracker. Monitors come and go at run time:
 * plugging one tracks its pages, unplugging drains its log and stops tracking it (the 2013 patch left
 * unplugged ranges tracked until overlapped, docs/qxl.md §14.2; freeing them keeps the caps usable).
 */
import { PAGE_SHIFT } from '../../../devices/memory/guest-memory.js';
import type { DirtyTracker } from './tracker.js';
import { dirtyError, type CountResult, type SnapshotResult, type TrackResult } from './types.js';

/** A framebuffer in guest-physical bytes; the tracked pages are every page it touches. */
export interface FramebufferSpec {
  readonly id: string;
  readonly base: number;
  readonly size: number;
}

/** One line of the run report: the tracked page span in bytes, [start, end) (end exclusive, as e820), and the pages written. */
export interface FramebufferDirtyReport {
  readonly range: { readonly start: string; readonly end: string };
  readonly pages: number;
}

export interface FramebufferPoll {
  readonly id: string;
  readonly result: SnapshotResult;
}

interface Framebuffer {
  readonly id: string;
  readonly startPfn: number;
  readonly pages: number;
  readonly key: string;
}

export class FramebufferTracker {
  private readonly live = new Map<string, Framebuffer>();
  // Pages written per tracked span, kept after unplug; a monitor plugged again on the same span adds up.
  private readonly written = new Map<string, { startPfn: number; pages: number; count: number }>();

  constructor(readonly tracker: DirtyTracker) {}

  get plugged(): readonly string[] {
    return [...this.live.keys()];
  }

  /**
   * Monitor plugged: tracks its pages. EEXIST if the id is plugged or its pages overlap a plugged
   * framebuffer (tracking it would evict the other's range); tracker refusals pass through unchanged.
   */
  register(fb: FramebufferSpec): TrackResult {
    if (!Number.isSafeInteger(fb.base) || fb.base < 0 || !Number.isSafeInteger(fb.size) || fb.size < 1) {
      return dirtyError('EINVAL', `framebuffer ${fb.id}: base ${fb.base} / size ${fb.size} is not a byte range`);
    }
    if (this.live.has(fb.id)) return dirtyError('EEXIST', `framebuffer ${fb.id} is already plugged`);
    const startPfn = Math.floor(fb.base / 2 ** PAGE_SHIFT);
    const pages = Math.ceil((fb.base + fb.size) / 2 ** PAGE_SHIFT) - startPfn;
    for (const other of this.live.values()) {
      if (startPfn < other.startPfn + other.pages && other.startPfn < startPfn + pages) {
        return dirtyError('EEXIST', `framebuffer ${fb.id} overlaps plugged framebuffer ${other.id}`);
      }
    }
    const r = this.tracker.track(startPfn, pages);
    if (!r.ok) return r;
    const key = `${startPfn}+${pages}`;
    this.live.set(fb.id, { id: fb.id, startPfn, pages, key });
    if (!this.written.has(key)) this.written.set(key, { startPfn, pages, count: 0 });
    return r;
  }

  /** Monitor unplugged: a last query counts what was written since the previous poll, then tracking stops. */
  unregister(id: string): CountResult {
    const fb = this.live.get(id);
    if (fb === undefined) return dirtyError('ENOENT', `framebuffer ${id} is not plugged`);
    const last = this.query(fb);
    this.live.delete(id);
    // ENOENT here means another user of the tracker already evicted the range: nothing left to stop.
    this.tracker.untrack(fb.startPfn, fb.pages);
    return last.ok ? { ok: true, count: last.count, written: last.written, answer: last.answer } : last;
  }

  /** One display refresh: get-and-clear every plugged framebuffer, in plug order. */
  poll(): FramebufferPoll[] {
    const out: FramebufferPoll[] = [];
    for (const fb of this.live.values()) out.push({ id: fb.id, result: this.query(fb) });
    return out;
  }

  /**
   * Pages written per framebuffer span while plugged, summed over polls and sorted by address. Only the write
   * log counts (DirtyCount.written): conservative all-dirty answers ask for a repaint but are not writes.
   */
  pagesDirtied(): FramebufferDirtyReport[] {
    return [...this.written.values()]
      .sort((a, b) => a.startPfn - b.startPfn || a.pages - b.pages)
      .map((w) => ({
        range: { start: hexPage(w.startPfn), end: hexPage(w.startPfn + w.pages) },
        pages: w.count,
      }));
  }

  private query(fb: Framebuffer): SnapshotResult {
    const r = this.tracker.getAndClear(fb.startPfn, fb.pages);
    if (r.ok) this.written.get(fb.key)!.count += r.written;
    return r;
  }
}

function hexPage(pfn: number): string {
  return '0x' + (pfn * 2 ** PAGE_SHIFT).toString(16);
}
