import { describe, expect, it } from 'vitest';
import { DirtyTracker, trackDirtyVram } from '../../vmm/passthrough/dirty/index.js';

describe('trackDirtyVram: the Xen hypercall contract (docs/qxl.md §14.1 HAP table)', () => {
  it('answers all 0xff for a range not tracked yet, then the pages written since, then stops on nr = 0', () => {
    const t = new DirtyTracker();
    const bm = new Uint32Array(2);
    expect(trackDirtyVram(t, 0xf0000, 40, bm)).toEqual({ ok: true, count: 40, written: 0, answer: 'initial' });
    expect(Array.from(bm)).toEqual([0xffffffff, 0xff]);
    t.markPage(0xf0001);
    expect(trackDirtyVram(t, 0xf0000, 40, bm)).toEqual({ ok: true, count: 1, written: 1, answer: 'log' });
    expect(bm[0]).toBe(0x2);
    expect(trackDirtyVram(t, 0, 0, bm)).toEqual({ ok: true, stopped: true });
    expect(t.rangeCount).toBe(0);
  });

  it('retargets on a different overlapping range: the old range is evicted and the new one answers all dirty', () => {
    const t = new DirtyTracker();
    const bm = new Uint32Array(1);
    trackDirtyVram(t, 0x100, 16, bm);
    expect(trackDirtyVram(t, 0x108, 16, bm)).toMatchObject({ count: 16, answer: 'initial' });
    expect(t.ranges()).toEqual([{ start: 0x108, length: 16 }]);
  });

  it('answers ENODATA first in shadow mode', () => {
    const t = new DirtyTracker({ firstQuery: 'enodata' });
    expect(trackDirtyVram(t, 0x100, 16, new Uint32Array(1))).toMatchObject({ ok: false, code: 'ENODATA' });
  });

  it('refuses nr > 262144 and a short bitmap with EINVAL before touching the tracked range', () => {
    const t = new DirtyTracker();
    trackDirtyVram(t, 0x100, 16, new Uint32Array(1));
    expect(trackDirtyVram(t, 0, 262145, new Uint32Array(8193))).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(trackDirtyVram(t, 0x100, 64, new Uint32Array(1))).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(t.ranges()).toEqual([{ start: 0x100, length: 16 }]);
  });
});
