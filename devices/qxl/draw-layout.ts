/**
 * Drawing-command layouts (packed, little-endian) and the spice enums they use. Source: spice-protocol
 * spice/qxl_dev.h (QXLDrawable, QXLCompatDrawable, QXLFill, QXLCopy, QXLImage, QXLBitmap, QXLDataChunk,
 * QXLClipRects) and spice/enums.h; offsets computed from the packed field sizes.
 */

/** Offsets of the drawable header fields; the native form (qxl-2+) and the qxl-1 compat form differ. */
export interface DrawableLayout {
  readonly surfaceId: number; // -1: compat drawables always target surface 0
  readonly effect: number;
  readonly type: number;
  readonly bbox: number; // QXLRect {top, left, bottom, right} i32
  readonly clipType: number;
  readonly clipData: number;
  readonly u: number; // the per-type union
  readonly size: number; // sizeof, the size spice validates through the memslot
}

export const DRAWABLE: DrawableLayout = {
  surfaceId: 8, effect: 12, type: 13, bbox: 31, clipType: 47, clipData: 51, u: 123,
  size: 123 + 68, // the largest union member is QXLText (68 bytes)
};
export const COMPAT_DRAWABLE: DrawableLayout = {
  surfaceId: -1, effect: 8, type: 9, bbox: 28, clipType: 44, clipData: 48, u: 60,
  size: 60 + 68,
};
/** QXLDrawable.surfaces_dest[3] (i32) and surfaces_rects[3]: the other surfaces a native drawable reads. */
export const DRAWABLE_SURFACES_DEST = 63;

// ---- QXL_DRAW_* types ----
export const QXL_DRAW_NOP = 0;
export const QXL_DRAW_FILL = 1;
export const QXL_DRAW_OPAQUE = 2;
export const QXL_DRAW_COPY = 3;
export const QXL_COPY_BITS = 4;
export const QXL_DRAW_BLEND = 5;
export const QXL_DRAW_BLACKNESS = 6;
export const QXL_DRAW_WHITENESS = 7;
export const QXL_DRAW_INVERS = 8;
export const QXL_DRAW_ROP3 = 9;
export const QXL_DRAW_STROKE = 10;
export const QXL_DRAW_TEXT = 11;
export const QXL_DRAW_TRANSPARENT = 12;
export const QXL_DRAW_ALPHA_BLEND = 13;
export const QXL_DRAW_COMPOSITE = 14;
export const QXL_EFFECT_NOP = 6;

// ---- union members (offsets relative to the union) ----
export const FILL_BRUSH_TYPE = 0;
export const FILL_BRUSH_COLOR = 4;
export const FILL_ROP = 20;
export const COPY_SRC_BITMAP = 0; // also QXLOpaque, QXLBlend, QXLTransparent
export const COPY_SRC_AREA = 8;
export const COPY_ROP = 24; // QXLCopy / QXLBlend
export const OPAQUE_ROP = 44;
export const TRANSPARENT_SRC_COLOR = 24;
export const ALPHA_BLEND_ALPHA = 2; // QXLAlphaBlend {alpha_flags u16, alpha u8, src_bitmap, src_area}
export const ALPHA_BLEND_SRC_BITMAP = 3;
export const ALPHA_BLEND_SRC_AREA = 11;
export const COPY_BITS_SRC_X = 0;
export const COPY_BITS_SRC_Y = 4;

// ---- QXLImage / QXLBitmap ----
export const IMAGE_ID = 0; // u64 descriptor id
export const IMAGE_TYPE = 8;
export const IMAGE_FLAGS = 9;
export const IMAGE_WIDTH = 10;
export const IMAGE_HEIGHT = 14;
export const BITMAP_FORMAT = 18;
export const BITMAP_FLAGS = 19;
export const BITMAP_X = 20;
export const BITMAP_Y = 24;
export const BITMAP_STRIDE = 28;
export const BITMAP_PALETTE = 32;
export const BITMAP_DATA = 40;
export const QXL_IMAGE_BITMAP_SIZEOF = 48;
export const IMAGE_SURFACE_ID = 18;
export const QXL_IMAGE_SURFACE_SIZEOF = 22;
export const QXL_IMAGE_CACHE = 1 << 0;
export const QXL_BITMAP_DIRECT = 1 << 0;
export const QXL_BITMAP_TOP_DOWN = 1 << 2;
/** QXLPalette {unique u64, num_ents u16, ents u32[]}. */
export const PALETTE_NUM_ENTS = 8;
export const PALETTE_ENTS = 10;

// ---- QXLDataChunk {data_size u32, prev_chunk u64, next_chunk u64, data[]} ----
export const CHUNK_DATA_SIZE = 0;
export const CHUNK_NEXT = 12;
export const CHUNK_DATA = 20;
/** QXLClipRects {num_rects u32, chunk QXLDataChunk}; the rects (16 bytes each) are the chunk data. */
export const CLIP_RECTS_CHUNK = 4;

// ---- spice enums (spice/enums.h) ----
export const SPICE_IMAGE_TYPE_BITMAP = 0;
export const SPICE_IMAGE_TYPE_SURFACE = 104;
export const SPICE_BITMAP_FMT_8BIT = 5;
export const SPICE_BITMAP_FMT_16BIT = 6; // x555
export const SPICE_BITMAP_FMT_24BIT = 7;
export const SPICE_BITMAP_FMT_32BIT = 8;
export const SPICE_BITMAP_FMT_RGBA = 9;
export const SPICE_BRUSH_TYPE_NONE = 0;
export const SPICE_BRUSH_TYPE_SOLID = 1;
export const SPICE_CLIP_TYPE_NONE = 0;
export const SPICE_CLIP_TYPE_RECTS = 1;
export const SPICE_ROPD_INVERS_SRC = 1 << 0;
export const SPICE_ROPD_INVERS_BRUSH = 1 << 1;
export const SPICE_ROPD_INVERS_DEST = 1 << 2;
export const SPICE_ROPD_OP_PUT = 1 << 3;
export const SPICE_ROPD_OP_OR = 1 << 4;
export const SPICE_ROPD_OP_AND = 1 << 5;
export const SPICE_ROPD_OP_XOR = 1 << 6;
export const SPICE_ROPD_OP_BLACKNESS = 1 << 7;
export const SPICE_ROPD_OP_WHITENESS = 1 << 8;
export const SPICE_ROPD_OP_INVERS = 1 << 9;
export const SPICE_ROPD_INVERS_RES = 1 << 10;
