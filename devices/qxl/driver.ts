import {
  QXL_CMD_CURSOR, QXL_CMD_DRAW, QXL_CMD_SURFACE, QXL_CURSOR_CMD_SIZEOF, QXL_CURSOR_MOVE, QXL_CURSOR_SET,
  QXL_CURSOR_SIZEOF, QXL_IO_CREATE_PRIMARY, QXL_IO_CREATE_PRIMARY_ASYNC, QXL_IO_DESTROY_SURFACE_ASYNC,
  QXL_IO_DESTROY_SURFACE_WAIT, QXL_IO_FLUSH_RELEASE, QXL_IO_MEMSLOT_DEL, QXL_IO_NOTIFY_OOM, QXL_IO_UPDATE_AREA,
  QXL_IO_UPDATE_AREA_ASYNC, QXL_SURF_FLAG_KEEP_DATA, QXL_SURFACE_CMD_CREATE, QXL_SURFACE_CMD_DESTROY,
  QXL_SURFACE_CMD_SIZEOF, RAM_CREATE_SURFACE, RAM_UPDATE_AREA, RAM_UPDATE_SURFACE, SPICE_SURFACE_FMT_32_xRGB,
} from './constants.js';
import {
  COPY_BITS_SRC_X, DRAWABLE, QXL_COPY_BITS, QXL_DRAW_COPY, QXL_DRAW_FILL, QXL_IMAGE_BITMAP_SIZEOF,
  QXL_IMAGE_SURFACE_SIZEOF, SPICE_BITMAP_FMT_32BIT, SPICE_IMAGE_TYPE_SURFACE, SPICE_ROPD_OP_PUT,
} from './draw-layout.js';
import { RangeAllocator } from './driver-alloc.js';
import { QxlDriverCore, type GuestCpu, type PciConfigView, type DriverOptions } from './driver-core.js';
import type { Rect } from './render.js';

export { DriverRegistry, DRIVER_INT_MASK, type DriverError, type GuestCpu, type PciConfigView, type DriverOptions } from './driver-core.js';

/** A surface as the driver tracks it: its VRAM block stays allocated until both its create and destroy come back. */
export interface DriverSurface {
  readonly id: number;
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  readonly vramOffset: number;
  state: 'live' | 'destroying';
  createReleased: boolean;
  destroyReleased: boolean;
}

const OPAQUE_EFFECT = 1; // QXL_EFFECT_OPAQUE

/**
 * A QXL guest driver session for scenarios and tests (Linux qxl DRM / xf86-video-qxl behaviour): primary surface,
 * off-screen surfaces in VRAM, fills and copies, update-area, eviction, releases and cursor commands.
 */
export class QxlDriver extends QxlDriverCore {
  readonly surfaces = new Map<number, DriverSurface>();
  private staleReported = false;

  constructor(cpu: GuestCpu, pci: PciConfigView, opts: DriverOptions = {}) {
    super(cpu, pci, opts);
  }

  private get usable(): boolean {
    this.serviceInterrupts();
    return !this.bugMode && !this.lost && this.mappingCurrent();
  }

  /** Whether BAR0 and the surfaces BAR are still where this session mapped them; a move is recorded once. */
  mappingCurrent(): boolean {
    const ok = this.barFromConfig(0) === this.ramBase && this.barFromConfig(this.vramBar) === this.vramBase;
    if (!ok && !this.staleReported) {
      this.staleReported = true;
      this.error('stale-mapping', `session ${this.session}: BAR${this.vramBar} or BAR0 moved while the allocators still use the old mapping (0x${this.vramBase.toString(16)})`);
    }
    return ok;
  }

  /** The fix for a moved BAR: drop the old memslots and mapping, map again and rebuild the allocators. */
  remap(): boolean {
    this.out(QXL_IO_MEMSLOT_DEL, this.mainSlot);
    this.out(QXL_IO_MEMSLOT_DEL, this.surfSlot);
    this.surfaces.clear();
    this.staleReported = false;
    return this.init();
  }

  /** Allocates and writes a structure in BAR0's command area; undefined when out of memory. */
  protected place(bytes: Uint8Array, align = 8): number | undefined {
    const off = this.mainAlloc.alloc(bytes.length, align);
    if (off === undefined) {
      this.error('out-of-memory', `session ${this.session}: BAR0 command area exhausted`);
      return undefined;
    }
    this.cpu.writeBytes(this.ramBase + off, bytes);
    return off;
  }

