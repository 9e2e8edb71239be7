import {
  PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_MEM_PREFETCH, PCI_BASE_ADDRESS_MEM_TYPE_64, PCI_BASE_ADDRESS_SPACE_IO,
  PCI_CAPABILITY_LIST, PCI_CLASS_DEVICE, PCI_CLASS_PROG, PCI_COMMAND, PCI_COMMAND_IO, PCI_COMMAND_MEMORY,
  PCI_CONFIG_SPACE_SIZE, PCI_DEVICE_ID, PCI_HEADER_TYPE, PCI_HEADER_TYPE_MULTI_FUNCTION, PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN, PCI_REVISION_ID, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS_ENABLE, PCI_STATUS, PCI_STATUS_CAP_LIST,
  PCI_SUBSYSTEM_ID, PCI_SUBSYSTEM_VENDOR_ID, PCI_VENDOR_ID, PCIE_CONFIG_SPACE_SIZE, bdfString,
} from './regs.js';
import type { ConfigSpaceArena } from './config-arena.js';

/** What a device declares about one BAR; the firmware discovers the same facts by sizing it. */
export interface BarSpec {
  readonly size: number; // bytes, a power of two
  readonly space: 'io' | 'mem';
  readonly is64: boolean;
  readonly prefetch: boolean;
}

/** A device's handler for accesses inside one of its BARs (cf. cloud-hypervisor's BusDevice). */
export interface BarHandler {
  read(offset: number, width: 1 | 2 | 4): number;
  write(offset: number, width: 1 | 2 | 4, value: number): void;
  /** Optional: a handler doing exactly what this one does for accesses at `offset` (see the bus's IoHandler). */
  forOffset?(offset: number): BarHandler;
}

export interface PciIdentity {
  readonly vendor: number;
  readonly device: number;
  readonly classCode: number; // 16-bit base class << 8 | subclass
  readonly progIf?: number;
  readonly revision?: number;
  readonly subsystemVendor?: number;
  readonly subsystem?: number;
  readonly interruptPin?: number; // 0 none, 1 INTA .. 4 INTD
  readonly pcie?: boolean; // 4 KiB extended config space
}

/** Index used for the expansion ROM BAR everywhere (QEMU's PCI_ROM_SLOT, query-pci's bar 6). */
export const ROM_BAR = 6;

/**
 * What a config write changed, returned as data for the machine to apply (crosvm's `ConfigWriteResult`): a bit set,
 * so the hot path allocates nothing. REMAP: what the function (or the buses behind a bridge) decodes may have moved
 * (BARs, ROM BAR, COMMAND, bridge windows); REROUTE: a bridge's bus numbers changed, so config-cycle routing may have.
 */
export type ConfigWriteResult = number;
export const CONFIG_WRITE_NONE: ConfigWriteResult = 0;
export const CONFIG_WRITE_REMAP: ConfigWriteResult = 1;
export const CONFIG_WRITE_REROUTE: ConfigWriteResult = 2;

/**
 * One PCI function: config registers plus a write mask (so BAR sizing works as on hardware, as in
 * QEMU's pci.c and cloud-hypervisor's Configuration), declared BARs, and BAR access handlers.
 */
