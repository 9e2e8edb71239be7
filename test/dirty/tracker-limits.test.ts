import { describe, expect, it } from 'vitest';
import { DirtyTracker, XEN_MAX_TRACKED_FRAMES } from '../../vmm/passthrough/dirty/index.js';

describe('DirtyTracker limits', () => {
  it("uses Xen's per-range limit of 262144 frames (1 GiB), docs/qxl.md §14.1 and §5", () => {
    expect(XEN_MAX_TRACKED_FRAMES).toBe(262144);
  });

  it('tracks a range of exactly 262144 pages and refuses 262145 with EINVAL, as Xen dm.c', () => {
    const t = new DirtyTracker();
    expect(t.track(0, 262144)).toMatchObject({ ok: true, created: true });
    const r = t.track(0x100000, 262145);
    expect(r).toMatchObject({ ok: false, code: 'EINVAL' });
    if (!r.ok) expect(r.message).toContain('262144');
    expect(t.ranges()).toEqual([{ start: 0, length: 262144 }]);
  });

  it('refuses a query longer than 262144 pages with EINVAL', () => {
    expect(new DirtyTracker().getAndClear(0, 262145)).toMatchObject({ ok: false, code: 'EINVAL' });
  });

  it('refuses a range past the cap on the number of ranges with ENOSPC and keeps the others tracked', () => {
    const t = new DirtyTracker({ maxRanges: 2 });
    t.track(0x100, 4);
    t.track(0x200, 4);
    t.getAndClear(0x100, 4);
    t.markPage(0x101);
    expect(t.track(0x300, 4)).toMatchObject({ ok: false, code: 'ENOSPC' });
    expect(t.ranges()).toEqual([{ start: 0x100, length: 4 }, { start: 0x200, length: 4 }]);
    expect(t.getAndClear(0x100, 4)).toMatchObject({ count: 1, answer: 'log' });
    expect(t.getAndClear(0x300, 4)).toMatchObject({ count: 4, answer: 'untracked' });
  });

  it('refuses a range past the cap on total tracked pages with E2BIG and changes nothing', () => {
    const t = new DirtyTracker({ maxTotalPages: 100 });
    t.track(0, 60);
    const r = t.track(0x1000, 41);
    expect(r).toMatchObject({ ok: false, code: 'E2BIG' });
    if (!r.ok) expect(r.message).toContain('100');
    expect(t.trackedPages).toBe(60);
    expect(t.track(0x1000, 40)).toMatchObject({ ok: true });
    expect(t.trackedPages).toBe(100);
  });

  it('counts the ranges a replacement evicts as freed when checking the caps', () => {
    const t = new DirtyTracker({ maxRanges: 2, maxTotalPages: 100 });
    t.track(0, 50);
    t.track(0x100, 50);
    // Three ranges' worth of pages, but the overlapped one is freed: 2 ranges, 100 pages.
    expect(t.track(0x120, 50)).toMatchObject({ ok: true, evicted: [{ start: 0x100, length: 50 }] });
    expect(t.track(0x20, 51)).toMatchObject({ ok: false, code: 'E2BIG' });
    expect(t.track(0x20, 50)).toMatchObject({ ok: true, evicted: [{ start: 0, length: 50 }] });
    expect(t.ranges()).toEqual([{ start: 0x20, length: 50 }, { start: 0x120, length: 50 }]);
  });

  it('does not evict overlapped ranges when the replacement itself is refused', () => {
    const t = new DirtyTracker({ maxTotalPages: 64 });
    t.track(0x100, 16);
    expect(t.track(0x108, 65)).toMatchObject({ ok: false, code: 'E2BIG' });
    expect(t.ranges()).toEqual([{ start: 0x100, length: 16 }]);
  });

  it('refuses negative, fractional and beyond-52-bit ranges with EINVAL', () => {
    const t = new DirtyTracker();
    expect(t.track(-1, 4)).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(t.track(1.5, 4)).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(t.track(0, -4)).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(t.track(2 ** 40 - 2, 4)).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(t.track(2 ** 40 - 4, 4)).toMatchObject({ ok: true });
  });

  it('rejects nonsensical caps at construction (a programming error)', () => {
    expect(() => new DirtyTracker({ maxRanges: 0 })).toThrow(RangeError);
    expect(() => new DirtyTracker({ maxTotalPages: 1.5 })).toThrow(RangeError);
  });
});
