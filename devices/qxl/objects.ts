import type { MemTarget, Space } from './memory.js';

/** Host-side records of guest-resident objects (docs/qxl.md §12): keyed by where the object lives. */
export type ObjectKind = 'drawable' | 'surface-cmd' | 'cursor' | 'other';

export interface HostObject {
  readonly key: number;
  readonly kind: ObjectKind;
  readonly target: MemTarget;
  readonly offset: number;
  /** Bytes of the guest structure (at most OBJECT_MAX_SIZE). */
  readonly size: number;
  /** Set when the record is removed; holders check it instead of touching guest memory. */
  dead: boolean;
}

/** Key space: the memory space in the top bits, the offset below (offsets < 2^50; keys stay exact doubles). */
export function objectKey(space: Space, offset: number): number {
  return space * 2 ** 50 + offset;
}

const BUCKET = 4096;
/** Objects are command-sized structures; bounding their size lets a range query look one bucket back only. */
export const OBJECT_MAX_SIZE = BUCKET;

/**
 * A table indexed by guest address, with a bucket index so that "the memory [start, end) of space S is gone"
 * drops every record inside it in time proportional to the range's buckets plus the records found.
 */
export class ObjectTable<T extends HostObject> {
  private readonly byKey = new Map<number, T>();
  private readonly buckets = new Map<number, Set<number>>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: number): T | undefined {
    return this.byKey.get(key);
  }

  values(): IterableIterator<T> {
    return this.byKey.values();
  }

  add(obj: T): void {
    this.byKey.set(obj.key, obj);
    const b = Math.floor(obj.key / BUCKET);
    let set = this.buckets.get(b);
    if (set === undefined) {
      set = new Set();
      this.buckets.set(b, set);
    }
    set.add(obj.key);
  }

  delete(obj: T): void {
    if (this.byKey.get(obj.key) !== obj) return;
    obj.dead = true;
    this.byKey.delete(obj.key);
    const b = Math.floor(obj.key / BUCKET);
    const set = this.buckets.get(b);
    set?.delete(obj.key);
    if (set !== undefined && set.size === 0) this.buckets.delete(b);
  }

  /** Removes and returns every record overlapping [start, end) of `space`. */
  dropRange(space: Space, start: number, end: number): T[] {
    const out: T[] = [];
    if (end <= start) return out;
    const lo = objectKey(space, Math.max(0, start - OBJECT_MAX_SIZE));
    const hi = objectKey(space, end);
    const nBuckets = Math.floor(hi / BUCKET) - Math.floor(lo / BUCKET) + 1;
    const visit = (set: Set<number>): void => {
      for (const k of set) {
        const o = this.byKey.get(k);
        if (o !== undefined && Math.floor(o.key / 2 ** 50) === space && o.offset < end && o.offset + o.size > start) out.push(o);
      }
    };
    if (nBuckets > this.buckets.size) {
      for (const set of this.buckets.values()) visit(set);
    } else {
      for (let b = Math.floor(lo / BUCKET); b <= Math.floor(hi / BUCKET); b++) {
        const set = this.buckets.get(b);
        if (set !== undefined) visit(set);
      }
    }
    for (const o of out) this.delete(o);
    return out;
  }

  /** Removes and returns every record. */
  clear(): T[] {
    const out = [...this.byKey.values()];
    for (const o of out) o.dead = true;
    this.byKey.clear();
    this.buckets.clear();
    return out;
  }
}