  /** Writes a command object (its first 8 bytes become its release id), hands it to the device and remembers it. */
  private submit(bytes: Uint8Array, type: number, extra: number[], onRelease?: () => void, cursor = false): boolean {
    const off = this.mainAlloc.alloc(bytes.length, 8);
    if (off === undefined) {
      for (const a of extra) this.mainAlloc.release(a);
      this.error('out-of-memory', `session ${this.session}: BAR0 command area exhausted`);
      return false;
    }
    const id = this.releaseId(off);
    const dv = new DataView(bytes.buffer, bytes.byteOffset);
    dv.setUint32(0, id >>> 0, true);
    dv.setUint32(4, Math.floor(id / 0x1_0000_0000), true);
    this.cpu.writeBytes(this.ramBase + off, bytes);
    this.awaiting.set(id, { offset: off, allocs: [off, ...extra], ...(onRelease !== undefined ? { onRelease } : {}) });
    const p = this.phys(this.mainSlot, off);
    return this.push(cursor, p.lo, p.hi, type);
  }

  /** CREATE_PRIMARY(_ASYNC) with a top-down 32 bpp surface at the start of BAR0 (Linux qxl_io_create_primary). */
  createPrimary(width: number, height: number): boolean {
    if (!this.usable) return false;
    const b = new DataView(new ArrayBuffer(40));
    const mem = this.phys(this.mainSlot, 0);
    [width, height, width * 4, SPICE_SURFACE_FMT_32_xRGB, 0, 1, QXL_SURF_FLAG_KEEP_DATA, 0, mem.lo, mem.hi].forEach((v, i) => b.setUint32(4 * i, v >>> 0, true));
    this.cpu.writeBytes(this.hdr(RAM_CREATE_SURFACE), new Uint8Array(b.buffer));
    const ok = this.revision >= 3 ? this.ioAsync(QXL_IO_CREATE_PRIMARY_ASYNC) : (this.out(QXL_IO_CREATE_PRIMARY), !this.bugMode);
    if (ok) this.surfaces.set(0, { id: 0, width, height, stride: width * 4, vramOffset: -1, state: 'live', createReleased: true, destroyReleased: false });
    return ok;
  }

  /** A surface in VRAM with a SURFACE CREATE (KEEP_DATA) command; returns its id. */
  createSurface(width: number, height: number): number | undefined {
    if (!this.usable) return undefined;
    let id = 1;
    while (this.surfaces.has(id)) id++;
    if (id >= this.numSurfaces) return undefined;
    const stride = width * 4;
    const vram = this.vramAlloc.alloc(stride * height, 4096);
    if (vram === undefined) {
      this.error('out-of-memory', `session ${this.session}: VRAM exhausted`);
      return undefined;
    }
    const s: DriverSurface = { id, width, height, stride, vramOffset: vram, state: 'live', createReleased: false, destroyReleased: false };
    const cmd = surfaceCmd(id, QXL_SURFACE_CMD_CREATE, width, height, stride, this.phys(this.surfSlot, vram));
    this.surfaces.set(id, s);
    if (!this.submit(cmd, QXL_CMD_SURFACE, [], () => ((s.createReleased = true), this.maybeFree(s)))) return undefined;
    return id;
  }

  /** SURFACE DESTROY; the VRAM goes back to the allocator once the device has released both commands. */
  destroySurface(id: number): boolean {
    const s = this.surfaces.get(id);
    if (s === undefined || s.state !== 'live' || id === 0 || !this.usable) return false;
    s.state = 'destroying';
    const cmd = surfaceCmd(id, QXL_SURFACE_CMD_DESTROY, 0, 0, 0, { lo: 0, hi: 0 });
    return this.submit(cmd, QXL_CMD_SURFACE, [], () => ((s.destroyReleased = true), this.maybeFree(s)));
  }

  private maybeFree(s: DriverSurface): void {
    if (!s.createReleased || !s.destroyReleased) return;
    this.vramAlloc.release(s.vramOffset);
    this.surfaces.delete(s.id);
  }

