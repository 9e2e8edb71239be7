import {
  BITMAP_DATA, BITMAP_FLAGS, BITMAP_FORMAT, BITMAP_PALETTE, BITMAP_STRIDE, BITMAP_X, BITMAP_Y, CHUNK_DATA,
  CHUNK_DATA_SIZE, CHUNK_NEXT, IMAGE_FLAGS, IMAGE_SURFACE_ID, IMAGE_TYPE, PALETTE_ENTS, PALETTE_NUM_ENTS,
  QXL_BITMAP_DIRECT, QXL_BITMAP_TOP_DOWN, QXL_IMAGE_BITMAP_SIZEOF, QXL_IMAGE_CACHE, QXL_IMAGE_SURFACE_SIZEOF,
  SPICE_BITMAP_FMT_16BIT, SPICE_BITMAP_FMT_24BIT, SPICE_BITMAP_FMT_32BIT, SPICE_BITMAP_FMT_8BIT,
  SPICE_BITMAP_FMT_RGBA, SPICE_IMAGE_TYPE_BITMAP, SPICE_IMAGE_TYPE_SURFACE,
} from './draw-layout.js';
import { readStruct, type MemLoc } from './memory.js';
import type { Rect } from './render.js';

/** Resolves a QXLPHYSICAL (halves) for `size` bytes the way spice-server does, or undefined (already reported). */
export type Resolver = (lo: number, hi: number, size: number) => MemLoc | undefined;

/** Decoded pixels (xRGB32) of the block [x0, x0 + width) x [y0, y0 + height) of an image. */
export interface Pixels {
  readonly x0: number;
  readonly y0: number;
  readonly width: number;
  readonly height: number;
  readonly data: Uint32Array;
}

export type ImageRef =
  | { readonly kind: 'pixels'; readonly pixels: Pixels }
  | { readonly kind: 'surface'; readonly surfaceId: number }
  | { readonly kind: 'error'; readonly message: string };

/** Our decode limit: a guest cannot make the device allocate more than this per image (16 Mi pixels, 64 MiB). */
export const MAX_DECODE_PIXELS = 16 * 1024 * 1024;
/** A chunk chain longer than this is treated as a loop (spice-server bounds its chunk walks too). */
export const MAX_CHUNKS = 4096;
/** Server-side image cache bound (our policy for docs/qxl.md §13's "caches must be bounded"). */
export const IMAGE_CACHE_MAX_ITEMS = 512;
export const IMAGE_CACHE_MAX_BYTES = 32 * 1024 * 1024;
/** Images larger than this are rendered but never cached. */
export const IMAGE_CACHE_MAX_IMAGE_PIXELS = 1024 * 1024;

const BYTES_PER_PIXEL: Record<number, number> = {
  [SPICE_BITMAP_FMT_8BIT]: 1,
  [SPICE_BITMAP_FMT_16BIT]: 2,
  [SPICE_BITMAP_FMT_24BIT]: 3,
  [SPICE_BITMAP_FMT_32BIT]: 4,
  [SPICE_BITMAP_FMT_RGBA]: 4,
};

/** A bounded LRU of decoded images keyed by the QXLImage descriptor id. */
export class ImageCache {
  private readonly map = new Map<string, Pixels>();
  bytes = 0;
  evictions = 0;
  constructor(readonly maxItems = IMAGE_CACHE_MAX_ITEMS, readonly maxBytes = IMAGE_CACHE_MAX_BYTES) {}
  get size(): number {
    return this.map.size;
  }
  get(key: string): Pixels | undefined {
    const p = this.map.get(key);
    if (p !== undefined) {
      this.map.delete(key);
      this.map.set(key, p);
    }
    return p;
  }
  put(key: string, p: Pixels): void {
    const size = p.data.byteLength;
    if (size > this.maxBytes) return;
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.bytes -= old.data.byteLength;
    }
    while (this.map.size >= this.maxItems || this.bytes + size > this.maxBytes) {
      const first = this.map.keys().next();
      if (first.done === true) break;
      this.bytes -= this.map.get(first.value)!.data.byteLength;
      this.map.delete(first.value);
      this.evictions++;
    }
    this.map.set(key, p);
    this.bytes += size;
  }
  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

