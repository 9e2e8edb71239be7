/**
 * A first-fit allocator over one device memory range, as guest drivers keep over QXL RAM/VRAM (xf86-video-qxl's
 * mspaces, the Linux TTM managers). Offsets are relative to the range's start. It also remembers which mapping
 * generation it was created for, so that use through a stale mapping is caught.
 */
export class RangeAllocator {
  private free: { start: number; size: number }[];
  private readonly live = new Map<number, number>();
  usedBytes = 0;

  constructor(
    readonly start: number,
    readonly size: number,
    /** The driver's mapping generation this allocator's addresses belong to. */
    readonly mappingGeneration = 0,
  ) {
    this.free = [{ start, size }];
  }

  get liveCount(): number {
    return this.live.size;
  }

  /** First fit with `align` (a power of two); undefined when no block fits. */
  alloc(size: number, align = 8): number | undefined {
    const n = Math.max(1, size);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i]!;
      const at = Math.ceil(b.start / align) * align;
      if (at + n > b.start + b.size) continue;
      const before = { start: b.start, size: at - b.start };
      const after = { start: at + n, size: b.start + b.size - at - n };
      this.free.splice(i, 1, ...[before, after].filter((x) => x.size > 0));
      this.live.set(at, n);
      this.usedBytes += n;
      return at;
    }
    return undefined;
  }

  /** Frees a block; false when `offset` is not a live allocation (double free or foreign pointer). */
  release(offset: number): boolean {
    const n = this.live.get(offset);
    if (n === undefined) return false;
    this.live.delete(offset);
    this.usedBytes -= n;
    this.free.push({ start: offset, size: n });
    this.free.sort((a, b) => a.start - b.start);
    const merged: { start: number; size: number }[] = [];
    for (const b of this.free) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last.start + last.size === b.start) last.size += b.size;
      else merged.push({ ...b });
    }
    this.free = merged;
    return true;
  }

  owns(offset: number): boolean {
    return this.live.has(offset);
  }
}
