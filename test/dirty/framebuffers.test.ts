import { describe, expect, it } from 'vitest';
import { DirtyTracker, FramebufferTracker } from '../../vmm/passthrough/dirty/index.js';
import { GuestMemory } from '../../devices/memory/guest-memory.js';

// 1920x1080x4 = 8294400 bytes = 2025 pages; 3840x2160x4 = 33177600 bytes = 8100 pages.
const FB_A = { id: 'monitor-0', base: 0x8000_0000, size: 1920 * 1080 * 4 };
const FB_B = { id: 'monitor-1', base: 0x8400_0000, size: 3840 * 2160 * 4 };

function machine(): { mem: GuestMemory; tracker: DirtyTracker; fbs: FramebufferTracker } {
  const mem = new GuestMemory();
  const tracker = new DirtyTracker();
  tracker.attach(mem);
  return { mem, tracker, fbs: new FramebufferTracker(tracker) };
}

describe('FramebufferTracker', () => {
  it('tracks every page a framebuffer touches, rounding its byte range out to pages', () => {
    const { tracker, fbs } = machine();
    fbs.register({ id: 'odd', base: 0x1000_0800, size: 0x1000 });
    expect(tracker.ranges()).toEqual([{ start: 0x10000, length: 2 }]);
    expect(fbs.pagesDirtied()).toEqual([{ range: { start: '0x10000000', end: '0x10002000' }, pages: 0 }]);
  });

  it('follows a monitor plugged and another unplugged mid-run, counting pages written per framebuffer', () => {
    const { mem, tracker, fbs } = machine();
    expect(fbs.register(FB_A)).toMatchObject({ ok: true, created: true });
    const first = fbs.poll();
    expect(first).toHaveLength(1);
    expect(first[0]!.result).toMatchObject({ ok: true, count: 2025, written: 0, answer: 'initial' });

    for (let i = 0; i < 3; i++) mem.write(FB_A.base + i * 4096, 4, 0xffffff);
    expect(fbs.poll()[0]!.result).toMatchObject({ count: 3, answer: 'log' });

    // Monitor 1 plugged: the guest draws into both before the next refresh.
    expect(fbs.register(FB_B)).toMatchObject({ ok: true });
    mem.writeBytes(FB_A.base + 10 * 4096, new Uint8Array(2 * 4096));
    mem.writeBytes(FB_B.base, new Uint8Array(5 * 4096));
    const second = fbs.poll();
    expect(second.map((p) => p.id)).toEqual(['monitor-0', 'monitor-1']);
    expect(second[0]!.result).toMatchObject({ count: 2, answer: 'log' });
    expect(second[1]!.result).toMatchObject({ count: 8100, written: 5, answer: 'initial' });

    // Monitor 0 unplugged with one unpolled write: the last query counts it, then tracking stops.
    mem.write8(FB_A.base + 7 * 4096, 1);
    expect(fbs.unregister('monitor-0')).toMatchObject({ ok: true, count: 1, written: 1, answer: 'log' });
    expect(fbs.plugged).toEqual(['monitor-1']);
    expect(tracker.ranges()).toEqual([{ start: 0x84000, length: 8100 }]);
    mem.write8(FB_A.base, 1);
    mem.write8(FB_B.base + 8099 * 4096, 1);
    expect(fbs.poll()).toHaveLength(1);

    expect(fbs.pagesDirtied()).toEqual([
      { range: { start: '0x80000000', end: '0x807e9000' }, pages: 6 },
      { range: { start: '0x84000000', end: '0x85fa4000' }, pages: 6 },
    ]);
  });

  it('adds up the pages of a monitor plugged again on the same framebuffer', () => {
    const { mem, fbs } = machine();
    fbs.register(FB_A);
    mem.write8(FB_A.base, 1);
    fbs.unregister(FB_A.id);
    expect(fbs.register(FB_A)).toMatchObject({ ok: true, created: true });
    mem.write8(FB_A.base + 4096, 1);
    fbs.poll();
    expect(fbs.pagesDirtied()).toEqual([{ range: { start: '0x80000000', end: '0x807e9000' }, pages: 2 }]);
  });

  it('refuses a framebuffer overlapping a plugged one, or a taken id, with EEXIST', () => {
    const { tracker, fbs } = machine();
    fbs.register(FB_A);
    expect(fbs.register({ id: 'clone', base: FB_A.base + 0x1000, size: 0x1000 })).toMatchObject({ ok: false, code: 'EEXIST' });
    expect(fbs.register({ ...FB_B, id: FB_A.id })).toMatchObject({ ok: false, code: 'EEXIST' });
    expect(tracker.ranges()).toEqual([{ start: 0x80000, length: 2025 }]);
  });

  it("passes the tracker's refusals through and leaves nothing registered", () => {
    const fbs = new FramebufferTracker(new DirtyTracker({ maxRanges: 1 }));
    fbs.register(FB_A);
    expect(fbs.register(FB_B)).toMatchObject({ ok: false, code: 'ENOSPC' });
    expect(fbs.register({ id: 'huge', base: 0x1_0000_0000, size: 2 ** 30 + 1 })).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(fbs.plugged).toEqual(['monitor-0']);
    expect(fbs.pagesDirtied()).toHaveLength(1);
  });

  it('refuses an empty or negative framebuffer with EINVAL and unplugging an unknown id with ENOENT', () => {
    const { fbs } = machine();
    expect(fbs.register({ id: 'x', base: 0x1000, size: 0 })).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(fbs.register({ id: 'x', base: -4096, size: 4096 })).toMatchObject({ ok: false, code: 'EINVAL' });
    expect(fbs.unregister('nobody')).toMatchObject({ ok: false, code: 'ENOENT' });
  });

  it('answers all dirty for a framebuffer whose range another tracker user evicted, counting no writes', () => {
    const { mem, tracker, fbs } = machine();
    fbs.register(FB_A);
    fbs.poll();
    tracker.track(0x80000, 1);
    mem.write8(FB_A.base + 5 * 4096, 1);
    expect(fbs.poll()[0]!.result).toMatchObject({ count: 2025, written: 0, answer: 'untracked' });
    expect(fbs.unregister(FB_A.id)).toMatchObject({ ok: true, answer: 'untracked' });
    expect(tracker.ranges()).toEqual([{ start: 0x80000, length: 1 }]);
  });
});
