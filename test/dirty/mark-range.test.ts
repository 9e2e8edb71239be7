import { describe, expect, it } from 'vitest';
import { DirtyTracker, testBit } from '../../vmm/passthrough/dirty/index.js';

function bits(words: Uint32Array, pages: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < pages; i++) if (testBit(words, i)) out.push(i);
  return out;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

describe('DirtyTracker.markRange: whole bitmap words at a time', () => {
  it('marks exactly [first, end) inside one range: masked edge words, whole words between', () => {
    const t = new DirtyTracker();
    t.track(0x1000, 200);
    t.getAndClear(0x1000, 200); // the first answer is all-dirty; the log starts here
    t.markRange(0x1000 + 5, 0x1000 + 101); // words 0..3: bits 5..31, 32..95 whole, 96..100
    const r = t.getAndClear(0x1000, 200);
    expect(r.ok && Array.from(r.bitmap.subarray(0, 5))).toEqual([0xffffffe0, 0xffffffff, 0xffffffff, 0x1f, 0]);
    expect(r).toMatchObject({ count: 96, answer: 'log' });
  });

  it('within one word, and one page, mark the same bits markPage would', () => {
    const t = new DirtyTracker();
    t.track(64, 64);
    t.getAndClear(64, 64);
    t.markRange(64 + 33, 64 + 36);
    t.markRange(64 + 63, 64 + 64);
    t.markRange(64 + 0, 64 + 1);
    const r = t.getAndClear(64, 64);
    expect(r.ok && bits(r.bitmap, 64)).toEqual([0, 33, 34, 35, 63]);
  });

  it('clips to every tracked range it crosses and ignores the pages between and around them', () => {
    const t = new DirtyTracker();
    t.track(100, 10);
    t.track(120, 40);
    t.track(300, 5);
    for (const [s, n] of [[100, 10], [120, 40], [300, 5]] as const) t.getAndClear(s, n);
    t.markRange(95, 130); // 100..109 and 120..129
    t.markRange(158, 400); // 158..159 and 300..304
    const a = t.getAndClear(100, 10);
    const b = t.getAndClear(120, 40);
    const c = t.getAndClear(300, 5);
    expect(a.ok && bits(a.bitmap, 10)).toEqual(range(0, 10));
    expect(b.ok && bits(b.bitmap, 40)).toEqual([...range(0, 10), 38, 39]);
    expect(c.ok && bits(c.bitmap, 5)).toEqual(range(0, 5));
  });

  it('agrees with markPage page by page on every span over two ranges and a gap', () => {
    for (let first = 0; first < 90; first += 7) {
      for (let end = first + 1; end <= 96; end += 5) {
        const a = new DirtyTracker();
        const b = new DirtyTracker();
        for (const t of [a, b]) {
          t.track(10, 37);
          t.track(50, 40);
          t.getAndClear(10, 37);
          t.getAndClear(50, 40);
        }
        a.markRange(first, end);
        for (let p = first; p < end; p++) b.markPage(p);
        for (const [s, n] of [[10, 37], [50, 40]] as const) {
          const x = a.getAndClear(s, n);
          const y = b.getAndClear(s, n);
          expect(x.ok && Array.from(x.bitmap)).toEqual(y.ok && Array.from(y.bitmap));
        }
      }
    }
  });
});
