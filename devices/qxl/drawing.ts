import {
  ALPHA_BLEND_ALPHA, ALPHA_BLEND_SRC_AREA, ALPHA_BLEND_SRC_BITMAP, CHUNK_DATA, CHUNK_DATA_SIZE, CLIP_RECTS_CHUNK,
  COPY_BITS_SRC_X, COPY_BITS_SRC_Y, COPY_ROP, COPY_SRC_AREA, COPY_SRC_BITMAP, DRAWABLE_SURFACES_DEST, FILL_BRUSH_COLOR,
  FILL_BRUSH_TYPE, FILL_ROP, IMAGE_SURFACE_ID, IMAGE_TYPE, OPAQUE_ROP, QXL_COPY_BITS, QXL_DRAW_ALPHA_BLEND,
  QXL_DRAW_BLACKNESS, QXL_DRAW_BLEND, QXL_DRAW_COPY, QXL_DRAW_FILL, QXL_DRAW_INVERS, QXL_DRAW_OPAQUE,
  QXL_DRAW_TRANSPARENT, QXL_DRAW_WHITENESS, QXL_IMAGE_SURFACE_SIZEOF, SPICE_BRUSH_TYPE_SOLID, SPICE_CLIP_TYPE_NONE,
  SPICE_CLIP_TYPE_RECTS, SPICE_IMAGE_TYPE_SURFACE, SPICE_ROPD_OP_BLACKNESS, SPICE_ROPD_OP_INVERS, SPICE_ROPD_OP_PUT,
  SPICE_ROPD_OP_WHITENESS, TRANSPARENT_SRC_COLOR, type DrawableLayout,
} from './draw-layout.js';
import { decodeImage, MAX_DECODE_PIXELS, type ImageCache, type Pixels, type Resolver } from './image.js';
import { readStruct, type MemLoc } from './memory.js';
import {
  applyRop, fromXrgb, intersect, isEmpty, paint, paintable, readBlock, ropReadsDest, surfaceRect, toXrgb, type Rect, type SurfaceView,
} from './render.js';
import { paintCopyBits, paintCopyRows, paintRopFill, paintSolid, wordPaintable } from './paint-rows.js';

/** Our bound on clip rectangles per drawable (spice copies them into host memory; a guest must not inflate it). */
export const MAX_CLIP_RECTS = 4096;

/** What spice keeps of a drawable after parsing it (red_get_drawable): fields are snapshotted, pixels read later. */
export interface DrawSpec {
  readonly surfaceId: number;
  readonly type: number;
  /** QXL_EFFECT_* (spice-server's occlusion treats QXL_EFFECT_OPAQUE drawables as covering what is below). */
  readonly effect: number;
  readonly bbox: Rect;
  readonly clip: readonly Rect[] | undefined;
  readonly rop: number;
  readonly color: number;
  readonly src: { readonly lo: number; readonly hi: number } | undefined;
  readonly srcArea: Rect;
  readonly srcX: number;
  readonly srcY: number;
  readonly alpha: number;
  readonly transparentColor: number;
  /** Surfaces this drawable reads, which must be rendered up to it first. */
  readonly deps: readonly number[];
}

function rectAt(dv: DataView, off: number): Rect {
  return {
    top: dv.getInt32(off, true),
    left: dv.getInt32(off + 4, true),
    bottom: dv.getInt32(off + 8, true),
    right: dv.getInt32(off + 12, true),
  };
}

function readClipRects(resolve: Resolver, lo: number, hi: number): Rect[] | string {
  const head = resolve(lo, hi, CLIP_RECTS_CHUNK + CHUNK_DATA);
  if (head === undefined) return 'bad clip address';
  const dv = readStruct(head.target, head.offset, CLIP_RECTS_CHUNK + CHUNK_DATA);
  const n = dv.getUint32(0, true);
  if (n > MAX_CLIP_RECTS) return `too many clip rects (${n})`;
  if (dv.getUint32(CLIP_RECTS_CHUNK + CHUNK_DATA_SIZE, true) < n * 16) return 'clip rects chunk too small';
  const all = resolve(lo, hi, CLIP_RECTS_CHUNK + CHUNK_DATA + n * 16);
  if (all === undefined) return 'bad clip rects size';
  const rv = readStruct(all.target, all.offset + CLIP_RECTS_CHUNK + CHUNK_DATA, n * 16);
  return Array.from({ length: n }, (_, i) => rectAt(rv, i * 16));
}

