import {
  QXL_INTERRUPT_CURSOR, QXL_INTERRUPT_DISPLAY, QXL_INTERRUPT_ERROR, QXL_INTERRUPT_IO_CMD, QXL_IO_MEMSLOT_ADD,
  QXL_IO_MEMSLOT_ADD_ASYNC, QXL_IO_NOTIFY_CMD, QXL_IO_RESET, QXL_IO_UPDATE_IRQ, QXL_ROM_MAGIC, RAM_CMD_RING,
  RAM_CURSOR_RING, RAM_INT_MASK, RAM_INT_PENDING, RAM_MEM_SLOT, RAM_RELEASE_RING, RING_CONS, RING_ITEMS,
  RING_NOTIFY_ON_CONS, RING_NOTIFY_ON_PROD, RING_NUM_ITEMS, RING_PROD, ROM_N_SURFACES, ROM_RAM_HEADER_OFFSET,
  ROM_SLOTS_START, ROM_SURFACE0_AREA_SIZE, ROM_MAGIC,
} from './constants.js';
import { RangeAllocator } from './driver-alloc.js';

/** The CPU's view a driver uses (structurally the machine's `cpu`). */
export interface GuestCpu {
  outb(port: number, value: number): void;
  inb(port: number): number;
  readMem(addr: number, width: 1 | 2 | 4): number;
  writeMem(addr: number, width: 1 | 2 | 4, value: number): void;
  readBytes(addr: number, out: Uint8Array): void;
  writeBytes(addr: number, data: Uint8Array): void;
}

/** Config space plus the BAR sizes the OS found when it sized the BARs (pci_resource_len); a PciFunction fits. */
export interface PciConfigView {
  configRead(off: number, width: 1 | 2 | 4): number;
  readonly bars: readonly ({ readonly size: number } | undefined)[];
}

export type DriverErrorKind = 'foreign-release' | 'bug-mode' | 'stale-mapping' | 'lost-device' | 'stale-session' | 'timeout' | 'out-of-memory' | 'ring-full' | 'bad-rom';

export interface DriverError {
  readonly kind: DriverErrorKind;
  readonly message: string;
}

/** State shared by every driver session of one guest (the fix for per-session globals): who owns the device. */
export class DriverRegistry {
  owner: object | undefined;
}

export interface DriverOptions {
  /** Session tag (1..31) stored in release ids, so a session recognises objects that are not its own. */
  readonly session?: number;
  /** Shared registry: with one, a session that is not the owner may not reset the device. */
  readonly registry?: DriverRegistry;
  /** Reset the device when the session starts (the fix for stale release-ring objects). */
  readonly resetOnInit?: boolean;
  /** Called before checking for an async IO's completion (tests complete deferred asyncs here). */
  readonly onWait?: () => void;
  /** Put surfaces in BAR4 when the device has it (Linux's PRIV placement). */
  readonly useVram64?: boolean;
  /** Skip the check that BARs are still where they were mapped (the seeds' buggy driver). */
  readonly trustMapping?: boolean;
}

/** A guest object handed to the device, awaiting its release (Linux struct qxl_release). */
export interface PendingRelease {
  readonly offset: number; // BAR0 offset of the command (its QXLReleaseInfo)
  readonly allocs: readonly number[]; // BAR0 allocations freed with it
  readonly onRelease?: () => void;
}

/** Linux's int_mask: DISPLAY | CURSOR | IO_CMD | CLIENT_MONITORS_CONFIG (docs/qxl.md §7). */
export const DRIVER_INT_MASK = 0x27;

/**
 * The common part of a QXL guest driver session: BAR discovery, ROM checks, memslots, rings, interrupts and the
 * release-ring garbage collector, with the checks that turn the seeds' crashes into recorded errors.
 */
export class QxlDriverCore {
  readonly errors: DriverError[] = [];
  readonly session: number;
  bugMode = false;
  lost = false;
  ioCmdCount = 0;
  ramBase = -1;
  vramBase = -1;
  vramSize = 0;
  vramBar = 1;
  ioBase = -1;
  romBase = -1;
  ramHeaderOffset = 0;
  numSurfaces = 0;
  mainSlot = 1;
  surfSlot = 2;
  revision = 0;
  mainAlloc: RangeAllocator = new RangeAllocator(0, 0);
  vramAlloc: RangeAllocator = new RangeAllocator(0, 0);
  mappingGeneration = 0;
  protected readonly awaiting = new Map<number, PendingRelease>();

  constructor(readonly cpu: GuestCpu, readonly pci: PciConfigView, readonly opts: DriverOptions = {}) {
    this.session = opts.session ?? 1;
  }

  protected error(kind: DriverErrorKind, message: string): void {
    this.errors.push({ kind, message });
  }

  /** A BAR's address from config space (what pci_resource_start reports). */
  barFromConfig(i: number): number {
    const lo = this.pci.configRead(0x10 + 4 * i, 4);
    if ((lo & 1) !== 0) return (lo & ~3) >>> 0;
    const high = (lo & 6) === 4 ? this.pci.configRead(0x14 + 4 * i, 4) * 0x1_0000_0000 : 0;
    return ((lo & ~0xf) >>> 0) + high;
  }

