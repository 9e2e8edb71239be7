import { QXL_CMD_CURSOR, QXL_CMD_DRAW, QXL_CURSOR_CMD_SIZEOF, QXL_CURSOR_MOVE, QXL_CURSOR_SET, QXL_CURSOR_SIZEOF } from './constants.js';
import {
  COPY_BITS_SRC_X, DRAWABLE, QXL_COPY_BITS, QXL_DRAW_COPY, QXL_DRAW_FILL, QXL_IMAGE_BITMAP_SIZEOF,
  QXL_IMAGE_SURFACE_SIZEOF, SPICE_BITMAP_FMT_32BIT, SPICE_IMAGE_TYPE_SURFACE, SPICE_ROPD_OP_PUT,
} from './draw-layout.js';
import { QxlDriverBase } from './driver-base.js';
import type { Rect } from './render.js';

export { DriverRegistry, DRIVER_INT_MASK, type DriverError, type GuestCpu, type PciConfigView, type DriverOptions } from './driver-core.js';
export { RangeAllocator } from './driver-alloc.js';
export type { DriverSurface } from './driver-base.js';

const OPAQUE_EFFECT = 1; // QXL_EFFECT_OPAQUE
const BLEND_EFFECT = 0; // QXL_EFFECT_BLEND

/**
 * A QXL guest driver session for scenarios and tests (Linux qxl DRM / xf86-video-qxl behaviour): primary surface,
 * off-screen surfaces in VRAM, fills and copies, update-area, eviction, releases and cursor commands.
 */
export class QxlDriver extends QxlDriverBase {
  /**
   * A drawable header. Only a result that ignores the destination (rop OP_PUT) is QXL_EFFECT_OPAQUE: spice-server
   * lets an opaque drawable remove the older ones it covers (display-channel.cpp exclude_region), so a XOR
   * marked opaque would erase what it is meant to combine with (recorded: occlusion).
   */
  private drawable(surfaceId: number, type: number, r: Rect, deps: number[] = [], rop = SPICE_ROPD_OP_PUT): { bytes: Uint8Array; dv: DataView; u: number } {
    const bytes = new Uint8Array(DRAWABLE.size);
    const dv = new DataView(bytes.buffer);
    dv.setUint32(DRAWABLE.surfaceId, surfaceId, true);
    dv.setUint8(DRAWABLE.effect, rop === SPICE_ROPD_OP_PUT ? OPAQUE_EFFECT : BLEND_EFFECT);
    dv.setUint8(DRAWABLE.type, type);
    [r.top, r.left, r.bottom, r.right].forEach((v, i) => dv.setInt32(DRAWABLE.bbox + 4 * i, v, true));
    for (let i = 0; i < 3; i++) dv.setInt32(63 + 4 * i, deps[i] ?? -1, true); // surfaces_dest
    return { bytes, dv, u: DRAWABLE.u };
  }

  /** A solid fill (QXL_DRAW_FILL, brush SOLID, rop OP_PUT by default). */
  fill(surfaceId: number, r: Rect, color: number, rop = SPICE_ROPD_OP_PUT): boolean {
    if (!this.usable) return false;
    const d = this.drawable(surfaceId, QXL_DRAW_FILL, r, [], rop);
    d.dv.setUint32(d.u, 1, true);
    d.dv.setUint32(d.u + 4, color >>> 0, true);
    d.dv.setUint16(d.u + 20, rop, true);
    return this.submit(d.bytes, QXL_CMD_DRAW, []);
  }