/** Parses the drawable at `loc` (already validated for layout.size bytes). Returns an error string on bad input. */
export function parseDrawable(resolve: Resolver, loc: MemLoc, layout: DrawableLayout): DrawSpec | string {
  const dv = readStruct(loc.target, loc.offset, layout.size);
  const u = layout.u;
  const type = dv.getUint8(layout.type);
  const surfaceId = layout.surfaceId < 0 ? 0 : dv.getUint32(layout.surfaceId, true);
  const deps: number[] = [];
  if (layout.surfaceId >= 0) {
    for (let i = 0; i < 3; i++) {
      const s = dv.getInt32(DRAWABLE_SURFACES_DEST + 4 * i, true);
      if (s >= 0 && s !== surfaceId) deps.push(s);
    }
  }
  let clip: Rect[] | undefined;
  const clipType = dv.getUint32(layout.clipType, true);
  if (clipType === SPICE_CLIP_TYPE_RECTS) {
    const r = readClipRects(resolve, dv.getUint32(layout.clipData, true), dv.getUint32(layout.clipData + 4, true));
    if (typeof r === 'string') return r;
    clip = r;
  } else if (clipType !== SPICE_CLIP_TYPE_NONE) return `invalid clip type ${clipType}`;
  let src: DrawSpec['src'];
  let srcArea: Rect = { top: 0, left: 0, bottom: 0, right: 0 };
  let rop = SPICE_ROPD_OP_PUT;
  let color = 0;
  let alpha = 255;
  const srcAt = (p: number, a: number): void => {
    src = { lo: dv.getUint32(u + p, true), hi: dv.getUint32(u + p + 4, true) };
    srcArea = rectAt(dv, u + a);
  };
  switch (type) {
    case QXL_DRAW_FILL:
      if (dv.getUint32(u + FILL_BRUSH_TYPE, true) === SPICE_BRUSH_TYPE_SOLID) color = dv.getUint32(u + FILL_BRUSH_COLOR, true);
      rop = dv.getUint16(u + FILL_ROP, true);
      break;
    case QXL_DRAW_COPY:
    case QXL_DRAW_BLEND:
      srcAt(COPY_SRC_BITMAP, COPY_SRC_AREA);
      rop = dv.getUint16(u + COPY_ROP, true);
      break;
    case QXL_DRAW_OPAQUE:
      srcAt(COPY_SRC_BITMAP, COPY_SRC_AREA);
      rop = dv.getUint16(u + OPAQUE_ROP, true);
      break;
    case QXL_DRAW_TRANSPARENT:
      srcAt(COPY_SRC_BITMAP, COPY_SRC_AREA);
      break;
    case QXL_DRAW_ALPHA_BLEND:
      if (layout.surfaceId < 0) break; // qxl-1 compat alpha blend is a different layout; not rendered
      srcAt(ALPHA_BLEND_SRC_BITMAP, ALPHA_BLEND_SRC_AREA);
      alpha = dv.getUint8(u + ALPHA_BLEND_ALPHA);
      break;
    case QXL_DRAW_BLACKNESS:
      rop = SPICE_ROPD_OP_BLACKNESS;
      break;
    case QXL_DRAW_WHITENESS:
      rop = SPICE_ROPD_OP_WHITENESS;
      break;
    case QXL_DRAW_INVERS:
      rop = SPICE_ROPD_OP_INVERS;
      break;
    default:
      break;
  }
  if (src !== undefined) {
    const img = resolve(src.lo, src.hi, QXL_IMAGE_SURFACE_SIZEOF);
    if (img === undefined) return 'bad image address';
    const iv = readStruct(img.target, img.offset, QXL_IMAGE_SURFACE_SIZEOF);
    if (iv.getUint8(IMAGE_TYPE) === SPICE_IMAGE_TYPE_SURFACE) deps.push(iv.getUint32(IMAGE_SURFACE_ID, true));
  }
  return {
    surfaceId,
    type,
    effect: dv.getUint8(layout.effect),
    bbox: rectAt(dv, layout.bbox),
    clip,
    rop,
    color,
    src,
    srcArea,
    srcX: dv.getInt32(u + COPY_BITS_SRC_X, true),
    srcY: dv.getInt32(u + COPY_BITS_SRC_Y, true),
    alpha,
    transparentColor: dv.getUint32(u + TRANSPARENT_SRC_COLOR, true),
    deps,
  };
}