  // ---- RAM header and ports through the CPU ----
  protected hdr(field: number): number {
    return this.ramBase + this.ramHeaderOffset + field;
  }
  protected rd(field: number): number {
    return this.cpu.readMem(this.hdr(field), 4);
  }
  protected wr(field: number, v: number): void {
    this.cpu.writeMem(this.hdr(field), 4, v >>> 0);
  }
  protected wr64(addr: number, lo: number, hi: number): void {
    this.cpu.writeMem(addr, 4, lo >>> 0);
    this.cpu.writeMem(addr + 4, 4, hi >>> 0);
  }
  out(port: number, value = 0): void {
    this.cpu.outb(this.ioBase + port, value);
  }

  /** Probe: BARs, ROM signature and layout, optional reset, interrupt mask, memslots (Linux qxl_device_init). */
  init(): boolean {
    this.ramBase = this.barFromConfig(0);
    this.romBase = this.barFromConfig(2);
    this.ioBase = this.barFromConfig(3);
    this.revision = this.pci.configRead(0x08, 1);
    const bar4 = this.pci.configRead(0x20, 4) !== 0 || this.pci.configRead(0x24, 4) !== 0;
    this.vramBar = this.opts.useVram64 !== false && bar4 ? 4 : 1;
    this.vramBase = this.barFromConfig(this.vramBar);
    const rom = (off: number): number => this.cpu.readMem(this.romBase + off, 4);
    if (rom(ROM_MAGIC) !== QXL_ROM_MAGIC) {
      this.error('bad-rom', 'bad rom signature');
      return false;
    }
    this.ramHeaderOffset = rom(ROM_RAM_HEADER_OFFSET);
    this.numSurfaces = rom(ROM_N_SURFACES);
    this.mainSlot = this.cpu.readMem(this.romBase + ROM_SLOTS_START, 1);
    this.surfSlot = this.mainSlot + 1;
    this.vramSize = this.pci.bars[this.vramBar]?.size ?? 0;
    const s0 = rom(ROM_SURFACE0_AREA_SIZE);
    this.mappingGeneration++;
    this.mainAlloc = new RangeAllocator(s0, this.ramHeaderOffset - s0, this.mappingGeneration);
    this.vramAlloc = new RangeAllocator(0, this.vramSize, this.mappingGeneration);
    this.awaiting.clear();
    if (this.opts.resetOnInit === true) this.out(QXL_IO_RESET);
    if (this.opts.registry !== undefined) this.opts.registry.owner = this;
    this.wr(RAM_INT_MASK, DRIVER_INT_MASK);
    this.out(QXL_IO_UPDATE_IRQ);
    this.lost = false;
    return this.addSlot(this.mainSlot, this.ramBase, this.ramBase + this.ramHeaderOffset) && this.addSlot(this.surfSlot, this.vramBase, this.vramBase + this.vramSize);
  }

  /** Linux setup_slot: ram.mem_slot = [start, end), then MEMSLOT_ADD(_ASYNC) with the slot index. */
  protected addSlot(slot: number, start: number, end: number): boolean {
    this.wr64(this.hdr(RAM_MEM_SLOT), start >>> 0, Math.floor(start / 0x1_0000_0000));
    this.wr64(this.hdr(RAM_MEM_SLOT + 8), end >>> 0, Math.floor(end / 0x1_0000_0000));
    if (this.revision >= 3) return this.ioAsync(QXL_IO_MEMSLOT_ADD_ASYNC, slot);
    this.out(QXL_IO_MEMSLOT_ADD, slot);
    return this.serviceInterrupts() >= 0 && !this.bugMode;
  }

  /** QXLPHYSICAL halves for `offset` inside `slot` (high bits = slot << 56, generation 0). */
  phys(slot: number, offset: number): { lo: number; hi: number } {
    return { lo: offset >>> 0, hi: ((slot << 24) | (Math.floor(offset / 0x1_0000_0000) & 0xffff)) >>> 0 };
  }

  /** Issues an async IO and waits for its IO_CMD (Linux wait_for_io_cmd; a missing completion is a timeout). */
  ioAsync(port: number, value = 0): boolean {
    const before = this.ioCmdCount;
    this.out(port, value);
    this.opts.onWait?.();
    this.serviceInterrupts();
    if (this.ioCmdCount > before) return !this.bugMode;
    this.error('timeout', `no IO_CMD after async port ${port}`);
    return false;
  }

