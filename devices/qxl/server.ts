import type { DrawSpec } from './drawing.js';
import type { FatalKind, VmDeath } from './fatal.js';
import { paintDrawable } from './drawing.js';
import { ImageCache } from './image.js';
import type { MemLoc, MemTarget, Space } from './memory.js';
import type { Memslots } from './memslots.js';
import { ObjectTable, objectKey, type HostObject, type ObjectKind } from './objects.js';
import type { ReleaseQueue } from './release.js';
import { intersect, isEmpty, type Rect, type SurfaceView } from './render.js';

/** QXL_EFFECT_OPAQUE (spice/qxl_dev.h). */
const QXL_EFFECT_OPAQUE = 1;

/** spice-server's drawable pool (display-channel NUM_DRAWABLES): past it the oldest drawable is rendered and freed. */
export const NUM_DRAWABLES = 1000;

export interface Drawable extends HostObject {
  readonly kind: 'drawable';
  readonly seq: number;
  readonly spec: DrawSpec;
}

export interface HostSurface {
  readonly id: number;
  readonly view: SurfaceView;
  /** The SURFACE CREATE command, held until the surface is destroyed (undefined for the primary). */
  createCmd: HostObject | undefined;
}

/** What the spice-server model needs from the device. */
export interface ServerHost {
  readonly memslots: Memslots;
  /** Set once a guest action ended the VM (fatal.ts). */
  readonly dead: VmDeath | undefined;
  fatal(kind: FatalKind, detail: string): void;
  readonly release: ReleaseQueue;
  readonly numSurfaces: number;
  spiceWarning(func: string, msg: string): void;
  event(kind: string, msg: string): void;
}

const SPACE_NAMES = ['ram', 'vram', 'guest-ram'];

/**
 * The part of spice-server the device talks to, reduced to a deterministic model: surfaces, pending drawables
 * (rendered lazily, as spice does: on UPDATE_AREA, flushes, dependency or pool pressure), the held cursor, the
 * image cache, and the host-side table of guest-resident objects awaiting release.
 */
export class SpiceServer {
  readonly objects = new ObjectTable<HostObject>();
  readonly surfaces = new Map<number, HostSurface>();
  readonly pending: Drawable[] = [];
  readonly cache = new ImageCache();
  cursor: HostObject | undefined;
  rendered = 0;
  peakPending = 0;
  private seq = 0;

  constructor(private readonly host: ServerHost) {}

  readonly resolver = (lo: number, hi: number, size: number): MemLoc | undefined => this.host.memslots.spiceResolve(lo, hi, size);

  /** Claims the key for a new object at `loc`; an older live record there means the guest reused memory. */
  private claim(kind: ObjectKind, loc: MemLoc): number {
    const key = objectKey(loc.target.space, loc.offset);
    const old = this.objects.get(key);
    if (old !== undefined) {
      this.host.event('stale-object', `qxl: ${kind} at ${SPACE_NAMES[loc.target.space]} 0x${loc.offset.toString(16)} overwrites a ${old.kind} still awaiting release; the old object is dropped`);
      this.forget(old);
    }
    return key;
  }

  /** Records a guest-resident object the server holds (created on first use, docs/qxl.md §12). */
  track(kind: ObjectKind, loc: MemLoc, size: number): HostObject {
    const obj: HostObject = { key: this.claim(kind, loc), kind, target: loc.target, offset: loc.offset, size, dead: false };
    this.objects.add(obj);
    return obj;
  }

  addDrawable(loc: MemLoc, size: number, spec: DrawSpec): void {
    const key = this.claim('drawable', loc);
    const d: Drawable = { key, kind: 'drawable', target: loc.target, offset: loc.offset, size, dead: false, seq: ++this.seq, spec };
    this.objects.add(d);
    this.occlude(spec);
    if (this.pending.length >= NUM_DRAWABLES) this.renderDrawable(this.pending[0]!);
    this.pending.push(d);
    if (this.pending.length > this.peakPending) this.peakPending = this.pending.length;
  }

  /**
   * spice current_add -> exclude_region: an opaque drawable (QXL_EFFECT_OPAQUE, no clip) removes the older
   * drawables of its surface that it covers entirely (current_remove: released without being drawn), newest
   * first as the tree ring is walked from its head. Drawables another surface still reads are kept.
   */
  private occlude(spec: DrawSpec): void {
    if (spec.effect !== QXL_EFFECT_OPAQUE || spec.clip !== undefined || isEmpty(spec.bbox)) return;
    const id = spec.surfaceId;
    if (this.pending.some((p) => p.spec.deps.includes(id))) return;
    const b = spec.bbox;
    const covered = this.pending.filter((p) => {
      const r = p.spec.bbox;
      return p.spec.surfaceId === id && r.left >= b.left && r.top >= b.top && r.right <= b.right && r.bottom <= b.bottom;
    });
    for (const p of covered.reverse()) {
      this.removePending(p);
      this.releaseObject(p);
    }
  }

  /** Removes a record without releasing it (its memory is gone or was overwritten). */
  private forget(o: HostObject): void {
    this.objects.delete(o);
    if (o.kind === 'drawable') this.removePending(o as Drawable);
    if (this.cursor === o) this.cursor = undefined;
    for (const s of this.surfaces.values()) if (s.createCmd === o) s.createCmd = undefined;
  }

  /** Hands a resource back to the guest through the release ring (QEMU interface_release_resource). */
  releaseObject(o: HostObject): void {
    if (o.dead) return;
    this.objects.delete(o);
    this.host.release.release({ target: o.target, offset: o.offset });
  }

