import { describe, expect, it } from 'vitest';
import { SPICE_SURFACE_FMT_16_565, SPICE_SURFACE_FMT_32_xRGB } from '../../devices/qxl/constants.js';
import {
  SPICE_ROPD_INVERS_DEST, SPICE_ROPD_INVERS_RES, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_OP_AND, SPICE_ROPD_OP_INVERS, SPICE_ROPD_OP_OR, SPICE_ROPD_OP_PUT,
  SPICE_ROPD_OP_XOR,
} from '../../devices/qxl/draw-layout.js';
import { paintCopyBits, paintCopyRows, paintRopFill, paintSolid } from '../../devices/qxl/paint-rows.js';
import { applyRop, fromXrgb, paint, readBlock, type Rect, type SurfaceView } from '../../devices/qxl/render.js';

/** A surface in a plain byte array that logs every write as [offset, length] (what the device reports for dirty marking). */
function surface(width: number, height: number, stride: number, format: number, fill: number) {
  const bytes = new Uint8Array(Math.abs(stride) * height + 32);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + fill) & 0xff;
  const writes: [number, number][] = [];
  const target = {
    readBytes: (off: number, out: Uint8Array) => (out.set(bytes.subarray(off, off + out.length)), true),
    writeBytes: (off: number, data: Uint8Array) => (writes.push([off, data.length]), bytes.set(data, off), true),
  };
  const s = { target, offset: 16, width, height, stride, format } as unknown as SurfaceView;
  return { s, bytes, writes };
}

/** Deterministic cases: 32 and 16 bpp, top-down and bottom-up, padded strides, rects touching each edge. */
function* cases(): Generator<{ format: number; w: number; h: number; stride: number; r: Rect }> {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  for (const format of [SPICE_SURFACE_FMT_32_xRGB, SPICE_SURFACE_FMT_16_565]) {
    const bpp = format === SPICE_SURFACE_FMT_32_xRGB ? 4 : 2;
    for (let k = 0; k < 24; k++) {
      const w = 1 + rnd(40);
      const h = 1 + rnd(12);
      const stride = (w * bpp + 4 * rnd(3)) * (k % 3 === 0 ? -1 : 1);
      const left = k % 4 === 0 ? 0 : rnd(w);
      const top = k % 5 === 0 ? 0 : rnd(h);
      const right = k % 4 === 1 ? w : left + 1 + rnd(w - left);
      const bottom = k % 5 === 1 ? h : top + 1 + rnd(h - top);
      yield { format, w, h, stride, r: { top, left, bottom, right } };
    }
  }
}

/** Cases of cases() whose shifted source area is not empty (a 1-pixel rect on an edge can shift off the surface). */
const COPY_CASES = 39;
/** Cases of the unscaled-copy test whose rect overlaps the shifted source somewhere (the others only rewrite rows as they were). */
const PAINTED_COPY_CASES = 27;

