import {
  QXL_CMD_SURFACE, QXL_IO_CREATE_PRIMARY, QXL_IO_CREATE_PRIMARY_ASYNC, QXL_IO_DESTROY_PRIMARY, QXL_IO_DESTROY_PRIMARY_ASYNC, QXL_IO_DESTROY_SURFACE_ASYNC,
  QXL_IO_DESTROY_SURFACE_WAIT, QXL_IO_FLUSH_RELEASE, QXL_IO_MEMSLOT_DEL, QXL_IO_NOTIFY_OOM, QXL_IO_UPDATE_AREA,
  QXL_IO_NOTIFY_CMD, QXL_IO_UPDATE_AREA_ASYNC, QXL_SURF_FLAG_KEEP_DATA, QXL_SURFACE_CMD_CREATE, QXL_SURFACE_CMD_DESTROY,
  QXL_SURFACE_CMD_SIZEOF, RAM_CMD_RING, RAM_CREATE_SURFACE, RAM_UPDATE_AREA, RAM_UPDATE_SURFACE, RING_CONS, RING_PROD, SPICE_SURFACE_FMT_32_xRGB,
} from './constants.js';
import { QxlDriverCore, type GuestCpu, type PciConfigView, type DriverOptions } from './driver-core.js';
import type { Rect } from './render.js';

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

/** Driver session state above the core: mapping checks, command submission, surfaces, update-area, eviction. */
export class QxlDriverBase extends QxlDriverCore {
  readonly surfaces = new Map<number, DriverSurface>();
  private staleReported = false;

  constructor(cpu: GuestCpu, pci: PciConfigView, opts: DriverOptions = {}) {
    super(cpu, pci, opts);
  }

  protected get usable(): boolean {
    this.serviceInterrupts();
    return !this.bugMode && !this.lost && this.mappingCurrent();
  }

  /** Whether BAR0 and the surfaces BAR are still where this session mapped them; a move is recorded once. */
  mappingCurrent(): boolean {
    if (this.opts.trustMapping === true) return true;
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

  /**
   * Disables the session as a display driver does on unload: DESTROY_PRIMARY and MEMSLOT_DEL, without draining
   * the release ring or resetting the device (what left objects alive for the next session in the threads).
   */
  disable(): void {
    if (this.revision >= 3) this.ioAsync(QXL_IO_DESTROY_PRIMARY_ASYNC);
    else this.out(QXL_IO_DESTROY_PRIMARY);
    this.out(QXL_IO_MEMSLOT_DEL, this.mainSlot);
    this.out(QXL_IO_MEMSLOT_DEL, this.surfSlot);
    this.surfaces.clear();
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
  protected submit(bytes: Uint8Array, type: number, extra: number[], onRelease?: () => void, cursor = false): boolean {
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

  /**
   * Waits until the device holds no reference to the surface. Revision >= 3: DESTROY_SURFACE_ASYNC, which
   * spice takes for any surface. Below that only the synchronous DESTROY_SURFACE_WAIT exists, and spice-server
   * aborts the VM for any surface but 0 (red-worker.cpp handle_dev_destroy_surface_wait:
   * spice_return_if_fail(msg->surface_id == 0); recorded: fatal-destroy-surface-wait-1). So for a non-zero
   * surface the driver kicks the worker (NOTIFY_CMD) and checks that it consumed the command ring, which holds
   * the SURFACE DESTROY: once that is processed spice has dropped the surface (display_channel_destroy_surface).
   */
  destroySurfaceWait(id: number): boolean {
    if (!this.usable) return false;
    if (this.revision >= 3) return this.ioAsync(QXL_IO_DESTROY_SURFACE_ASYNC, id);
    if (id === 0) {
      this.out(QXL_IO_DESTROY_SURFACE_WAIT, 0);
      return !this.bugMode;
    }
    this.out(QXL_IO_NOTIFY_CMD);
    if (this.bugMode) return false;
    if (this.rd(RAM_CMD_RING + RING_PROD) !== this.rd(RAM_CMD_RING + RING_CONS)) {
      this.error('ring-full', `session ${this.session}: surface ${id}: the device did not consume the command ring`);
      return false;
    }
    return true;
  }

  /** FLUSH_RELEASE, then collect; returns how many objects came back. */
  flushRelease(): number {
    const before = this.awaiting.size;
    this.out(QXL_IO_FLUSH_RELEASE);
    this.serviceInterrupts();
    this.collectReleases();
    return before - this.awaiting.size;
  }

  /** NOTIFY_OOM (the xf86-video-qxl allocation-failure path), then collect; returns how many came back. */
  notifyOom(): number {
    const before = this.awaiting.size;
    this.out(QXL_IO_NOTIFY_OOM);
    this.serviceInterrupts();
    this.collectReleases();
    return before - this.awaiting.size;
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