  private removePending(d: Drawable): void {
    const i = this.pending.indexOf(d);
    if (i >= 0) this.pending.splice(i, 1);
  }

  /** Renders one pending drawable (after what it depends on) and releases it. */
  renderDrawable(d: Drawable): void {
    this.removePending(d);
    for (const dep of d.spec.deps) this.flushSurface(dep, d.seq);
    const dest = this.surfaces.get(d.spec.surfaceId);
    if (dest !== undefined) {
      const err = paintDrawable({ resolve: this.resolver, cache: this.cache, surface: (id) => this.surfaces.get(id)?.view }, dest.view, d.spec);
      if (err !== undefined) this.host.spiceWarning('vfio-sim', `drawable not rendered: ${err}`);
      this.rendered++;
    }
    this.releaseObject(d);
  }

  /** Renders, in order, the pending drawables of `surfaceId` older than `beforeSeq`. */
  flushSurface(surfaceId: number, beforeSeq = Infinity): void {
    for (;;) {
      const d = this.pending.find((p) => p.spec.surfaceId === surfaceId && p.seq < beforeSeq);
      if (d === undefined) return;
      this.renderDrawable(d);
    }
  }

  /** spice update_area: render the surface's drawables up to the last one touching `area`. */
  updateArea(surfaceId: number, area: Rect): void {
    if (!this.surfaces.has(surfaceId)) {
      this.host.spiceWarning('display_channel_validate_surface', `surface ${surfaceId} is NULL`);
      return;
    }
    let last = -1;
    for (const d of this.pending) if (d.spec.surfaceId === surfaceId && !isEmpty(intersect(d.spec.bbox, area))) last = d.seq;
    if (last >= 0) this.flushSurface(surfaceId, last + 1);
  }

  /** Renders every pending drawable (flush_surfaces, OOM). */
  flushAll(): void {
    while (this.pending.length > 0) this.renderDrawable(this.pending[0]!);
  }

  /** draw_depend_on_me + current_remove_all: other surfaces' readers are rendered, this surface's drawables dropped (released). */
  private detachSurface(id: number): void {
    for (;;) {
      const reader = this.pending.find((p) => p.spec.surfaceId !== id && p.spec.deps.includes(id));
      if (reader === undefined) break;
      this.flushSurface(reader.spec.surfaceId, reader.seq + 1);
    }
    // current_remove_all walks surface->current from its head: the newest drawable is released first.
    for (const d of this.pending.filter((p) => p.spec.surfaceId === id).reverse()) {
      this.removePending(d);
      this.releaseObject(d);
    }
  }

  createSurface(id: number, view: SurfaceView, keepData: boolean, createCmd: HostObject | undefined): void {
    if (this.surfaces.has(id)) this.destroySurface(id);
    if (!keepData) view.target.zero(view.offset, view.height * Math.abs(view.stride));
    this.surfaces.set(id, { id, view, createCmd });
  }

  /** Surface destruction (destroy command, destroy-primary, destroy-all): the create command goes back to the guest. */
  destroySurface(id: number): void {
    const s = this.surfaces.get(id);
    if (s === undefined) return;
    this.detachSurface(id);
    this.surfaces.delete(id);
    if (s.createCmd !== undefined) this.releaseObject(s.createCmd);
  }

  /** spice destroy_surface_wait: nothing the server holds refers to the surface any more (it stays created). */
  destroySurfaceWait(id: number): void {
    if (this.surfaces.has(id)) this.detachSurface(id);
    else this.host.spiceWarning('display_channel_validate_surface', `surface ${id} is NULL`);
  }

  destroyAllSurfaces(): void {
    for (const id of [...this.surfaces.keys()].sort((a, b) => a - b)) this.destroySurface(id);
  }

  /** cursor_channel_reset: the held cursor command goes back to the guest. */
  resetCursor(): void {
    const c = this.cursor;
    this.cursor = undefined;
    if (c !== undefined) this.releaseObject(c);
  }

  /** Hard reset: all host state goes without touching guest memory (the release ring is re-initialised anyway). */
  reset(): number {
    const n = this.objects.clear().length;
    this.surfaces.clear();
    this.pending.length = 0;
    this.cursor = undefined;
    this.cache.clear();
    return n;
  }

  /**
   * [start, end) of `space` is no longer the guest's (memslot deleted, BAR moved or unmapped, guest RAM freed):
   * records living there are dropped unreleased; surfaces whose pixels live there are destroyed.
   */
  dropMemory(space: Space, start: number, end: number): { objects: number; surfaces: number } {
    const gone = this.objects.dropRange(space, start, end);
    for (const o of gone) {
      o.dead = true;
      if (o.kind === 'drawable') this.removePending(o as Drawable);
      if (this.cursor === o) this.cursor = undefined;
      for (const s of this.surfaces.values()) if (s.createCmd === o) s.createCmd = undefined;
    }
    let surfaces = 0;
    for (const s of [...this.surfaces.values()]) {
      const v = s.view;
      if (v.target.space !== space) continue;
      const len = v.height * Math.abs(v.stride);
      if (v.offset < end && v.offset + len > start) {
        this.destroySurface(s.id);
        surfaces++;
      }
    }
    return { objects: gone.length, surfaces };
  }

  /** Pixel ranges of live surfaces (VM stop marks them dirty, as qxl_dirty_surfaces does). */
  surfaceRanges(): { target: MemTarget; offset: number; length: number }[] {
    return [...this.surfaces.values()].map((s) => ({ target: s.view.target, offset: s.view.offset, length: s.view.height * Math.abs(s.view.stride) }));
  }
}
