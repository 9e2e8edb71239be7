/**
 * Word-at-a-time painters for the drawables that dominate a session (solid fills, ROP fills, copy-bits):
 * each row is built in one buffer through a 16- or 32-bit view (TypedArray.fill / set, or one inlined
 * ROP per pixel) and written with the same writeBytes calls, at the same offsets and lengths, as
 * render.ts paint() — so the surface bytes and the dirty marking the device reports are identical, only
 * the per-pixel callback is gone (docs/performance.md §8.1). Unscaled copies from decoded pixels too. Little-endian hosts only (QXL pixels are
 * little-endian, spice-protocol qxl_dev.h); a caller falls back to paint() elsewhere.
 */
import { SPICE_ROPD_INVERS_BRUSH, SPICE_ROPD_INVERS_RES, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_OP_PUT } from './draw-layout.js';
import type { Pixels } from './image.js';
import { applyRop, fromXrgb, HOST_LITTLE_ENDIAN, paintable, ROW_CHUNK, rowOffset, surfaceBpp, type Rect, type SurfaceView } from './render.js';

/** Whether the word painters apply to this surface (16/32 bpp on a little-endian host). */
export function wordPaintable(s: SurfaceView): boolean {
  return HOST_LITTLE_ENDIAN && paintable(s.format);
}

/** A row buffer and its pixel view: Uint32Array at 32 bpp, Uint16Array at 16 bpp (stores keep the low bits, as paint() does). */
interface RowBuf {
  readonly bytes: Uint8Array;
  readonly px: Uint32Array | Uint16Array;
  readonly bytesPP: number;
}

function rowBuf(s: SurfaceView, r: Rect): RowBuf {
  const bytesPP = surfaceBpp(s.format) / 8;
  const n = Math.min(ROW_CHUNK, r.right - r.left);
  const bytes = new Uint8Array(n * bytesPP);
  const px = bytesPP === 4 ? new Uint32Array(bytes.buffer, 0, n) : new Uint16Array(bytes.buffer, 0, n);
  return { bytes, px, bytesPP };
}

/** Every pixel of r (clipped to the surface) becomes native value `v`: the row is filled once and written row by row. */
export function paintSolid(s: SurfaceView, r: Rect, v: number): boolean {
  const b = rowBuf(s, r);
  b.px.fill(v);
  let ok = true;
  for (let y = r.top; y < r.bottom; y++) {
    const base = rowOffset(s, y);
    for (let x0 = r.left; x0 < r.right; x0 += ROW_CHUNK) {
      const w = Math.min(ROW_CHUNK, r.right - x0);
      if (!s.target.writeBytes(base + x0 * b.bytesPP, b.bytes.subarray(0, w * b.bytesPP))) ok = false;
    }
  }
  return ok;
}

/** dst = rop(color, dst) over r: read the row, one inlined applyRop per pixel word, write it back. */
export function paintRopFill(s: SurfaceView, r: Rect, rop: number, color: number): boolean {
  const b = rowBuf(s, r);
  const px = b.px;
  let ok = true;
  for (let y = r.top; y < r.bottom; y++) {
    const base = rowOffset(s, y);
    for (let x0 = r.left; x0 < r.right; x0 += ROW_CHUNK) {
      const w = Math.min(ROW_CHUNK, r.right - x0);
      const row = b.bytes.subarray(0, w * b.bytesPP);
      const off = base + x0 * b.bytesPP;
      s.target.readBytes(off, row);
      for (let i = 0; i < w; i++) px[i] = applyRop(rop, color, px[i]!);
      if (!s.target.writeBytes(off, row)) ok = false;
    }
  }
  return ok;
}

/**
 * Copy-bits inside one surface: pixel (x, y) of r takes block pixel (x + dx - from.left, y + dy - from.top) where
 * that lies in the block (`from`, read before any write since the areas may overlap) and keeps the destination
 * elsewhere. Each row is read, the in-block span copied with one set(), and the row written back.
 */
export function paintCopyBits(s: SurfaceView, r: Rect, block: Uint32Array, from: Rect, dx: number, dy: number): boolean {
  const b = rowBuf(s, r);
  const px = b.px;
  const bw = from.right - from.left;
  const bh = from.bottom - from.top;
  let ok = true;
  for (let y = r.top; y < r.bottom; y++) {
    const base = rowOffset(s, y);
    const sy = y + dy - from.top;
    for (let x0 = r.left; x0 < r.right; x0 += ROW_CHUNK) {
      const w = Math.min(ROW_CHUNK, r.right - x0);
      const row = b.bytes.subarray(0, w * b.bytesPP);
      const off = base + x0 * b.bytesPP;
      s.target.readBytes(off, row);
      if (sy >= 0 && sy < bh) {
        // x in [x0, x0 + w) with sx = x + dx - from.left in [0, bw)
        const lo = Math.max(x0, from.left - dx);
        const hi = Math.min(x0 + w, from.left - dx + bw);
        if (hi > lo) {
          const src = sy * bw + (lo + dx - from.left);
          px.set(block.subarray(src, src + (hi - lo)), lo - x0);
        }
      }
      if (!s.target.writeBytes(off, row)) ok = false;
    }
  }
  return ok;
}

/**
 * An unscaled copy-like drawable: pixel (x, y) of r takes source pixel (x + dx, y + dy) of `px` (xRGB32, its own
 * origin x0/y0 already subtracted by the caller's dx/dy) through fromXrgb and the ROP where that lies inside `px`,
 * and keeps the destination elsewhere. A plain PUT into a 32 bpp surface is one set() per row span (fromXrgb and
 * applyRop are the identity there); any other ROP or 16 bpp is one inlined conversion and ROP per pixel word.
 */
export function paintCopyRows(s: SurfaceView, r: Rect, px: Pixels, dx: number, dy: number, rop: number): boolean {
  const b = rowBuf(s, r);
  const out = b.px;
  const fmt = s.format;
  const plain = b.bytesPP === 4 && (rop & SPICE_ROPD_OP_PUT) !== 0 && (rop & (SPICE_ROPD_INVERS_SRC | SPICE_ROPD_INVERS_BRUSH | SPICE_ROPD_INVERS_RES)) === 0;
  const data = px.data;
  let ok = true;
  for (let y = r.top; y < r.bottom; y++) {
    const base = rowOffset(s, y);
    const sy = y + dy;
    for (let x0 = r.left; x0 < r.right; x0 += ROW_CHUNK) {
      const w = Math.min(ROW_CHUNK, r.right - x0);
      const row = b.bytes.subarray(0, w * b.bytesPP);
      const off = base + x0 * b.bytesPP;
      s.target.readBytes(off, row);
      if (sy >= 0 && sy < px.height) {
        // x in [x0, x0 + w) with sx = x + dx in [0, px.width)
        const lo = Math.max(x0, -dx);
        const hi = Math.min(x0 + w, px.width - dx);
        const src = sy * px.width + dx;
        if (plain && hi > lo) out.set(data.subarray(src + lo, src + hi), lo - x0);
        else for (let x = lo; x < hi; x++) out[x - x0] = applyRop(rop, fromXrgb(fmt, data[src + x]!), out[x - x0]!);
      }
      if (!s.target.writeBytes(off, row)) ok = false;
    }
  }
  return ok;
}
