import { describe, expect, it } from 'vitest';
import { SPICE_SURFACE_FMT_32_xRGB } from '../../devices/qxl/constants.js';
import { paint, type SurfaceView } from '../../devices/qxl/render.js';

/** A surface in a plain byte array (a MemTarget that never faults). */
function surface(width: number, height: number, stride: number): { s: SurfaceView; bytes: Uint8Array } {
  const bytes = new Uint8Array(Math.abs(stride) * height + 64);
  const target = {
    readBytes: (off: number, out: Uint8Array) => (out.set(bytes.subarray(off, off + out.length)), true),
    writeBytes: (off: number, data: Uint8Array) => (bytes.set(data, off), true),
  };
  return { s: { target, offset: 16, width, height, stride, format: SPICE_SURFACE_FMT_32_xRGB } as unknown as SurfaceView, bytes };
}

describe('QXL 32 bpp paint, a word at a time', () => {
  it('stores each pixel little-endian and hands value() the destination pixel it reads', () => {
    const { s, bytes } = surface(4, 3, 16);
    paint(s, { top: 0, left: 0, bottom: 3, right: 4 }, false, (x, y) => (0x11223300 + y * 16 + x) | 0x80000000);
    // row 1, pixel 2: 0x91223312 as bytes 12 33 22 91, at offset 16 + 1 * 16 + 2 * 4
    expect([...bytes.subarray(40, 44)]).toEqual([0x12, 0x33, 0x22, 0x91]);
    const seen: number[] = [];
    paint(s, { top: 1, left: 1, bottom: 2, right: 3 }, true, (_x, _y, dst) => (seen.push(dst), dst ^ 0xffffffff));
    expect(seen).toEqual([0x91223311, 0x91223312]);
    expect([...bytes.subarray(40, 44)]).toEqual([0xed, 0xcc, 0xdd, 0x6e]);
    expect([...bytes.subarray(44, 48)]).toEqual([0x13, 0x33, 0x22, 0x91]); // outside the rect: untouched
  });

  it('walks a bottom-up surface (negative stride) row by row', () => {
    const { s, bytes } = surface(2, 2, -8);
    paint(s, { top: 0, left: 0, bottom: 1, right: 2 }, false, () => 0x01020304);
    // y 0 of a bottom-up surface is the last row in memory: offset 16 + 1 * 8
    expect([...bytes.subarray(24, 32)]).toEqual([4, 3, 2, 1, 4, 3, 2, 1]);
    expect([...bytes.subarray(16, 24)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
});
