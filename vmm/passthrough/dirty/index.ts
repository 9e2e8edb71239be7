/** Dirty-VRAM tracking of several framebuffers: semantics in the README (Dirty-VRAM tracking) and docs/qxl.md. */
export { DirtyTracker } from './tracker.js';
export { FramebufferTracker } from './framebuffers.js';
export type { FramebufferSpec, FramebufferDirtyReport, FramebufferPoll } from './framebuffers.js';
export { trackDirtyVram } from './xen.js';
export type { TrackingStopped } from './xen.js';
export { bitmapWords, countBits, testBit } from './bitmap.js';
export {
  XEN_MAX_TRACKED_FRAMES,
  DEFAULT_MAX_RANGES,
  DEFAULT_MAX_TOTAL_PAGES,
  MAX_PFN_EXCLUSIVE,
} from './types.js';
export type {
  CountResult,
  DirtyAnswer,
  DirtyCount,
  DirtyError,
  DirtyErrorCode,
  DirtySnapshot,
  DirtyTrackerOptions,
  PfnRange,
  SnapshotResult,
  TrackOk,
  TrackResult,
  WriteHookSource,
} from './types.js';
