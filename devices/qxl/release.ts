import { QXL_FREE_BUNCH_SIZE, QXL_INTERRUPT_DISPLAY } from './constants.js';
import type { MemLoc, MemTarget } from './memory.js';
import type { Ring } from './ring.js';

export interface ReleaseHost {
  readonly releaseRing: Ring;
  readonly ramMem: MemTarget;
  guestBug(msg: string): void;
  sendEvents(bits: number): void;
}

/**
 * The device side of the release ring (QEMU interface_release_resource / qxl_push_free_res, docs/qxl.md §6):
 * released resources are chained through their QXLReleaseInfo words into a list whose head sits in the ring slot
 * at prod; the list is published (prod++) in bunches of 32, or on a flush.
 */
export class ReleaseQueue {
  numFreeRes = 0;
  /** Where the last release's `next` word lives (QEMU last_release), while a list is being built. */
  lastRelease: MemLoc | undefined;
  oomRunning = false;
  /** Resources handed back since the device was created (statistics for tests and reports). */
  totalReleased = 0;

  constructor(private readonly host: ReleaseHost) {}

  reset(): void {
    this.numFreeRes = 0;
    this.lastRelease = undefined;
  }

  private prodSlot(): number {
    const ring = this.host.releaseRing;
    const idx = ring.prodIndex();
    if (idx >= ring.capacity) {
      this.host.guestBug(`SPICE_RING_PROD_ITEM indices mismatch ${idx} >= ${ring.capacity}`);
      return -1;
    }
    return ring.itemOffset(idx);
  }

  /** interface_release_resource: `info` is the resource's QXLReleaseInfo in guest-visible memory. */
  release(info: MemLoc): void {
    const slot = this.prodSlot();
    if (slot < 0) return;
    const ram = this.host.ramMem;
    const idLo = info.target.read32(info.offset);
    const idHi = info.target.read32(info.offset + 4);
    const headEmpty = ram.read32(slot) === 0 && ram.read32(slot + 4) === 0;
    if (headEmpty) {
      info.target.write64(info.offset, 0);
      ram.write32(slot, idLo);
      ram.write32(slot + 4, idHi);
    } else {
      const last = this.lastRelease;
      if (last === undefined) {
        // QEMU would dereference a NULL last_release here (the guest wrote a non-zero head itself): contained.
        this.host.guestBug(`release ring slot at prod is non-zero but no release list is being built`);
        return;
      }
      last.target.write32(last.offset, idLo);
      last.target.write32(last.offset + 4, idHi);
      info.target.write64(info.offset, 0);
    }
    this.lastRelease = info;
    this.numFreeRes++;
    this.totalReleased++;
    this.push(false);
  }

  /** qxl_push_free_res: publish the list being built unless the ring is full (one slot stays reserved). */
  push(flush: boolean): void {
    const ring = this.host.releaseRing;
    if (((ring.prod - ring.cons + 1) >>> 0) === ring.numItems) return;
    if (!flush && this.oomRunning) return;
    if (!flush && this.numFreeRes < QXL_FREE_BUNCH_SIZE) return;
    if (ring.push()) this.host.sendEvents(QXL_INTERRUPT_DISPLAY);
    const slot = this.prodSlot();
    if (slot < 0) return;
    this.host.ramMem.write64(slot, 0);
    this.numFreeRes = 0;
    this.lastRelease = undefined;
  }

  /** The spice flush_resources callback: publish whatever is pending; returns how many there were. */
  flushResources(): number {
    const n = this.numFreeRes;
    if (n !== 0) this.push(true);
    return n;
  }

  /** Whether the ring is "full" in QEMU's sense (prod - cons + 1 == num_items). */
  isFull(): boolean {
    const ring = this.host.releaseRing;
    return ((ring.prod - ring.cons + 1) >>> 0) === ring.numItems;
  }
}
