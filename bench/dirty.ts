/**
 * Dirty-tracking hot paths on one 3840x2160x4 framebuffer (33177600 bytes = 8100 pages): marking every page,
 * then get-and-clear of the whole range with every bit set (the worst case a display refresh meets).
 */
import { DirtyTracker } from '../vmm/passthrough/dirty/index.js';

const FB_PAGES = (3840 * 2160 * 4) / 4096;
const FB_PFN = 0x80000; // 2 GiB, a typical 32-bit BAR window address
const WARMUP = 200;
const ITERATIONS = 2000;

export function benchDirty(): { getClearUs: number; markPerS: number } {
  const t = new DirtyTracker();
  const r = t.track(FB_PFN, FB_PAGES);
  if (!r.ok) throw new Error(r.message);
  t.getAndClear(FB_PFN, FB_PAGES); // consume the initial all-dirty answer
  const clearNs: number[] = [];
  let markNs = 0n;
  let sink = 0;
  for (let it = 0; it < WARMUP + ITERATIONS; it++) {
    const m0 = process.hrtime.bigint();
    for (let p = FB_PFN; p < FB_PFN + FB_PAGES; p++) t.markPage(p);
    const c0 = process.hrtime.bigint();
    const q = t.getAndClear(FB_PFN, FB_PAGES);
    const c1 = process.hrtime.bigint();
    if (!q.ok || q.count !== FB_PAGES) throw new Error('benchDirty: get-and-clear did not see every page');
    sink += q.count;
    if (it >= WARMUP) {
      markNs += c0 - m0;
      clearNs.push(Number(c1 - c0));
    }
  }
  clearNs.sort((a, b) => a - b);
  const median = clearNs[clearNs.length >> 1]!;
  if (sink === 0) throw new Error('unreachable');
  return {
    getClearUs: Math.round(median / 10) / 100,
    markPerS: Math.round((ITERATIONS * FB_PAGES) / (Number(markNs) / 1e9)),
  };
}
