import { describe, expect, it } from 'vitest';
import { QXL_IO_NOTIFY_CMD, QXL_IO_SET_MODE, QXL_IO_UPDATE_AREA, RAM_MEM_SLOT, RAM_UPDATE_AREA } from '../../devices/qxl/constants.js';
import { COMPAT_DRAWABLE, QXL_DRAW_FILL } from '../../devices/qxl/draw-layout.js';
import { driverFor, kinds, pixel, setHdr, setup } from './qxl-helpers.js';

const full = (w: number, h: number) => ({ top: 0, left: 0, bottom: h, right: w });

describe('QXL rendering: drawables are held by the server and rendered into surface memory', () => {
  it('renders a fill only when UPDATE_AREA asks, then releases it', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(32, 16);
    drv.fill(0, { top: 2, left: 3, bottom: 4, right: 6 }, 0x00ff8800);
    expect(pixel(drv.readSurface(0)!, 128, 3, 2)).toBe(0);
    expect(q.dev.server.pending).toHaveLength(1);
    drv.updateArea(0, full(32, 16));
    const px = drv.readSurface(0)!;
    expect([pixel(px, 128, 3, 2), pixel(px, 128, 5, 3), pixel(px, 128, 6, 3), pixel(px, 128, 3, 4)]).toEqual([0x00ff8800, 0x00ff8800, 0, 0]);
    expect(q.dev.server.pending).toHaveLength(0);
    expect(q.dev.release.numFreeRes).toBe(1);
  });

  it('copies bitmaps and surfaces, rendering a source surface before reading it', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(16, 16);
    const img = Uint32Array.from([0x11, 0x22, 0x33, 0x44]);
    drv.copyImage(0, { top: 0, left: 0, bottom: 2, right: 2 }, 2, 2, img);
    drv.copyImage(0, { top: 4, left: 4, bottom: 8, right: 8 }, 2, 2, img); // scaled 2x (nearest)
    const s = drv.createSurface(8, 8)!;
    drv.fill(s, full(8, 8), 0x00abcdef);
    drv.copySurface(0, { top: 10, left: 10, bottom: 12, right: 12 }, s, { top: 0, left: 0, bottom: 2, right: 2 });
    drv.updateArea(0, full(16, 16));
    const px = drv.readSurface(0)!;
    expect([pixel(px, 64, 0, 0), pixel(px, 64, 1, 0), pixel(px, 64, 0, 1), pixel(px, 64, 1, 1)]).toEqual([0x11, 0x22, 0x33, 0x44]);
    expect([pixel(px, 64, 4, 4), pixel(px, 64, 5, 5), pixel(px, 64, 6, 4), pixel(px, 64, 7, 7)]).toEqual([0x11, 0x11, 0x22, 0x44]);
    expect(pixel(px, 64, 11, 11)).toBe(0x00abcdef);
    expect(q.dev.server.pending).toHaveLength(0); // the source's fill was rendered first (dependency)
  });

  it('moves pixels with COPY_BITS and applies XOR rops', () => {
    const q = setup();
    const drv = driverFor(q);
    drv.createPrimary(8, 8);
    drv.fill(0, { top: 0, left: 0, bottom: 1, right: 1 }, 0x0f);
    drv.copyBits(0, { top: 5, left: 5, bottom: 6, right: 6 }, 0, 0);
    drv.fill(0, { top: 5, left: 5, bottom: 6, right: 6 }, 0xff, 1 << 6);
    drv.updateArea(0, full(8, 8));
    expect(pixel(drv.readSurface(0)!, 32, 5, 5)).toBe(0xf0);
  });

  it('zeroes a primary created without KEEP_DATA (SET_MODE) and renders qxl-1 compat drawables bottom-up', () => {
    const q = setup();
    q.dev.ram.write(0, 4, 0xdeadbeef);
    q.dev.ioWrite(QXL_IO_SET_MODE, 1); // 640x480x32, stride -2560, memory at BAR0 offset 0
    expect(q.dev.ram.read(0, 4)).toBe(0);
    // a compat fill at a raw guest-physical address inside BAR0 (slot 0, delta = BAR0 base)
    const base = q.dev.barAddress(0);
    const at = 0x100000;
    const dv = new DataView(new ArrayBuffer(COMPAT_DRAWABLE.size));
    dv.setUint8(COMPAT_DRAWABLE.type, QXL_DRAW_FILL);
    [0, 0, 1, 2].forEach((v, i) => dv.setInt32(COMPAT_DRAWABLE.bbox + 4 * i, v, true)); // top 0, left 0, bottom 1, right 2
    dv.setUint32(COMPAT_DRAWABLE.u, 1, true);
    dv.setUint32(COMPAT_DRAWABLE.u + 4, 0x00123456, true);
    dv.setUint16(COMPAT_DRAWABLE.u + 20, 8, true);
    q.dev.ram.writeBytes(at, new Uint8Array(dv.buffer));
    const ring = q.dev.ramHeaderOffset + 4108;
    q.dev.ram.write64(ring + 20, base + at); // item 0: data = raw address (slot 0)
    q.dev.ram.write(ring + 28, 4, 1); // QXL_CMD_DRAW
    q.dev.ram.write(ring + 4, 4, 1); // prod
    q.dev.ioWrite(QXL_IO_NOTIFY_CMD, 0);
    setHdr(q.dev, RAM_UPDATE_AREA + 8, 480);
    setHdr(q.dev, RAM_UPDATE_AREA + 12, 640);
    q.dev.ioWrite(QXL_IO_UPDATE_AREA, 0);
    expect(q.dev.ram.read(479 * 2560, 4)).toBe(0x00123456); // the top row is the last one in memory
    expect(q.dev.ram.read(479 * 2560 + 8, 4)).toBe(0);
  });

  it('reports every device-side pixel write to onVramWrite at its guest-physical address', () => {
    const q = setup();
    const drv = driverFor(q);
    const s = drv.createSurface(4, 4)!;
    const writes: [number, number][] = [];
    q.dev.onVramWrite = (gpa, len, source) => {
      if (source === 'device') writes.push([gpa, len]);
    };
    drv.fill(s, full(4, 4), 7);
    drv.updateArea(s, full(4, 4));
    const vram = q.dev.barAddress(1);
    const rows = writes.filter(([a]) => a >= vram && a < vram + q.dev.qxl.vram32Size);
    expect(rows).toEqual([0, 1, 2, 3].map((y) => [vram + y * 16, 16]));
  });

  it('renders into guest RAM through the DMA port when guest-RAM memslots are enabled (not QEMU)', () => {
    const q = setup({ 'x-guest-ram-memslots': true });
    const drv = driverFor(q);
    const h = q.dev.ramHeaderOffset + RAM_MEM_SLOT;
    q.dev.ram.write64(h, 0x100000);
    q.dev.ram.write64(h + 8, 0x200000);
    q.dev.ioWrite(8, 5); // MEMSLOT_ADD slot 5 in guest RAM
    expect(q.dev.memslots.slots[5]).toMatchObject({ active: true, bar: -1 });
    const loc = q.dev.memslots.resolve(0x1000, 5 << 24, 64);
    expect(loc?.target.space).toBe(2);
    loc!.target.write32(loc!.offset, 0xcafe);
    expect(q.ram.read(0x101000, 4)).toBe(0xcafe);
    expect(drv.errors).toEqual([]);
    const r = setup();
    const hh = r.dev.ramHeaderOffset + RAM_MEM_SLOT;
    r.dev.ram.write64(hh, 0x100000);
    r.dev.ram.write64(hh + 8, 0x200000);
    r.dev.ioWrite(8, 5);
    expect(kinds(r.dev, 'guest-bug')).toEqual(['qxl-0: guest bug: qxl_add_memslot: finished loop without match']);
  });
});