/** Access to other surfaces and to the image decoder while painting. */
export interface PaintContext {
  readonly resolve: Resolver;
  readonly cache: ImageCache;
  surface(id: number): SurfaceView | undefined;
}

/** Source pixels for a copy-like drawable, as xRGB32 over the clipped source area. */
function sourcePixels(ctx: PaintContext, d: DrawSpec, area: Rect): Pixels | string {
  const ref = decodeImage(ctx.resolve, d.src!.lo, d.src!.hi, area, ctx.cache);
  if (ref.kind === 'error') return ref.message;
  if (ref.kind === 'pixels') return ref.pixels;
  const s = ctx.surface(ref.surfaceId);
  if (s === undefined) return `source surface ${ref.surfaceId} does not exist`;
  if (!paintable(s.format)) return `source surface format ${s.format} is not rendered by this model`;
  const r = intersect(area, surfaceRect(s));
  if (isEmpty(r)) return { x0: 0, y0: 0, width: 0, height: 0, data: new Uint32Array(0) };
  if ((r.right - r.left) * (r.bottom - r.top) > MAX_DECODE_PIXELS) return 'source area exceeds the decode limit';
  const raw = readBlock(s, r.left, r.top, r.right - r.left, r.bottom - r.top);
  for (let i = 0; i < raw.length; i++) raw[i] = toXrgb(s.format, raw[i]!);
  return { x0: r.left, y0: r.top, width: r.right - r.left, height: r.bottom - r.top, data: raw };
}

/**
 * Renders a parsed drawable into its destination surface (sw-canvas semantics reduced to what drivers need:
 * solid fills with ROPs, copies from bitmaps or surfaces with nearest scaling, copy-bits, blackness/whiteness/
 * invers, transparent and constant-alpha blends). Returns an error string when the drawable cannot be drawn.
 */
