import { RING_CONS, RING_ITEMS, RING_NOTIFY_ON_CONS, RING_NOTIFY_ON_PROD, RING_NUM_ITEMS, RING_PROD } from './constants.js';
import type { MemTarget } from './memory.js';

/**
 * A spice ring (spice/ipc_ring.h) living in guest-visible memory: five u32 header fields then the items.
 * Every field is re-read from memory on use, since the guest can change any of them at any time; counters
 * are free-running u32s and the slot index is counter & (num_items - 1) with num_items as the guest left it.
 */
export class Ring {
  constructor(
    private readonly mem: MemTarget,
    readonly base: number,
    /** ARRAY_SIZE(items): the number of slots the structure really has. */
    readonly capacity: number,
    readonly itemSize: number,
  ) {}

  get numItems(): number {
    return this.mem.read32(this.base + RING_NUM_ITEMS);
  }
  get prod(): number {
    return this.mem.read32(this.base + RING_PROD);
  }
  get cons(): number {
    return this.mem.read32(this.base + RING_CONS);
  }
  get notifyOnProd(): number {
    return this.mem.read32(this.base + RING_NOTIFY_ON_PROD);
  }
  get notifyOnCons(): number {
    return this.mem.read32(this.base + RING_NOTIFY_ON_CONS);
  }
  set notifyOnProd(v: number) {
    this.mem.write32(this.base + RING_NOTIFY_ON_PROD, v >>> 0);
  }
  set notifyOnCons(v: number) {
    this.mem.write32(this.base + RING_NOTIFY_ON_CONS, v >>> 0);
  }

  /** SPICE_RING_INIT: num_items, prod = cons = 0, notify_on_prod = 1, notify_on_cons = 0. */
  init(): void {
    this.mem.write32(this.base + RING_NUM_ITEMS, this.capacity);
    this.mem.write32(this.base + RING_PROD, 0);
    this.mem.write32(this.base + RING_NOTIFY_ON_PROD, 1);
    this.mem.write32(this.base + RING_CONS, 0);
    this.mem.write32(this.base + RING_NOTIFY_ON_CONS, 0);
  }

  isEmpty(): boolean {
    return this.prod === this.cons;
  }

  private mask(): number {
    return (this.numItems - 1) >>> 0;
  }

  /** The slot the consumer reads next; may be >= capacity when the guest corrupted num_items (caller checks). */
  consIndex(): number {
    return (this.cons & this.mask()) >>> 0;
  }

  prodIndex(): number {
    return (this.prod & this.mask()) >>> 0;
  }

  /** Offset of slot `index` in the ring's memory (index < capacity). */
  itemOffset(index: number): number {
    return this.base + RING_ITEMS + index * this.itemSize;
  }

  /** A u32 inside slot `index` (index < capacity). */
  itemWord(index: number, byteOffset: number): number {
    return this.mem.read32(this.itemOffset(index) + byteOffset);
  }

  /** SPICE_RING_POP: cons++, and whether the producer asked to be told (cons == notify_on_cons). */
  pop(): boolean {
    const cons = (this.cons + 1) >>> 0;
    this.mem.write32(this.base + RING_CONS, cons);
    return cons === this.notifyOnCons;
  }

  /** SPICE_RING_PUSH: prod++, and whether the consumer asked to be told (prod == notify_on_prod). */
  push(): boolean {
    const prod = (this.prod + 1) >>> 0;
    this.mem.write32(this.base + RING_PROD, prod);
    return prod === this.notifyOnProd;
  }

  /** SPICE_RING_CONS_WAIT: when empty, ask for a notification at the next push; true if still empty. */
  consWait(): boolean {
    if (!this.isEmpty()) return false;
    this.notifyOnProd = (this.prod + 1) >>> 0;
    return this.isEmpty();
  }

  /** Entries between cons and prod as u32 arithmetic (what "prod - cons" means in the C macros). */
  used(): number {
    return (this.prod - this.cons) >>> 0;
  }
}