export class PciFunction {
  readonly cfg: Uint8Array;
  /**
   * Write mask of the first 256 bytes. Extended config space (0x100..0xfff of a PCIe function) is read-only:
   * no model here has a writable extended capability, and a 4 KiB mask of zeros per PCIe function was most of
   * what building a machine zero-fills (docs/performance.md §12).
   */
  readonly wmask: Uint8Array;
  readonly bars: (BarSpec | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
  romSize = 0;
  /** Device and function number on its bus, fixed at plug time. */
  devfn = 0;
  /** The bus this function sits on; the machine's topology fills it in. */
  busNode: { number(): number } | undefined;
  /** QEMU model name and qdev id, for reports. */
  model = '';
  qdevId = '';
  private capTop = 0x40;

  constructor(readonly identity: PciIdentity, headerType = 0, arena?: ConfigSpaceArena) {
    const size = identity.pcie === true ? PCIE_CONFIG_SPACE_SIZE : PCI_CONFIG_SPACE_SIZE;
    // Registers and mask side by side in one buffer, from the machine's arena when it gives one: machines are
    // built per boot, and typed-array allocation (with its GC cost) is a visible part of a 0.15 ms boot
    // (docs/performance.md §14). Two views made straight on the buffer: a view plus two `subarray`s of it made
    // three typed arrays per function, and `subarray` takes the species-constructor path (docs/performance.md §22).
    let buffer: ArrayBuffer;
    let at = 0;
    if (arena !== undefined) {
      at = arena.reserve(size + PCI_CONFIG_SPACE_SIZE);
      buffer = arena.buffer;
    } else buffer = new ArrayBuffer(size + PCI_CONFIG_SPACE_SIZE);
    this.cfg = new Uint8Array(buffer, at, size);
    this.wmask = new Uint8Array(buffer, at + size, PCI_CONFIG_SPACE_SIZE);
    this.set16(PCI_VENDOR_ID, identity.vendor);
    this.set16(PCI_DEVICE_ID, identity.device);
    this.cfg[PCI_REVISION_ID] = identity.revision ?? 0;
    this.cfg[PCI_CLASS_PROG] = identity.progIf ?? 0;
    this.set16(PCI_CLASS_DEVICE, identity.classCode);
    this.cfg[PCI_HEADER_TYPE] = headerType;
    if (headerType === 0) {
      this.set16(PCI_SUBSYSTEM_VENDOR_ID, identity.subsystemVendor ?? 0);
      this.set16(PCI_SUBSYSTEM_ID, identity.subsystem ?? 0);
    }
    this.cfg[PCI_INTERRUPT_PIN] = identity.interruptPin ?? 0;
    // COMMAND: IO, MEMORY, MASTER, SERR and INTx-disable are writable (QEMU pci_init_wmask).
    this.wmask[PCI_COMMAND] = 0x07;
    this.wmask[PCI_COMMAND + 1] = 0x05;
    this.wmask[PCI_INTERRUPT_LINE] = 0xff;
  }

  get bdf(): string {
    return bdfString(this.busNode?.number() ?? 0, this.devfn);
  }

  get isBridge(): boolean {
    return (this.cfg[PCI_HEADER_TYPE]! & 0x7f) === 1;
  }

  set multifunction(on: boolean) {
    if (on) this.cfg[PCI_HEADER_TYPE]! |= PCI_HEADER_TYPE_MULTI_FUNCTION;
    else this.cfg[PCI_HEADER_TYPE]! &= ~PCI_HEADER_TYPE_MULTI_FUNCTION;
  }

  /** Config offset of the ROM BAR: 0x30 for type-0 headers, 0x38 for bridges. */
  get romOffset(): number {
    return this.isBridge ? 0x38 : PCI_ROM_ADDRESS;
  }

  /** Declares BAR `index` with QEMU's register semantics (pci_register_bar): size-aligned writable bits. */
  defineBar(index: number, spec: BarSpec): void {
    this.bars[index] = spec;
    const off = PCI_BASE_ADDRESS_0 + index * 4;
    const mask = spec.size - 1;
    if (spec.space === 'io') {
      this.set32(off, PCI_BASE_ADDRESS_SPACE_IO);
      this.setMask32(off, ~mask & ~0x3);
      return;
    }
    const flags = (spec.is64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : 0) | (spec.prefetch ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
    this.set32(off, flags);
    this.setMask32(off, ~mask & ~0xf);
    if (spec.is64) this.setMask32(off + 4, ~Math.floor(mask / 0x1_0000_0000));
  }

  defineRom(size: number): void {
    this.romSize = size;
    this.setMask32(this.romOffset, (~(size - 1) & ~0x7ff) | PCI_ROM_ADDRESS_ENABLE);
  }

  /** Adds a capability at the next free offset and links it at the head of the list, as QEMU does. */
  addCapability(id: number, length: number): number {
    const off = this.capTop;
    this.capTop = (off + length + 3) & ~3;
    this.cfg[off] = id;
    this.cfg[off + 1] = this.cfg[PCI_CAPABILITY_LIST]!;
    this.cfg[PCI_CAPABILITY_LIST] = off;
    this.cfg[PCI_STATUS]! |= PCI_STATUS_CAP_LIST;
    return off;
  }

  // ---- raw register helpers (device-internal; the guest goes through configRead/configWrite) ----
  get8(off: number): number {
    return this.cfg[off]!;
  }
  get16(off: number): number {
    return this.cfg[off]! | (this.cfg[off + 1]! << 8);
  }
  get32(off: number): number {
    const c = this.cfg;
    return (c[off]! | (c[off + 1]! << 8) | (c[off + 2]! << 16) | (c[off + 3]! << 24)) >>> 0;
  }
  set16(off: number, v: number): void {
    this.cfg[off] = v;
    this.cfg[off + 1] = v >>> 8;
  }
  set32(off: number, v: number): void {
    this.cfg[off] = v;
    this.cfg[off + 1] = v >>> 8;
    this.cfg[off + 2] = v >>> 16;
    this.cfg[off + 3] = v >>> 24;
  }
  setMask32(off: number, v: number): void {
    this.wmask[off] = v;
    this.wmask[off + 1] = v >>> 8;
    this.wmask[off + 2] = v >>> 16;
    this.wmask[off + 3] = v >>> 24;
  }

  /** Guest config read. Offsets past the function's config space read as all ones (QEMU). */
  configRead(off: number, width: 1 | 2 | 4): number {
    if (off + width > this.cfg.length) return width === 4 ? 0xffffffff : (1 << (8 * width)) - 1;
    if (width === 1) return this.cfg[off]!;
    if (width === 2) return this.get16(off);
    return this.get32(off);
  }

  /**
   * Guest config write through the write mask; returns what it may have changed in the machine's maps. A write that
   * leaves every byte as it was changes nothing (what a function decodes is a function of its registers), so it
   * returns CONFIG_WRITE_NONE and the machine skips its remap bookkeeping: about a third of SeaBIOS's config writes
   * are such (BAR sizing's restore of the old value, bus numbers rewritten unchanged; docs/performance.md §21).
   */
  configWrite(off: number, width: 1 | 2 | 4, value: number): ConfigWriteResult {
    const c = this.cfg;
    // Extended config space has no write mask (see wmask): a write there keeps every byte.
    if (off + width > c.length || off >= PCI_CONFIG_SPACE_SIZE) return CONFIG_WRITE_NONE;
    const m = this.wmask;
    let changed = 0;
    if (width === 4 && off <= PCI_CONFIG_SPACE_SIZE - 4) {
      // A dword inside the masked 256 bytes (BAR sizing and placement: most of SeaBIOS's writes) without the byte
      // loop: ~25 % cheaper per write in isolation (docs/performance.md §21).
      const o0 = c[off]!;
      const o1 = c[off + 1]!;
      const o2 = c[off + 2]!;
      const o3 = c[off + 3]!;
      const m0 = m[off]!;
      const m1 = m[off + 1]!;
      const m2 = m[off + 2]!;
      const m3 = m[off + 3]!;
      const n0 = (o0 & ~m0) | (value & m0);
      const n1 = (o1 & ~m1) | ((value >>> 8) & m1);
      const n2 = (o2 & ~m2) | ((value >>> 16) & m2);
      const n3 = (o3 & ~m3) | ((value >>> 24) & m3);
      c[off] = n0;
      c[off + 1] = n1;
      c[off + 2] = n2;
      c[off + 3] = n3;
      changed = (n0 ^ o0) | (n1 ^ o1) | (n2 ^ o2) | (n3 ^ o3);
    } else {
      for (let i = 0; i < width; i++) {
        const o = off + i;
        const old = c[o]!;
        const mi = o < PCI_CONFIG_SPACE_SIZE ? m[o]! : 0;
        const b = (old & ~mi) | ((value >>> (8 * i)) & mi);
        changed |= b ^ old;
        c[o] = b;
      }
    }
    return changed === 0 ? CONFIG_WRITE_NONE : this.writeEffect(off, width);
  }

  /** What a write to [off, off+width) can change in the machine's maps. */
  protected writeEffect(off: number, width: number): ConfigWriteResult {
    const end = off + width;
    if (off < PCI_COMMAND + 2 && end > PCI_COMMAND) return CONFIG_WRITE_REMAP;
    if (off < 0x28 && end > PCI_BASE_ADDRESS_0) return CONFIG_WRITE_REMAP; // BAR0..BAR5
    const rom = this.romOffset;
    return off < rom + 4 && end > rom ? CONFIG_WRITE_REMAP : CONFIG_WRITE_NONE;
  }

  /** The guest-physical (or port) address BAR `index` decodes at, or -1 when it decodes nothing (QEMU pci_bar_address). */
  barAddress(index: number): number {
    const cmd = this.get16(PCI_COMMAND);
    if (index === ROM_BAR) {
      if (this.romSize === 0 || (cmd & PCI_COMMAND_MEMORY) === 0) return -1;
      const v = this.get32(this.romOffset);
      if ((v & PCI_ROM_ADDRESS_ENABLE) === 0) return -1;
      const a = (v & ~(this.romSize - 1)) >>> 0;
      return a === 0 ? -1 : a;
    }
    const spec = this.bars[index];
    if (spec === undefined) return -1;
    const off = PCI_BASE_ADDRESS_0 + index * 4;
    if (spec.space === 'io') {
      if ((cmd & PCI_COMMAND_IO) === 0) return -1;
      const a = (this.get32(off) & ~(spec.size - 1) & ~0x3) >>> 0;
      return a === 0 || a + spec.size > 0x10000 ? -1 : a;
    }
    if ((cmd & PCI_COMMAND_MEMORY) === 0) return -1;
    let a = (this.get32(off) & ~0xf) >>> 0;
    if (spec.is64) a += this.get32(off + 4) * 0x1_0000_0000;
    a -= a % spec.size;
    if (a === 0) return -1;
    if (!spec.is64 && a + spec.size > 0x1_0000_0000) return -1;
    return a;
  }

  /** Reads inside BAR `index`; devices with registers override this. Unbacked space reads as all ones. */
  barRead(_index: number, _offset: number, width: 1 | 2 | 4): number {
    return width === 4 ? 0xffffffff : (1 << (8 * width)) - 1;
  }

  barWrite(_index: number, _offset: number, _width: 1 | 2 | 4, _value: number): void {
    // Writes to unbacked BAR space are dropped, as a real device ignores them.
  }

  /**
   * A handler object of the device's own for BAR `index`, or undefined (the default): the PCI host then reaches the
   * BAR through barRead/barWrite. A device with a hot BAR returns one object per BAR, so the calls into it from the
   * CPU side see one class and V8 can inline them (docs/performance.md §15).
   */
  ownBarHandler(_index: number): BarHandler | undefined {
    return undefined;
  }

  /** ROM contents for the option-ROM scan; undefined when the device has no ROM image. */
  romImage(): Uint8Array | undefined {
    return undefined;
  }
}
