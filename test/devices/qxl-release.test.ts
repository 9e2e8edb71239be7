import { describe, expect, it } from 'vitest';
import { QXL_IO_FLUSH_RELEASE, QXL_IO_NOTIFY_OOM } from '../../devices/qxl/constants.js';
import { NUM_DRAWABLES } from '../../devices/qxl/server.js';
import { IMAGE_CACHE_MAX_ITEMS } from '../../devices/qxl/image.js';
import { driverFor, hdr, kinds, setup } from './qxl-helpers.js';

const RELEASE_RING = 5172;
const full = { top: 0, left: 0, bottom: 8, right: 8 };
/** Cell k of a 64-pixel-wide grid of size x size cells. */
function cell(k: number, size: number): { top: number; left: number; bottom: number; right: number } {
  const per = 64 / size;
  const top = Math.floor(k / per) * size;
  const left = (k % per) * size;
  return { top, left, bottom: top + size, right: left + size };
}

/** Hands `n` fake resources (ids 0x1000 + i at BAR0 offsets 0x10000 + 64 i) to the release queue. */
function releaseFakes(q: ReturnType<typeof setup>, n: number, first = 0): void {
  for (let i = first; i < first + n; i++) {
    const off = 0x10000 + 64 * i;
    q.dev.ram.write64(off, 0x1000 + i);
    q.dev.release.release({ target: q.dev.ramMem, offset: off });
  }
}

describe('QXL release ring: linked lists published in bunches of 32', () => {
  it('chains released resources through their release_info and publishes at the 32nd', () => {
    const q = setup();
    releaseFakes(q, 31);
    expect(hdr(q.dev, RELEASE_RING + 4)).toBe(0); // prod: still building the list in slot 0
    expect(q.dev.ram.read64(q.dev.ramHeaderOffset + RELEASE_RING + 20)).toBe(0x1000); // head
    expect(q.dev.ram.read64(0x10000)).toBe(0x1001); // first's next = second's id
    expect(q.dev.ram.read64(0x10000 + 64 * 30)).toBe(0); // last's next = 0
    releaseFakes(q, 1, 31);
    expect(hdr(q.dev, RELEASE_RING + 4)).toBe(1);
    expect(q.dev.ram.read64(q.dev.ramHeaderOffset + RELEASE_RING + 28)).toBe(0); // new slot zeroed
    expect(hdr(q.dev, 4) & 1).toBe(1); // DISPLAY: prod hit notify_on_prod (1)
  });

  it('FLUSH_RELEASE pushes a partial list, and keeps one slot free: a full ring only logs', () => {
    const q = setup();
    for (let i = 0; i < 7; i++) {
      releaseFakes(q, 1, i);
      q.dev.ioWrite(QXL_IO_FLUSH_RELEASE, 0);
    }
    expect(hdr(q.dev, RELEASE_RING + 4)).toBe(7);
    releaseFakes(q, 1, 7);
    q.dev.ioWrite(QXL_IO_FLUSH_RELEASE, 0);
    expect(hdr(q.dev, RELEASE_RING + 4)).toBe(7);
    expect(kinds(q.dev, 'warning')).toEqual(['ERROR: no flush, full release ring [p7,0c]']);
  });

  it('runs the OOM handler only when the release ring is empty, rendering and flushing what the server holds', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(8, 8);
    // one row each: an opaque fill covering an older one would release it at once (spice occlusion)
    for (let i = 0; i < 5; i++) drv.fill(0, cell(i, 1), i);
    expect(drv.awaitingRelease).toBe(5);
    drv.notifyOom();
    expect(drv.awaitingRelease).toBe(0);
    expect(q.dev.server.pending).toHaveLength(0);
    // with something in the ring, OOM does nothing
    drv.fill(0, full, 9);
    releaseFakes(q, 1);
    q.dev.ioWrite(QXL_IO_FLUSH_RELEASE, 0);
    q.dev.ioWrite(QXL_IO_NOTIFY_OOM, 0);
    expect(q.dev.server.pending).toHaveLength(1);
  });

  it('bounds what the server holds: at most NUM_DRAWABLES pending, the oldest rendered and released first', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(64, 64);
    for (let i = 0; i < NUM_DRAWABLES + 200; i++) drv.fill(0, cell(i, 1), i); // distinct pixels: none occludes another
    expect(q.dev.server.pending).toHaveLength(NUM_DRAWABLES);
    expect(q.dev.server.peakPending).toBe(NUM_DRAWABLES);
    expect(q.dev.server.rendered).toBe(200);
    expect(drv.awaitingRelease).toBeLessThanOrEqual(NUM_DRAWABLES + 200 - 192); // 6 bunches of 32 came back
    expect(drv.errors).toEqual([]);
  });

  it('bounds the image cache however many cacheable images the guest sends', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(64, 64);
    const px = new Uint32Array(4).fill(0x55);
    const all = { top: 0, left: 0, bottom: 64, right: 64 };
    for (let i = 1; i <= IMAGE_CACHE_MAX_ITEMS + 300; i++) {
      drv.copyImage(0, cell(i % 1024, 2), 2, 2, px, i); // distinct 2x2 cells: occluded copies would never be drawn (nor cached)
      if (i % 100 === 0) drv.updateArea(0, all);
    }
    drv.updateArea(0, all);
    expect(q.dev.server.cache.size).toBe(IMAGE_CACHE_MAX_ITEMS);
    expect(q.dev.server.cache.evictions).toBe(300);
  });
});