describe('QXL row painters give exactly what paint() with a per-pixel callback gives', () => {
  it('solid fills: same bytes, same writes (offset and length) as paint() without reading the destination', () => {
    for (const c of cases()) {
      const a = surface(c.w, c.h, c.stride, c.format, 1);
      const b = surface(c.w, c.h, c.stride, c.format, 1);
      const v = 0x8a1b2c3d;
      paint(a.s, c.r, false, () => v);
      expect(paintSolid(b.s, c.r, v)).toBe(true);
      expect(b.bytes).toEqual(a.bytes);
      expect(b.writes).toEqual(a.writes);
    }
  });

  it('ROP fills that read the destination: same bytes and writes for OR, AND, XOR, INVERS and inverted forms', () => {
    const rops = [SPICE_ROPD_OP_OR, SPICE_ROPD_OP_AND, SPICE_ROPD_OP_XOR, SPICE_ROPD_OP_INVERS, SPICE_ROPD_OP_XOR | SPICE_ROPD_INVERS_DEST | SPICE_ROPD_INVERS_RES];
    let n = 0;
    for (const c of cases()) {
      const rop = rops[n++ % rops.length]!;
      const a = surface(c.w, c.h, c.stride, c.format, 2);
      const b = surface(c.w, c.h, c.stride, c.format, 2);
      paint(a.s, c.r, true, (_x, _y, dst) => applyRop(rop, 0x00ff33cc, dst));
      expect(paintRopFill(b.s, c.r, rop, 0x00ff33cc)).toBe(true);
      expect(b.bytes).toEqual(a.bytes);
      expect(b.writes).toEqual(a.writes);
    }
  });

  it('copy-bits: same bytes and writes, overlapping source and destination and pixels outside the source kept', () => {
    let compared = 0;
    for (const c of cases()) {
      const dx = (c.r.left % 3) - 1;
      const dy = (c.r.top % 3) - 1;
      const from: Rect = {
        top: Math.max(0, c.r.top + dy), left: Math.max(0, c.r.left + dx),
        bottom: Math.min(c.h, c.r.bottom + dy), right: Math.min(c.w, c.r.right + dx),
      };
      if (from.left >= from.right || from.top >= from.bottom) continue;
      const a = surface(c.w, c.h, c.stride, c.format, 3);
      const b = surface(c.w, c.h, c.stride, c.format, 3);
      const fw = from.right - from.left;
      const fh = from.bottom - from.top;
      const block = readBlock(a.s, from.left, from.top, fw, fh);
      paint(a.s, c.r, true, (x, y, dst) => {
        const sx = x + dx - from.left;
        const sy = y + dy - from.top;
        return sx >= 0 && sx < fw && sy >= 0 && sy < fh ? block[sy * fw + sx]! : dst;
      });
      expect(paintCopyBits(b.s, c.r, block, from, dx, dy)).toBe(true);
      expect(b.bytes).toEqual(a.bytes);
      expect(b.writes).toEqual(a.writes);
      compared++;
    }
    expect(compared).toBe(COPY_CASES);
  });

  it('unscaled copies from decoded pixels: same bytes and writes for PUT, inverted PUT and XOR, sources partly outside', () => {
    const rops = [SPICE_ROPD_OP_PUT, SPICE_ROPD_OP_PUT | SPICE_ROPD_INVERS_SRC, SPICE_ROPD_OP_XOR, SPICE_ROPD_OP_PUT | SPICE_ROPD_INVERS_DEST];
    let n = 0;
    let painted = 0;
    for (const c of cases()) {
      const rop = rops[n++ % rops.length]!;
      // A decoded source smaller than the rect and offset from it, so some pixels of every row/column miss it.
      const pw = 1 + (n % 7) + Math.floor(c.w / 2);
      const ph = 1 + (n % 3) + Math.floor(c.h / 2);
      const data = Uint32Array.from({ length: pw * ph }, (_, i) => (Math.imul(i + n, 0x9e3779b1) ^ 0x5a5a5a5a) >>> 0);
      const px = { x0: n % 3, y0: n % 2, width: pw, height: ph, data };
      const dx = (n % 5) - 2 - px.x0;
      const dy = (n % 4) - 1 - px.y0;
      const a = surface(c.w, c.h, c.stride, c.format, 4);
      const b = surface(c.w, c.h, c.stride, c.format, 4);
      const before = a.bytes.slice();
      paint(a.s, c.r, true, (x, y, dst) => {
        const sx = x + dx;
        const sy = y + dy;
        return sx >= 0 && sx < pw && sy >= 0 && sy < ph ? applyRop(rop, fromXrgb(c.format, data[sy * pw + sx]!), dst) : dst;
      });
      expect(paintCopyRows(b.s, c.r, px, dx, dy, rop)).toBe(true);
      expect(b.bytes).toEqual(a.bytes);
      expect(b.writes).toEqual(a.writes);
      if (a.bytes.some((v, i) => v !== before[i])) painted++;
    }
    expect(painted).toBe(PAINTED_COPY_CASES);
  });

  it('a 16 bpp solid fill stores the low 16 bits of the value little-endian', () => {
    const { s, bytes } = surface(3, 1, 6, SPICE_SURFACE_FMT_16_565, 0);
    paintSolid(s, { top: 0, left: 1, bottom: 1, right: 3 }, 0x1234abcd);
    expect([...bytes.subarray(16, 22)]).toEqual([16 * 37 & 0xff, 17 * 37 & 0xff, 0xcd, 0xab, 0xcd, 0xab]);
  });

  it('readBlock reads 32 bpp pixels as little-endian words and 16 bpp pixels as halfwords', () => {
    const s32 = surface(2, 2, 8, SPICE_SURFACE_FMT_32_xRGB, 0);
    s32.bytes.set([1, 2, 3, 4, 5, 6, 7, 8], 16 + 8);
    expect([...readBlock(s32.s, 0, 1, 2, 1)]).toEqual([0x04030201, 0x08070605]);
    const s16 = surface(2, 1, 4, SPICE_SURFACE_FMT_16_565, 0);
    s16.bytes.set([0x34, 0x12, 0xff, 0xee], 16);
    expect([...readBlock(s16.s, 0, 0, 2, 1)]).toEqual([0x1234, 0xeeff]);
  });

  it('a PUT fill is one store per pixel value, so a row reads back as the value everywhere in the rect only', () => {
    const { s, bytes } = surface(4, 2, 16, SPICE_SURFACE_FMT_32_xRGB, 0);
    const before = bytes.slice();
    paintSolid(s, { top: 1, left: 1, bottom: 2, right: 3 }, applyRop(SPICE_ROPD_OP_PUT, 0xdeadbeef, 0));
    expect([...bytes.subarray(16 + 16 + 4, 16 + 16 + 12)]).toEqual([0xef, 0xbe, 0xad, 0xde, 0xef, 0xbe, 0xad, 0xde]);
    expect(bytes.subarray(0, 36)).toEqual(before.subarray(0, 36));
    expect(bytes.subarray(44)).toEqual(before.subarray(44));
  });
});