/** Reads `length` bytes at `pos` of a bitmap's data, contiguous (DIRECT) or spread over a chunk list. */
type ByteSource = (pos: number, out: Uint8Array) => void;

function chunkSource(resolve: Resolver, lo: number, hi: number, needed: number): ByteSource | string {
  const parts: { loc: MemLoc; start: number; size: number }[] = [];
  let total = 0;
  while (total < needed) {
    if ((lo === 0 && hi === 0) || parts.length >= MAX_CHUNKS) return 'data chunk list shorter than the bitmap';
    const head = resolve(lo, hi, CHUNK_DATA);
    if (head === undefined) return 'bad data chunk address';
    const dv = readStruct(head.target, head.offset, CHUNK_DATA);
    const size = dv.getUint32(CHUNK_DATA_SIZE, true);
    const data = resolve(lo, hi, CHUNK_DATA + size);
    if (data === undefined) return 'bad data chunk size';
    parts.push({ loc: { target: data.target, offset: data.offset + CHUNK_DATA }, start: total, size });
    total += size;
    lo = dv.getUint32(CHUNK_NEXT, true);
    hi = dv.getUint32(CHUNK_NEXT + 4, true);
  }
  return (pos, out) => {
    let done = 0;
    for (const p of parts) {
      if (done >= out.length) break;
      const at = pos + done;
      if (at < p.start || at >= p.start + p.size) continue;
      const n = Math.min(out.length - done, p.start + p.size - at);
      p.loc.target.readBytes(p.loc.offset + (at - p.start), out.subarray(done, done + n));
      done += n;
    }
  };
}

/**
 * Decodes the part `area` of the QXLImage at (lo, hi) (clipped to the image). Uses and fills `cache` for images
 * flagged QXL_IMAGE_CACHE (the whole image is decoded then, when small enough).
 */