  /**
   * The interrupt handler (Linux qxl_irq_handler): take int_pending, handle the bits, re-arm the mask and
   * UPDATE_IRQ. Returns the bits seen. A mask that is no longer ours means someone reset the device under us.
   */
  serviceInterrupts(): number {
    if (this.ramBase < 0) return 0;
    if (!this.lost && this.rd(RAM_INT_MASK) !== DRIVER_INT_MASK) {
      this.lost = true;
      this.error('lost-device', `session ${this.session}: the device was reset underneath this session (int_mask 0x${this.rd(RAM_INT_MASK).toString(16)})`);
    }
    const pending = this.rd(RAM_INT_PENDING);
    if (pending === 0) return 0;
    this.wr(RAM_INT_PENDING, 0);
    if ((pending & QXL_INTERRUPT_IO_CMD) !== 0) this.ioCmdCount++;
    if ((pending & QXL_INTERRUPT_ERROR) !== 0 && !this.bugMode) {
      this.bugMode = true;
      this.error('bug-mode', `session ${this.session}: driver is in bug mode`);
    }
    if ((pending & (QXL_INTERRUPT_DISPLAY | QXL_INTERRUPT_CURSOR)) !== 0) this.collectReleases();
    if (!this.lost) this.wr(RAM_INT_MASK, DRIVER_INT_MASK);
    this.out(QXL_IO_UPDATE_IRQ);
    return pending;
  }

  /** Pushes a QXLCommand on the command (or cursor) ring and notifies when the device asked for it. */
  protected push(cursor: boolean, lo: number, hi: number, type: number): boolean {
    const ring = cursor ? RAM_CURSOR_RING : RAM_CMD_RING;
    let prod = this.rd(ring + RING_PROD);
    const num = this.rd(ring + RING_NUM_ITEMS);
    if (((prod - this.rd(ring + RING_CONS)) >>> 0) === num) {
      this.wr(ring + RING_NOTIFY_ON_CONS, this.rd(ring + RING_CONS) + 1);
      this.out(QXL_IO_NOTIFY_CMD);
      if (((prod - this.rd(ring + RING_CONS)) >>> 0) === num) {
        this.error('ring-full', `session ${this.session}: ${cursor ? 'cursor' : 'command'} ring full`);
        return false;
      }
    }
    const item = this.hdr(ring + RING_ITEMS + 16 * (prod & (num - 1)));
    this.wr64(item, lo, hi);
    this.wr64(item + 8, type, 0);
    prod = (prod + 1) >>> 0;
    this.wr(ring + RING_PROD, prod);
    if (prod === this.rd(ring + RING_NOTIFY_ON_PROD)) this.out(QXL_IO_NOTIFY_CMD); // Linux notifies both rings on NOTIFY_CMD
    return true;
  }

  /** The release id of the object at BAR0 `offset`: this session's tag in bits 48..52, so foreign ids stand out. */
  protected releaseId(offset: number): number {
    return this.session * 2 ** 48 + offset;
  }

  /** Linux qxl_garbage_collect: pop release-list heads and walk each list through the objects' `next` words. */
  collectReleases(): number {
    let freed = 0;
    const ring = RAM_RELEASE_RING;
    // At most a ring's worth of heads per call: prod is guest-visible memory and may hold anything.
    const budget = Math.min(this.rd(ring + RING_NUM_ITEMS), 1024);
    for (let popped = 0; ; popped++) {
      const cons = this.rd(ring + RING_CONS);
      if (popped > budget) {
        this.error('timeout', `session ${this.session}: release ring prod 0x${this.rd(ring + RING_PROD).toString(16)} is ${((this.rd(ring + RING_PROD) - cons) >>> 0)} ahead of cons`);
        return freed;
      }
      if (cons === this.rd(ring + RING_PROD)) {
        this.wr(ring + RING_NOTIFY_ON_PROD, cons + 1);
        return freed;
      }
      const slot = this.hdr(ring + RING_ITEMS + 8 * (cons & (this.rd(ring + RING_NUM_ITEMS) - 1)));
      let id = this.cpu.readMem(slot, 4) + this.cpu.readMem(slot + 4, 4) * 0x1_0000_0000;
      this.wr(ring + RING_CONS, cons + 1);
      const bound = this.awaiting.size + 1; // a list longer than what we handed out loops through foreign memory
      for (let guard = 0; id !== 0 && guard < bound; guard++) {
        const rel = this.awaiting.get(id);
        if (rel === undefined) {
          this.error('foreign-release', `session ${this.session}: release id 0x${id.toString(16)} is not one of ours`);
          break;
        }
        const at = this.ramBase + rel.offset;
        const next = this.cpu.readMem(at, 4) + this.cpu.readMem(at + 4, 4) * 0x1_0000_0000;
        this.awaiting.delete(id);
        for (const a of rel.allocs) this.mainAlloc.release(a);
        rel.onRelease?.();
        freed++;
        id = next;
      }
    }
  }

  get awaitingRelease(): number {
    return this.awaiting.size;
  }

  /** QXL_IO_RESET from this session; refused (and recorded) when a shared registry says another session owns the device. */
  reset(): boolean {
    const reg = this.opts.registry;
    if (reg !== undefined && reg.owner !== undefined && reg.owner !== this) {
      this.error('stale-session', `session ${this.session}: refusing to reset a device owned by another session`);
      return false;
    }
    this.out(QXL_IO_RESET);
    this.awaiting.clear();
    return true;
  }
}