  /** Copies a top-down 32 bpp bitmap (w x h pixels, in one data chunk) into `r`; `cacheId` sets QXL_IMAGE_CACHE. */
  copyImage(surfaceId: number, r: Rect, w: number, h: number, pixels: Uint32Array, cacheId?: number): boolean {
    if (!this.usable) return false;
    const chunk = new Uint8Array(20 + w * h * 4);
    const cv = new DataView(chunk.buffer);
    cv.setUint32(0, w * h * 4, true);
    for (let i = 0; i < w * h; i++) cv.setUint32(20 + 4 * i, pixels[i] ?? 0, true);
    const chunkOff = this.place(chunk);
    if (chunkOff === undefined) return false;
    const img = new DataView(new ArrayBuffer(QXL_IMAGE_BITMAP_SIZEOF));
    img.setUint32(0, cacheId ?? 0, true);
    img.setUint8(9, cacheId !== undefined ? 1 : 0);
    img.setUint32(10, w, true);
    img.setUint32(14, h, true);
    img.setUint8(18, SPICE_BITMAP_FMT_32BIT);
    img.setUint8(19, 4); // TOP_DOWN
    img.setUint32(20, w, true);
    img.setUint32(24, h, true);
    img.setUint32(28, w * 4, true);
    const cp = this.phys(this.mainSlot, chunkOff);
    img.setUint32(40, cp.lo, true);
    img.setUint32(44, cp.hi, true);
    const imgOff = this.place(new Uint8Array(img.buffer));
    if (imgOff === undefined) return (this.mainAlloc.release(chunkOff), false);
    return this.copyFrom(surfaceId, r, imgOff, { top: 0, left: 0, bottom: h, right: w }, [chunkOff, imgOff], []);
  }

  /** Copies `src` of surface `srcId` into `r` of surface `surfaceId` (an image of type SURFACE). */
  copySurface(surfaceId: number, r: Rect, srcId: number, src: Rect): boolean {
    if (!this.usable) return false;
    const img = new DataView(new ArrayBuffer(QXL_IMAGE_SURFACE_SIZEOF));
    img.setUint8(8, SPICE_IMAGE_TYPE_SURFACE);
    img.setUint32(18, srcId, true);
    const imgOff = this.place(new Uint8Array(img.buffer));
    if (imgOff === undefined) return false;
    return this.copyFrom(surfaceId, r, imgOff, src, [imgOff], [srcId]);
  }

  private copyFrom(surfaceId: number, r: Rect, imgOff: number, src: Rect, extra: number[], deps: number[]): boolean {
    const d = this.drawable(surfaceId, QXL_DRAW_COPY, r, deps);
    const ip = this.phys(this.mainSlot, imgOff);
    d.dv.setUint32(d.u, ip.lo, true);
    d.dv.setUint32(d.u + 4, ip.hi, true);
    [src.top, src.left, src.bottom, src.right].forEach((v, i) => d.dv.setInt32(d.u + 8 + 4 * i, v, true));
    d.dv.setUint16(d.u + 24, SPICE_ROPD_OP_PUT, true);
    return this.submit(d.bytes, QXL_CMD_DRAW, extra);
  }

  /** QXL_COPY_BITS: moves the pixels at (srcX, srcY) of the same surface into `r`. */
  copyBits(surfaceId: number, r: Rect, srcX: number, srcY: number): boolean {
    if (!this.usable) return false;
    const d = this.drawable(surfaceId, QXL_COPY_BITS, r);
    d.dv.setInt32(d.u + COPY_BITS_SRC_X, srcX, true);
    d.dv.setInt32(d.u + COPY_BITS_SRC_X + 4, srcY, true);
    return this.submit(d.bytes, QXL_CMD_DRAW, []);
  }

  /** Cursor SET (with a 1x1 alpha shape) or MOVE on the cursor ring. */
  cursor(kind: 'set' | 'move', x: number, y: number): boolean {
    if (!this.usable) return false;
    const cmd = new DataView(new ArrayBuffer(QXL_CURSOR_CMD_SIZEOF));
    cmd.setUint8(8, kind === 'set' ? QXL_CURSOR_SET : QXL_CURSOR_MOVE);
    cmd.setInt16(9, x, true);
    cmd.setInt16(11, y, true);
    const extra: number[] = [];
    if (kind === 'set') {
      const shape = new DataView(new ArrayBuffer(QXL_CURSOR_SIZEOF + 4));
      shape.setUint16(10, 1, true);
      shape.setUint16(12, 1, true);
      shape.setUint32(18, 4, true);
      shape.setUint32(22, 4, true);
      const off = this.place(new Uint8Array(shape.buffer));
      if (off === undefined) return false;
      extra.push(off);
      cmd.setUint8(13, 1);
      const p = this.phys(this.mainSlot, off);
      cmd.setUint32(14, p.lo, true);
      cmd.setUint32(18, p.hi, true);
    }
    return this.submit(new Uint8Array(cmd.buffer), QXL_CMD_CURSOR, extra, undefined, true);
  }

}