export function decodeImage(resolve: Resolver, lo: number, hi: number, area: Rect, cache: ImageCache): ImageRef {
  const hdr = resolve(lo, hi, QXL_IMAGE_SURFACE_SIZEOF);
  if (hdr === undefined) return { kind: 'error', message: 'bad image address' };
  const small = readStruct(hdr.target, hdr.offset, QXL_IMAGE_SURFACE_SIZEOF);
  const type = small.getUint8(IMAGE_TYPE);
  if (type === SPICE_IMAGE_TYPE_SURFACE) return { kind: 'surface', surfaceId: small.getUint32(IMAGE_SURFACE_ID, true) };
  if (type !== SPICE_IMAGE_TYPE_BITMAP) return { kind: 'error', message: `unsupported image type ${type}` };
  const full = resolve(lo, hi, QXL_IMAGE_BITMAP_SIZEOF);
  if (full === undefined) return { kind: 'error', message: 'bad bitmap image address' };
  const dv = readStruct(full.target, full.offset, QXL_IMAGE_BITMAP_SIZEOF);
  const cacheKey = `${dv.getUint32(4, true)}:${dv.getUint32(0, true)}`;
  const cacheable = (dv.getUint8(IMAGE_FLAGS) & QXL_IMAGE_CACHE) !== 0;
  if (cacheable) {
    const hit = cache.get(cacheKey);
    if (hit !== undefined) return { kind: 'pixels', pixels: hit };
  }
  const format = dv.getUint8(BITMAP_FORMAT);
  const flags = dv.getUint8(BITMAP_FLAGS);
  const width = dv.getUint32(BITMAP_X, true);
  const height = dv.getUint32(BITMAP_Y, true);
  const stride = dv.getUint32(BITMAP_STRIDE, true);
  const bpp = BYTES_PER_PIXEL[format];
  if (bpp === undefined) return { kind: 'error', message: `unsupported bitmap format ${format}` };
  if (width === 0 || height === 0 || stride < width * bpp) return { kind: 'error', message: 'inconsistent bitmap geometry' };
  const wholeSmall = width * height <= IMAGE_CACHE_MAX_IMAGE_PIXELS;
  const want = cacheable && wholeSmall ? { top: 0, left: 0, bottom: height, right: width } : area;
  const x0 = Math.max(0, want.left);
  const y0 = Math.max(0, want.top);
  const w = Math.min(width, want.right) - x0;
  const h = Math.min(height, want.bottom) - y0;
  if (w <= 0 || h <= 0) return { kind: 'pixels', pixels: { x0: 0, y0: 0, width: 0, height: 0, data: new Uint32Array(0) } };
  if (w * h > MAX_DECODE_PIXELS) return { kind: 'error', message: `bitmap area ${w}x${h} exceeds the decode limit` };
  const needed = stride * height;
  const dLo = dv.getUint32(BITMAP_DATA, true);
  const dHi = dv.getUint32(BITMAP_DATA + 4, true);
  let src: ByteSource | string;
  if ((flags & QXL_BITMAP_DIRECT) !== 0) {
    const loc = resolve(dLo, dHi, needed);
    src = loc === undefined ? 'bad bitmap data address' : (pos, out) => loc.target.readBytes(loc.offset + pos, out);
  } else {
    src = chunkSource(resolve, dLo, dHi, needed);
  }
  if (typeof src === 'string') return { kind: 'error', message: src };
  let palette: Uint32Array | undefined;
  if (format === SPICE_BITMAP_FMT_8BIT) {
    const pLo = dv.getUint32(BITMAP_PALETTE, true);
    const pHi = dv.getUint32(BITMAP_PALETTE + 4, true);
    const ph = resolve(pLo, pHi, PALETTE_ENTS);
    if (ph === undefined) return { kind: 'error', message: 'bad palette address' };
    const n = readStruct(ph.target, ph.offset, PALETTE_ENTS).getUint16(PALETTE_NUM_ENTS, true);
    const pe = resolve(pLo, pHi, PALETTE_ENTS + 4 * n);
    if (pe === undefined) return { kind: 'error', message: 'bad palette size' };
    const raw = readStruct(pe.target, pe.offset + PALETTE_ENTS, 4 * n);
    palette = new Uint32Array(256);
    for (let i = 0; i < Math.min(n, 256); i++) palette[i] = raw.getUint32(4 * i, true);
  }
  const data = new Uint32Array(w * h);
  const row = new Uint8Array(w * bpp);
  const topDown = (flags & QXL_BITMAP_TOP_DOWN) !== 0;
  for (let j = 0; j < h; j++) {
    const memRow = topDown ? y0 + j : height - 1 - (y0 + j);
    src(memRow * stride + x0 * bpp, row);
    for (let i = 0; i < w; i++) {
      const p = i * bpp;
      let v: number;
      if (bpp === 4) v = row[p]! | (row[p + 1]! << 8) | (row[p + 2]! << 16) | (row[p + 3]! << 24);
      else if (bpp === 3) v = row[p]! | (row[p + 1]! << 8) | (row[p + 2]! << 16);
      else if (bpp === 2) {
        const x = row[p]! | (row[p + 1]! << 8);
        v = ((((x >> 10) & 0x1f) << 19) | (((x >> 5) & 0x1f) << 11) | ((x & 0x1f) << 3)) >>> 0;
      } else v = palette![row[p]!]!;
      data[j * w + i] = v >>> 0;
    }
  }
  const pixels: Pixels = { x0, y0, width: w, height: h, data };
  if (cacheable && wholeSmall) cache.put(cacheKey, pixels);
  return { kind: 'pixels', pixels };
}
