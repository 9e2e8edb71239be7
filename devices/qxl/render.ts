import {
  SPICE_SURFACE_FMT_16_555, SPICE_SURFACE_FMT_16_565, SPICE_SURFACE_FMT_1_A, SPICE_SURFACE_FMT_32_ARGB,
  SPICE_SURFACE_FMT_32_xRGB, SPICE_SURFACE_FMT_8_A,
} from './constants.js';
import {
  SPICE_ROPD_INVERS_BRUSH, SPICE_ROPD_INVERS_DEST, SPICE_ROPD_INVERS_RES, SPICE_ROPD_INVERS_SRC, SPICE_ROPD_OP_AND,
  SPICE_ROPD_OP_BLACKNESS, SPICE_ROPD_OP_INVERS, SPICE_ROPD_OP_OR, SPICE_ROPD_OP_PUT, SPICE_ROPD_OP_WHITENESS,
  SPICE_ROPD_OP_XOR,
} from './draw-layout.js';
import type { MemTarget } from './memory.js';

/** Where a surface's pixels live and how they are laid out (a negative stride means bottom-up). */
export interface SurfaceView {
  readonly target: MemTarget;
  readonly offset: number;
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  readonly format: number;
}

/** QXLRect: {top, left, bottom, right}, exclusive bottom/right. */
export interface Rect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

/** Bits per pixel of a SPICE surface format, 0 when unknown (spice red_validate_surface). */
export function surfaceBpp(format: number): number {
  switch (format) {
    case SPICE_SURFACE_FMT_32_xRGB:
    case SPICE_SURFACE_FMT_32_ARGB:
      return 32;
    case SPICE_SURFACE_FMT_16_555:
    case SPICE_SURFACE_FMT_16_565:
      return 16;
    case SPICE_SURFACE_FMT_8_A:
      return 8;
    case SPICE_SURFACE_FMT_1_A:
      return 1;
    default:
      return 0;
  }
}

/** spice red_validate_surface: known format, |stride| >= the row's bytes, |stride| x height < 2^31 - 1. */
export function validSurfaceGeometry(width: number, height: number, stride: number, format: number): boolean {
  const bpp = surfaceBpp(format);
  if (bpp === 0 || stride === -0x8000_0000) return false;
  const abs = Math.abs(stride);
  if (Math.floor((width * bpp + 7) / 8) > abs) return false;
  return height * abs < 0x7fff_ffff;
}

/** Byte offset of row y (0 = top) inside the surface's target. */
export function rowOffset(s: SurfaceView, y: number): number {
  return s.offset + (s.stride >= 0 ? y * s.stride : (s.height - 1 - y) * -s.stride);
}

export function intersect(a: Rect, b: Rect): Rect {
  return {
    top: Math.max(a.top, b.top),
    left: Math.max(a.left, b.left),
    bottom: Math.min(a.bottom, b.bottom),
    right: Math.min(a.right, b.right),
  };
}

export function isEmpty(r: Rect): boolean {
  return r.left >= r.right || r.top >= r.bottom;
}

export function surfaceRect(s: SurfaceView): Rect {
  return { top: 0, left: 0, bottom: s.height, right: s.width };
}

/** A spice ROP descriptor applied to 32-bit pixel values. */
export function applyRop(rop: number, src: number, dst: number): number {
  if ((rop & (SPICE_ROPD_INVERS_SRC | SPICE_ROPD_INVERS_BRUSH)) !== 0) src = ~src;
  if ((rop & SPICE_ROPD_INVERS_DEST) !== 0) dst = ~dst;
  let r: number;
  if ((rop & SPICE_ROPD_OP_PUT) !== 0) r = src;
  else if ((rop & SPICE_ROPD_OP_OR) !== 0) r = src | dst;
  else if ((rop & SPICE_ROPD_OP_AND) !== 0) r = src & dst;
  else if ((rop & SPICE_ROPD_OP_XOR) !== 0) r = src ^ dst;
  else if ((rop & SPICE_ROPD_OP_BLACKNESS) !== 0) r = 0;
  else if ((rop & SPICE_ROPD_OP_WHITENESS) !== 0) r = 0xffffffff;
  else if ((rop & SPICE_ROPD_OP_INVERS) !== 0) r = ~dst;
  else r = src;
  if ((rop & SPICE_ROPD_INVERS_RES) !== 0) r = ~r;
  return r >>> 0;
}

/** Whether the ROP's result depends on the destination (so the row must be read first). */
export function ropReadsDest(rop: number): boolean {
  return (rop & (SPICE_ROPD_OP_PUT | SPICE_ROPD_OP_BLACKNESS | SPICE_ROPD_OP_WHITENESS)) === 0;
}

/** xRGB32 -> the surface's native pixel value, and back (16 bpp formats convert channel widths). */
export function fromXrgb(format: number, v: number): number {
  const r = (v >>> 16) & 0xff;
  const g = (v >>> 8) & 0xff;
  const b = v & 0xff;
  if (format === SPICE_SURFACE_FMT_16_565) return ((r >> 3) << 11) | ((g >> 2) << 5) | (b >> 3);
  if (format === SPICE_SURFACE_FMT_16_555) return ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);
  return v >>> 0;
}

