import { describe, expect, it } from 'vitest';
import { DirtyTracker, testBit } from '../../vmm/passthrough/dirty/index.js';

function bits(words: Uint32Array, pages: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < pages; i++) if (testBit(words, i)) out.push(i);
  return out;
}

describe('DirtyTracker query semantics (docs/qxl.md §14.1 HAP, docs/qxl.md §14.2)', () => {
  it('answers all pages dirty on the first query of a newly tracked range', () => {
    const t = new DirtyTracker();
    expect(t.track(0x100, 40)).toEqual({ ok: true, created: true, evicted: [] });
    const r = t.getAndClear(0x100, 40);
    expect(r).toMatchObject({ ok: true, count: 40, answer: 'initial' });
    if (!r.ok) return;
    expect(Array.from(r.bitmap)).toEqual([0xffffffff, 0xff]);
  });

  it('still counts the pages really written under the first all-dirty answer (written)', () => {
    const t = new DirtyTracker();
    t.track(0x100, 40);
    t.markPage(0x101);
    t.markPage(0x102);
    expect(t.getAndClear(0x100, 40)).toMatchObject({ ok: true, count: 40, written: 2, answer: 'initial' });
    expect(t.getAndClear(0x100, 40)).toMatchObject({ ok: true, count: 0, written: 0, answer: 'log' });
  });

  it('returns exactly the pages written since the previous query, then clears them', () => {
    const t = new DirtyTracker();
    t.track(0x100, 40);
    t.getAndClear(0x100, 40);
    t.markPage(0x100);
    t.markPage(0x105);
    t.markPage(0x105);
    t.markPage(0x127);
    const r = t.getAndClear(0x100, 40);
    expect(r).toMatchObject({ ok: true, count: 3, answer: 'log' });
    if (r.ok) expect(bits(r.bitmap, 40)).toEqual([0, 5, 39]);
    expect(t.getAndClear(0x100, 40)).toMatchObject({ ok: true, count: 0, answer: 'log' });
  });

  it('ignores writes to pages outside every tracked range', () => {
    const t = new DirtyTracker();
    t.track(0x100, 8);
    t.getAndClear(0x100, 8);
    t.markPage(0xff);
    t.markPage(0x108);
    expect(t.getAndClear(0x100, 8)).toMatchObject({ count: 0, answer: 'log' });
  });

  it('keeps bits past the range length at 0 (padding of the last word)', () => {
    const t = new DirtyTracker();
    t.track(0, 33);
    const r = t.getAndClear(0, 33);
    if (r.ok) expect(Array.from(r.bitmap)).toEqual([0xffffffff, 0x1]);
  });

  it('answers all dirty, never clean, for a range that was never tracked', () => {
    const t = new DirtyTracker();
    const r = t.getAndClear(0x2000, 10);
    expect(r).toMatchObject({ ok: true, count: 10, written: 0, answer: 'untracked' });
    if (r.ok) expect(Array.from(r.bitmap)).toEqual([0x3ff]);
    expect(t.rangeCount).toBe(0);
  });

  it('answers all dirty for a part of a tracked range and leaves its log untouched (exact-match lookup, docs/qxl.md §14.2)', () => {
    const t = new DirtyTracker();
    t.track(0x100, 64);
    t.getAndClear(0x100, 64);
    t.markPage(0x110);
    expect(t.getAndClear(0x110, 4)).toMatchObject({ ok: true, count: 4, answer: 'untracked' });
    expect(t.getAndClear(0x100, 65)).toMatchObject({ ok: true, count: 65, answer: 'untracked' });
    expect(t.getAndClear(0xf0, 32)).toMatchObject({ ok: true, count: 32, answer: 'untracked' });
    const whole = t.getAndClear(0x100, 64);
    expect(whole).toMatchObject({ count: 1, answer: 'log' });
    if (whole.ok) expect(bits(whole.bitmap, 64)).toEqual([0x10]);
  });

  it('answers all dirty for a query straddling two tracked ranges', () => {
    const t = new DirtyTracker();
    t.track(0x100, 16);
    t.track(0x110, 16);
    t.getAndClear(0x100, 16);
    t.getAndClear(0x110, 16);
    expect(t.getAndClear(0x100, 32)).toMatchObject({ count: 32, answer: 'untracked' });
  });

  it('keeps a separate log per range', () => {
    const t = new DirtyTracker();
    t.track(0x1000, 100);
    t.track(0x10, 20);
    t.track(0x500, 3);
    for (const [s, n] of [[0x1000, 100], [0x10, 20], [0x500, 3]] as const) t.getAndClear(s, n);
    t.markPage(0x1063);
    t.markPage(0x11);
    t.markPage(0x1001);
    expect(t.getAndClear(0x1000, 100)).toMatchObject({ count: 2 });
    expect(t.getAndClear(0x10, 20)).toMatchObject({ count: 1 });
    expect(t.getAndClear(0x500, 3)).toMatchObject({ count: 0 });
    expect(t.ranges()).toEqual([
      { start: 0x10, length: 20 },
      { start: 0x500, length: 3 },
      { start: 0x1000, length: 100 },
    ]);
  });

  it('replaces every tracked range a new range overlaps; the evicted ones then answer all dirty', () => {
    const t = new DirtyTracker();
    t.track(0x100, 16);
    t.track(0x110, 16);
    t.track(0x200, 16);
    const r = t.track(0x108, 16);
    expect(r).toEqual({ ok: true, created: true, evicted: [{ start: 0x100, length: 16 }, { start: 0x110, length: 16 }] });
    expect(t.ranges()).toEqual([{ start: 0x108, length: 16 }, { start: 0x200, length: 16 }]);
    expect(t.trackedPages).toBe(32);
    expect(t.getAndClear(0x100, 16)).toMatchObject({ count: 16, answer: 'untracked' });
    expect(t.getAndClear(0x108, 16)).toMatchObject({ count: 16, answer: 'initial' });
  });

  it('replaces a range with a shorter one at the same start', () => {
    const t = new DirtyTracker();
    t.track(0x100, 16);
    expect(t.track(0x100, 8)).toMatchObject({ created: true, evicted: [{ start: 0x100, length: 16 }] });
    expect(t.ranges()).toEqual([{ start: 0x100, length: 8 }]);
  });

  it('treats tracking the same range again as a no-op that keeps its log', () => {
    const t = new DirtyTracker();
    t.track(0x100, 16);
    t.getAndClear(0x100, 16);
    t.markPage(0x101);
    expect(t.track(0x100, 16)).toEqual({ ok: true, created: false, evicted: [] });
    expect(t.getAndClear(0x100, 16)).toMatchObject({ count: 1, answer: 'log' });
  });

  it('stops all tracking on length 0, whatever the start, and answers all dirty afterwards', () => {
    const t = new DirtyTracker();
    t.track(0x100, 16);
    t.track(0x300, 4);
    expect(t.track(0xdead, 0)).toEqual({
      ok: true,
      created: false,
      evicted: [{ start: 0x100, length: 16 }, { start: 0x300, length: 4 }],
    });
    expect(t.rangeCount).toBe(0);
    expect(t.trackedPages).toBe(0);
    t.markPage(0x100);
    expect(t.getAndClear(0x100, 16)).toMatchObject({ count: 16, answer: 'untracked' });
  });

  it('starts afresh (all dirty first) when a stopped range is tracked again', () => {
    const t = new DirtyTracker();
    t.track(0x100, 16);
    t.getAndClear(0x100, 16);
    t.track(0, 0);
    t.track(0x100, 16);
    expect(t.getAndClear(0x100, 16)).toMatchObject({ count: 16, answer: 'initial' });
  });

  it('untracks one exact range and refuses an unknown one with ENOENT', () => {
    const t = new DirtyTracker();
    t.track(0x100, 16);
    t.track(0x200, 16);
    expect(t.untrack(0x100, 8)).toMatchObject({ ok: false, code: 'ENOENT' });
    expect(t.untrack(0x100, 16)).toMatchObject({ ok: true, evicted: [{ start: 0x100, length: 16 }] });
    expect(t.ranges()).toEqual([{ start: 0x200, length: 16 }]);
  });

  it('reuses two buffers per range: a returned bitmap stays valid until the next query of that range', () => {
    const t = new DirtyTracker();
    t.track(0, 64);
    const a = t.getAndClear(0, 64);
    t.markPage(3);
    const b = t.getAndClear(0, 64);
    const c = t.getAndClear(0, 64);
    if (!a.ok || !b.ok || !c.ok) throw new Error('query failed');
    expect(c.bitmap).toBe(a.bitmap);
    expect(b.bitmap).not.toBe(a.bitmap);
    expect(Array.from(c.bitmap)).toEqual([0, 0]);
  });

  it('fills a caller buffer with getAndClearInto and refuses a short one with EINVAL', () => {
    const t = new DirtyTracker();
    t.track(0x40, 40);
    const out = new Uint32Array(4).fill(0xaaaaaaaa);
    expect(t.getAndClearInto(0x40, 40, new Uint32Array(1))).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(t.getAndClearInto(0x40, 40, out)).toEqual({ ok: true, count: 40, written: 0, answer: 'initial' });
    expect(Array.from(out)).toEqual([0xffffffff, 0xff, 0xaaaaaaaa, 0xaaaaaaaa]);
    t.markPage(0x40 + 33);
    expect(t.getAndClearInto(0x40, 40, out)).toEqual({ ok: true, count: 1, written: 1, answer: 'log' });
    expect(Array.from(out.subarray(0, 2))).toEqual([0, 2]);
    expect(t.getAndClearInto(0x90, 3, out)).toEqual({ ok: true, count: 3, written: 0, answer: 'untracked' });
    expect(out[0]).toBe(0x7);
  });

  it('refuses a query of length 0 (only track() gives length 0 a meaning)', () => {
    expect(new DirtyTracker().getAndClear(0, 0)).toMatchObject({ ok: false, code: 'EINVAL' });
  });
});

describe("DirtyTracker in 'enodata' mode (Xen shadow paging, docs/qxl.md §14.1)", () => {
  it('answers ENODATA on the first query, then the pages written after it', () => {
    const t = new DirtyTracker({ firstQuery: 'enodata' });
    t.track(0x100, 16);
    t.markPage(0x101);
    expect(t.getAndClear(0x100, 16)).toMatchObject({ ok: false, code: 'ENODATA' });
    expect(t.getAndClear(0x100, 16)).toMatchObject({ ok: true, count: 0, answer: 'log' });
    t.markPage(0x10f);
    expect(t.getAndClear(0x100, 16)).toMatchObject({ ok: true, count: 1, answer: 'log' });
  });
});
