import { describe, expect, it } from 'vitest';
import { DirtyTracker, testBit } from '../../vmm/passthrough/dirty/index.js';
import { GuestMemory } from '../../devices/memory/guest-memory.js';

// A framebuffer at 0x8000_0000 (pfn 0x80000), 16 pages, already queried once so the log starts empty.
function setup(): { mem: GuestMemory; t: DirtyTracker } {
  const mem = new GuestMemory();
  const t = new DirtyTracker();
  t.attach(mem);
  t.track(0x80000, 16);
  t.getAndClear(0x80000, 16);
  return { mem, t };
}

function dirtyPages(t: DirtyTracker): number[] {
  const r = t.getAndClear(0x80000, 16);
  if (!r.ok) throw new Error(r.message);
  return [...Array(16).keys()].filter((i) => testBit(r.bitmap, i));
}

describe('DirtyTracker.attach(GuestMemory)', () => {
  it('marks the page of every write through GuestMemory (DMA and CPU paths alike)', () => {
    const { mem, t } = setup();
    mem.write8(0x8000_0000, 1);
    mem.write(0x8000_2ffc, 4, 0xdeadbeef);
    mem.write64(0x8000_5000, 0x1_2345_6789);
    expect(dirtyPages(t)).toEqual([0, 2, 5]);
  });

  it('marks both pages of a write that crosses a page boundary', () => {
    const { mem, t } = setup();
    mem.write(0x8000_0ffe, 4, 0x11223344);
    expect(dirtyPages(t)).toEqual([0, 1]);
  });

  it('marks every page a DMA-style writeBytes burst covers', () => {
    const { mem, t } = setup();
    mem.writeBytes(0x8000_3800, new Uint8Array(3 * 4096));
    expect(dirtyPages(t)).toEqual([3, 4, 5, 6]);
  });

  it('does not mark pages on reads', () => {
    const { mem, t } = setup();
    mem.read(0x8000_1000, 4);
    mem.readBytes(0x8000_0000, new Uint8Array(8192));
    expect(dirtyPages(t)).toEqual([]);
  });

  it('keeps a hook installed before it, which still runs first', () => {
    const mem = new GuestMemory();
    const seen: string[] = [];
    mem.onWrite = (pfn) => seen.push(`old ${pfn.toString(16)}`);
    const t = new DirtyTracker();
    t.track(0x80000, 1);
    t.getAndClear(0x80000, 1);
    t.attach(mem);
    const inner = mem.onWrite;
    mem.onWrite = (pfn) => {
      inner?.(pfn);
      seen.push('after');
    };
    mem.write8(0x8000_0000, 7);
    expect(seen).toEqual(['old 80000', 'after']);
    expect(t.getAndClear(0x80000, 1)).toMatchObject({ count: 1, answer: 'log' });
  });

  it('restores the previous hook on detach', () => {
    const mem = new GuestMemory();
    const old = (): void => {};
    mem.onWrite = old;
    const detach = new DirtyTracker().attach(mem);
    expect(mem.onWrite).not.toBe(old);
    detach();
    expect(mem.onWrite).toBe(old);
  });

  it('lets two trackers share one memory', () => {
    const mem = new GuestMemory();
    const a = new DirtyTracker();
    const b = new DirtyTracker();
    a.attach(mem);
    b.attach(mem);
    a.track(0, 1);
    b.track(0, 1);
    a.getAndClear(0, 1);
    b.getAndClear(0, 1);
    mem.write8(0x10, 1);
    expect(a.getAndClear(0, 1)).toMatchObject({ count: 1 });
    expect(b.getAndClear(0, 1)).toMatchObject({ count: 1 });
  });
});
