/**
 * Facts, limits and result shapes of the dirty-VRAM layer. Units: every range is (first pfn, number of
 * pages), as in Xen's track_dirty_vram(first_pfn, nr); a pfn is a guest-physical address >> 12.
 */

// docs/qxl.md §14.1 and §5; Xen xen/arch/x86/hvm/dm.c: nr > 1 GiB / 4 KiB is refused (-EINVAL).
export const XEN_MAX_TRACKED_FRAMES = 262144;

// Guest-physical addresses are at most 52 bits on x86, so no pfn reaches 2^40 (and all fit a double exactly).
export const MAX_PFN_EXCLUSIVE = 2 ** 40;

/** Defaults for the VMM's own caps (not Xen's: upstream tracks one range, docs/qxl.md §14.1, §14.2). */
export const DEFAULT_MAX_RANGES = 64;
// 4 GiB of framebuffers; bookkeeping is 2 bits a page (two bitmaps), so 256 KiB of host memory at the cap.
export const DEFAULT_MAX_TOTAL_PAGES = 4 * XEN_MAX_TRACKED_FRAMES;

/**
 * - EINVAL: bad arguments (negative or fractional pfn, range past 2^40, nr over 262144 as Xen dm.c,
 *   output buffer shorter than the bitmap, a query of length 0).
 * - ENOSPC: the cap on the number of tracked ranges would be exceeded.
 * - E2BIG: the cap on the total number of tracked pages would be exceeded.
 * - ENODATA: first query of a range in 'enodata' mode (Xen shadow paging, docs/qxl.md §14.1):
 *   "could not track this time"; the caller must treat the whole range as dirty.
 * - ENOENT: the named range or framebuffer is not tracked (untrack/unregister only).
 * - EEXIST: a framebuffer overlaps one already registered, or its id is taken.
 */
export type DirtyErrorCode = 'EINVAL' | 'ENOSPC' | 'E2BIG' | 'ENODATA' | 'ENOENT' | 'EEXIST';

export interface DirtyError {
  readonly ok: false;
  readonly code: DirtyErrorCode;
  readonly message: string;
}

/** A tracked range, in pages: [start, start + length). */
export interface PfnRange {
  readonly start: number;
  readonly length: number;
}

export interface TrackOk {
  readonly ok: true;
  /** False when exactly this range was already tracked (then nothing changed, its log is kept). */
  readonly created: boolean;
  /** Ranges dropped: overlapped by the new range, or all of them for length 0. Their next query answers all-dirty. */
  readonly evicted: readonly PfnRange[];
}

/**
 * Where an answer came from:
 * - 'log': the range is tracked exactly; set bits are the pages written since the previous query.
 * - 'initial': first query since the range was tracked; every page reads dirty (Xen HAP, docs/qxl.md §14.1).
 * - 'untracked': the query does not name exactly one tracked range (not tracked at all, a part of one,
 *   or straddling several); every page reads dirty and no log is consumed (Xen's exact-match lookup, docs/qxl.md §14.2).
 */
export type DirtyAnswer = 'log' | 'initial' | 'untracked';

export interface DirtyCount {
  readonly ok: true;
  /** Number of set bits, i.e. pages reported dirty (bits past `length` are always 0). */
  readonly count: number;
  /**
   * Pages of the write log this query consumed: equal to count for 'log'; for 'initial', the pages really
   * written since the range was tracked (hidden under the all-dirty answer); 0 for 'untracked'.
   */
  readonly written: number;
  readonly answer: DirtyAnswer;
}

export interface DirtySnapshot extends DirtyCount {
  /**
   * Bit (i & 31) of word (i >>> 5) is page start + i (LSB first; viewed as bytes on a little-endian host this
   * is Xen's byte bitmap). Owned by the tracker: valid until the next getAndClear of the same range.
   */
  readonly bitmap: Uint32Array;
}

export type TrackResult = TrackOk | DirtyError;
export type SnapshotResult = DirtySnapshot | DirtyError;
export type CountResult = DirtyCount | DirtyError;

export interface DirtyTrackerOptions {
  /** Cap on the number of ranges tracked at once. Default 64. */
  readonly maxRanges?: number;
  /** Cap on the pages of all tracked ranges together. Default 1048576 (4 GiB). */
  readonly maxTotalPages?: number;
  /**
   * What the first query of a new range answers: 'all-dirty' (Xen HAP, default) or 'enodata' (Xen shadow:
   * an ENODATA error, the log restarting empty). docs/qxl.md §14.3.
   */
  readonly firstQuery?: 'all-dirty' | 'enodata';
}

/** The one thing attach() needs from guest memory: GuestMemory's per-page write hook. */
export interface WriteHookSource {
  onWrite: ((pfn: number) => void) | undefined;
}

export function dirtyError(code: DirtyErrorCode, message: string): DirtyError {
  return { ok: false, code, message };
}