export function toXrgb(format: number, v: number): number {
  const expand5 = (x: number): number => (x << 3) | (x >> 2);
  if (format === SPICE_SURFACE_FMT_16_565) {
    const g6 = (v >> 5) & 0x3f;
    return ((expand5((v >> 11) & 0x1f) << 16) | (((g6 << 2) | (g6 >> 4)) << 8) | expand5(v & 0x1f)) >>> 0;
  }
  if (format === SPICE_SURFACE_FMT_16_555) {
    return ((expand5((v >> 10) & 0x1f) << 16) | (expand5((v >> 5) & 0x1f) << 8) | expand5(v & 0x1f)) >>> 0;
  }
  return v >>> 0;
}

/** Pixels painted per row chunk (bounds the row buffer whatever width a guest declares). */
export const ROW_CHUNK = 16384;
/** Typed arrays use the host's byte order; a 32 bpp row is written a word at a time only where that is little-endian (QXL's). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Whether the model reads and writes this format's pixels (16 and 32 bpp). */
export function paintable(format: number): boolean {
  const bpp = surfaceBpp(format);
  return bpp === 16 || bpp === 32;
}

function getPixel(row: Uint8Array, p: number, bytesPP: number): number {
  return bytesPP === 4 ? (row[p]! | (row[p + 1]! << 8) | (row[p + 2]! << 16) | (row[p + 3]! << 24)) >>> 0 : row[p]! | (row[p + 1]! << 8);
}

/** Reads a w x h block at (x, y) of a 16/32 bpp surface as native pixel values (caller bounds w x h). */
export function readBlock(s: SurfaceView, x: number, y: number, w: number, h: number): Uint32Array {
  const bytesPP = surfaceBpp(s.format) / 8;
  const out = new Uint32Array(w * h);
  const row = new Uint8Array(w * bytesPP);
  // On a little-endian host a row's pixels are its 16/32-bit words: one set() per row instead of a load per byte.
  const words = HOST_LITTLE_ENDIAN && (bytesPP === 4 || bytesPP === 2) ? (bytesPP === 4 ? new Uint32Array(row.buffer) : new Uint16Array(row.buffer)) : undefined;
  for (let j = 0; j < h; j++) {
    s.target.readBytes(rowOffset(s, y + j) + x * bytesPP, row);
    if (words !== undefined) out.set(words, j * w);
    else for (let i = 0; i < w; i++) out[j * w + i] = getPixel(row, i * bytesPP, bytesPP);
  }
  return out;
}

/**
 * Writes rect r (already clipped to the surface) of a 16/32 bpp surface: value(x, y, dst) gives each pixel's
 * native value. Returns false when a write faulted (DMA targets).
 */
export function paint(s: SurfaceView, r: Rect, readDest: boolean, value: (x: number, y: number, dst: number) => number): boolean {
  if (!paintable(s.format)) return true;
  const bytesPP = surfaceBpp(s.format) / 8;
  const buf = new Uint8Array(Math.min(ROW_CHUNK, r.right - r.left) * bytesPP);
  if (bytesPP === 4 && HOST_LITTLE_ENDIAN) return paint32(s, r, readDest, value, buf);
  let ok = true;
  for (let y = r.top; y < r.bottom; y++) {
    for (let x0 = r.left; x0 < r.right; x0 += ROW_CHUNK) {
      const w = Math.min(ROW_CHUNK, r.right - x0);
      const row = buf.subarray(0, w * bytesPP);
      const off = rowOffset(s, y) + x0 * bytesPP;
      if (readDest) s.target.readBytes(off, row);
      for (let i = 0; i < w; i++) {
        const p = i * bytesPP;
        const v = value(x0 + i, y, readDest ? getPixel(row, p, bytesPP) : 0);
        row[p] = v;
        row[p + 1] = v >>> 8;
        if (bytesPP === 4) {
          row[p + 2] = v >>> 16;
          row[p + 3] = v >>> 24;
        }
      }
      if (!s.target.writeBytes(off, row)) ok = false;
    }
  }
  return ok;
}

/** paint() for 32 bpp on a little-endian host: each pixel is one Uint32 store (and load), not four bytes. */
function paint32(s: SurfaceView, r: Rect, readDest: boolean, value: (x: number, y: number, dst: number) => number, buf: Uint8Array): boolean {
  const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
  let ok = true;
  for (let y = r.top; y < r.bottom; y++) {
    for (let x0 = r.left; x0 < r.right; x0 += ROW_CHUNK) {
      const w = Math.min(ROW_CHUNK, r.right - x0);
      const row = buf.subarray(0, w * 4);
      const off = rowOffset(s, y) + x0 * 4;
      if (readDest) {
        s.target.readBytes(off, row);
        for (let i = 0; i < w; i++) words[i] = value(x0 + i, y, words[i]!);
      } else {
        for (let i = 0; i < w; i++) words[i] = value(x0 + i, y, 0);
      }
      if (!s.target.writeBytes(off, row)) ok = false;
    }
  }
  return ok;
}