  private drawable(surfaceId: number, type: number, r: Rect, deps: number[] = []): { bytes: Uint8Array; dv: DataView; u: number } {
    const bytes = new Uint8Array(DRAWABLE.size);
    const dv = new DataView(bytes.buffer);
    dv.setUint32(DRAWABLE.surfaceId, surfaceId, true);
    dv.setUint8(DRAWABLE.effect, OPAQUE_EFFECT);
    dv.setUint8(DRAWABLE.type, type);
    [r.top, r.left, r.bottom, r.right].forEach((v, i) => dv.setInt32(DRAWABLE.bbox + 4 * i, v, true));
    for (let i = 0; i < 3; i++) dv.setInt32(63 + 4 * i, deps[i] ?? -1, true); // surfaces_dest
    return { bytes, dv, u: DRAWABLE.u };
  }

  /** A solid fill (QXL_DRAW_FILL, brush SOLID, rop OP_PUT by default). */
  fill(surfaceId: number, r: Rect, color: number, rop = SPICE_ROPD_OP_PUT): boolean {
    if (!this.usable) return false;
    const d = this.drawable(surfaceId, QXL_DRAW_FILL, r);
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

  /** UPDATE_AREA(_ASYNC): the device renders what it holds for `r` of the surface into guest-visible memory. */
  updateArea(surfaceId: number, r: Rect): boolean {
    if (!this.usable) return false;
    [r.top, r.left, r.bottom, r.right].forEach((v, i) => this.cpu.writeMem(this.hdr(RAM_UPDATE_AREA + 4 * i), 4, v >>> 0));
    this.cpu.writeMem(this.hdr(RAM_UPDATE_SURFACE), 4, surfaceId);
    if (this.revision >= 3) return this.ioAsync(QXL_IO_UPDATE_AREA_ASYNC);
    this.out(QXL_IO_UPDATE_AREA);
    return !this.bugMode;
  }

  /** The surface's pixels as the CPU sees them now (|stride| x height bytes). */
  readSurface(id: number): Uint8Array | undefined {
    const s = this.surfaces.get(id);
    if (s === undefined || !this.mappingCurrent()) return undefined;
    const out = new Uint8Array(s.stride * s.height);
    this.cpu.readBytes(id === 0 ? this.ramBase : this.vramBase + s.vramOffset, out);
    return out;
  }

  /** DESTROY_SURFACE_WAIT(_ASYNC): the device drops every reference it holds to the surface. */
  destroySurfaceWait(id: number): boolean {
    if (!this.usable) return false;
    if (this.revision >= 3) return this.ioAsync(QXL_IO_DESTROY_SURFACE_ASYNC, id);
    this.out(QXL_IO_DESTROY_SURFACE_WAIT, id);
    return !this.bugMode;
  }

  /** FLUSH_RELEASE, then collect what came back. */
  flushRelease(): number {
    this.out(QXL_IO_FLUSH_RELEASE);
    this.serviceInterrupts();
    return this.collectReleases();
  }

  notifyOom(): number {
    this.out(QXL_IO_NOTIFY_OOM);
    this.serviceInterrupts();
    return this.collectReleases();
  }

  /**
   * Evicts a surface from VRAM as the threads describe: UPDATE_AREA over all of it (pending drawing lands in
   * VRAM), copy the pixels out, SURFACE DESTROY, DESTROY_SURFACE_WAIT, FLUSH_RELEASE; returns the copy.
   */
  evictSurface(id: number): Uint8Array | undefined {
    const s = this.surfaces.get(id);
    if (s === undefined || id === 0) return undefined;
    if (!this.updateArea(id, { top: 0, left: 0, bottom: s.height, right: s.width })) return undefined;
    const copy = this.readSurface(id);
    if (!this.destroySurface(id) || !this.destroySurfaceWait(id)) return undefined;
    this.flushRelease();
    return copy;
  }
}

function surfaceCmd(id: number, kind: number, width: number, height: number, stride: number, data: { lo: number; hi: number }): Uint8Array {
  const b = new Uint8Array(QXL_SURFACE_CMD_SIZEOF);
  const dv = new DataView(b.buffer);
  dv.setUint32(8, id, true);
  dv.setUint8(12, kind);
  dv.setUint32(13, kind === QXL_SURFACE_CMD_CREATE ? QXL_SURF_FLAG_KEEP_DATA : 0, true);
  dv.setUint32(17, SPICE_SURFACE_FMT_32_xRGB, true);
  dv.setUint32(21, width, true);
  dv.setUint32(25, height, true);
  dv.setInt32(29, stride, true);
  dv.setUint32(33, data.lo, true);
  dv.setUint32(37, data.hi, true);
  return b;
}

export { RangeAllocator };
