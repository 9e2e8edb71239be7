/**
 * Xen's track_dirty_vram as one call (HVMOP 6 / XEN_DMOP 7), over the multi-range tracker, for callers that
 * want the hypercall's contract rather than the split track/query API. docs/qxl.md §14.1 (HAP table):
 * - nr == 0 stops tracking (all ranges here, as the 2013 multi-framebuffer patch, docs/qxl.md §14.2);
 * - a range not tracked yet becomes tracked (evicting ranges it overlaps) and answers all-dirty
 *   (or ENODATA when the tracker runs in shadow mode);
 * - the tracked range answers the pages written since the last call, and clears them.
 */
import { bitmapWords } from './bitmap.js';
import type { DirtyTracker } from './tracker.js';
import { dirtyError, type CountResult, type DirtyError } from './types.js';

export interface TrackingStopped {
  readonly ok: true;
  readonly stopped: true;
}

export function trackDirtyVram(
  tracker: DirtyTracker,
  firstPfn: number,
  nr: number,
  bitmap: Uint32Array,
): CountResult | TrackingStopped | DirtyError {
  // Xen dm.c checks the buffer before dispatching, so a short buffer must not retarget tracking.
  if (nr > 0 && bitmap.length < bitmapWords(nr)) return dirtyError('EINVAL', `bitmap of ${bitmap.length} words is too short for ${nr} pages`);
  const t = tracker.track(firstPfn, nr);
  if (!t.ok) return t;
  if (nr === 0) return { ok: true, stopped: true };
  return tracker.getAndClearInto(firstPfn, nr, bitmap);
}