export function paintDrawable(ctx: PaintContext, dest: SurfaceView, d: DrawSpec): string | undefined {
  if (!paintable(dest.format)) return `surface format ${dest.format} is not rendered by this model`;
  const region = intersect(d.bbox, surfaceRect(dest));
  if (isEmpty(region)) return undefined;
  const rects = d.clip === undefined ? [region] : d.clip.map((c) => intersect(c, region)).filter((r) => !isEmpty(r));
  const fmt = dest.format;
  const bw = d.bbox.right - d.bbox.left;
  const bh = d.bbox.bottom - d.bbox.top;
  let fn: ((x: number, y: number, dst: number) => number) | undefined;
  let readDest = ropReadsDest(d.rop);
  const words = wordPaintable(dest);
  if (d.type === QXL_DRAW_FILL || d.type === QXL_DRAW_BLACKNESS || d.type === QXL_DRAW_WHITENESS || d.type === QXL_DRAW_INVERS) {
    if (words) {
      // The callback below, a row at a time: a ROP that ignores the destination is one value (dst reads as 0).
      const solid = readDest ? -1 : applyRop(d.rop, d.color, 0);
      for (const r of rects) if (!(readDest ? paintRopFill(dest, r, d.rop, d.color) : paintSolid(dest, r, solid))) return 'surface write faulted';
      return undefined;
    }
    fn = (_x, _y, dst) => applyRop(d.rop, d.color, dst);
  } else if (d.type === QXL_COPY_BITS) {
    const dx = d.srcX - d.bbox.left;
    const dy = d.srcY - d.bbox.top;
    const from = intersect({ top: region.top + dy, left: region.left + dx, bottom: region.bottom + dy, right: region.right + dx }, surfaceRect(dest));
    if (isEmpty(from)) return undefined;
    const w = from.right - from.left;
    if (w * (from.bottom - from.top) > MAX_DECODE_PIXELS) return 'copy-bits area exceeds the decode limit';
    const block = readBlock(dest, from.left, from.top, w, from.bottom - from.top); // read first: areas may overlap
    if (words) {
      for (const r of rects) if (!paintCopyBits(dest, r, block, from, dx, dy)) return 'surface write faulted';
      return undefined;
    }
    fn = (x, y, dst) => {
      const sx = x + dx - from.left;
      const sy = y + dy - from.top;
      return sx >= 0 && sx < w && sy >= 0 && sy < from.bottom - from.top ? block[sy * w + sx]! : dst;
    };
    readDest = true;
  } else if (d.src !== undefined) {
    const px = sourcePixels(ctx, d, d.srcArea);
    if (typeof px === 'string') return px;
    if (px.width === 0) return undefined;
    const sw = d.srcArea.right - d.srcArea.left;
    const sh = d.srcArea.bottom - d.srcArea.top;
    const pick = (x: number, y: number): number | undefined => {
      const sx = d.srcArea.left + Math.floor(((x - d.bbox.left) * sw) / Math.max(1, bw)) - px.x0;
      const sy = d.srcArea.top + Math.floor(((y - d.bbox.top) * sh) / Math.max(1, bh)) - px.y0;
      return sx >= 0 && sx < px.width && sy >= 0 && sy < px.height ? px.data[sy * px.width + sx] : undefined;
    };
    if (d.type === QXL_DRAW_TRANSPARENT) {
      readDest = true;
      fn = (x, y, dst) => {
        const s = pick(x, y);
        return s === undefined || (s & 0xffffff) === (d.transparentColor & 0xffffff) ? dst : fromXrgb(fmt, s);
      };
    } else if (d.type === QXL_DRAW_ALPHA_BLEND) {
      readDest = true;
      fn = (x, y, dst) => {
        const s = pick(x, y);
        if (s === undefined) return dst;
        const t = toXrgb(fmt, dst);
        let out = 0;
        for (let sh2 = 0; sh2 < 24; sh2 += 8) {
          const c = Math.floor((((s >>> sh2) & 0xff) * d.alpha + ((t >>> sh2) & 0xff) * (255 - d.alpha)) / 255);
          out |= c << sh2;
        }
        return fromXrgb(fmt, out >>> 0);
      };
    } else {
      if (words && sw === bw && sh === bh) {
        // Unscaled: pick() is (x - bbox.left + srcArea.left - x0, y - bbox.top + srcArea.top - y0), a row at a time.
        const dx = d.srcArea.left - d.bbox.left - px.x0;
        const dy = d.srcArea.top - d.bbox.top - px.y0;
        for (const r of rects) if (!paintCopyRows(dest, r, px, dx, dy, d.rop)) return 'surface write faulted';
        return undefined;
      }
      fn = (x, y, dst) => {
        const s = pick(x, y);
        return s === undefined ? dst : applyRop(d.rop, fromXrgb(fmt, s), dst);
      };
      readDest = true; // pixels outside the decoded source keep the destination
    }
  } else {
    return `draw type ${d.type} is not rendered by this model`;
  }
  for (const r of rects) if (!paint(dest, r, readDest, fn)) return 'surface write faulted';
  return undefined;
}

