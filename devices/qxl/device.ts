import type { PropValue } from '../spec.js';
import type { DmaPort } from '../memory/dma.js';
import { GuestMemory } from '../memory/guest-memory.js';
import { romBarSize } from '../catalogue/build.js';
import { PciFunction, ROM_BAR, type ConfigWriteResult } from '../pci/function.js';
import type { ConfigSpaceArena } from '../pci/config-arena.js';
import type { CommandHost } from './commands.js';
import {
  PCI_CLASS_DISPLAY_OTHER, PCI_CLASS_DISPLAY_VGA, QEMU_SUBSYSTEM_ID, QEMU_SUBSYSTEM_VENDOR, QXL_DEVICE_ID_STABLE,
  QXL_IO_RANGE_INDEX, QXL_MODE_NAMES, QXL_RAM_RANGE_INDEX, QXL_ROM_RANGE_INDEX, QXL_ROM_SIZE, QXL_UNDEFINED_IO,
  QXL_VGA_ROMFILE, QXL_VRAM64_RANGE_INDEX, QXL_VRAM_RANGE_INDEX, QxlMode, REDHAT_PCI_VENDOR_ID,
} from './constants.js';
import { QxlEvents } from './events.js';
import { death, type FatalKind, type VmDeath } from './fatal.js';
import { barMappingsChanged, guestRamFreed, hardReset, vgaPortWrite, vmStart, vmStop } from './lifecycle.js';
import { DeviceMemory, DmaMemory, readLe, Space, type MemTarget } from './memory.js';
import { Memslots, type MemslotHost } from './memslots.js';
import { completeAsync, ioportWrite } from './ports.js';
import { ReleaseQueue, type ReleaseHost } from './release.js';
import { QxlRamHeader } from './ram-header.js';
import type { Ring } from './ring.js';
import { buildRom, QXL_RAM_HEADER_SIZE } from './rom.js';
import { SpiceServer } from './server.js';
import { qxlConfig, type QxlConfig } from './sizing.js';
import { qxlVgaBiosImage } from './vgabios.js';

export interface QxlOptions {
  /** qxl-vga (class VGA, legacy VGA ports, VGA mode after reset) rather than qxl. */
  readonly vga: boolean;
  /** The device's DMA port (the IOMMU's view); needed only for memslots in guest RAM. */
  readonly dma?: () => DmaPort;
  /** Console index QEMU assigns (rom.id); 0 for the first display device. */
  readonly consoleId?: number;
  /** The machine's config-space arena (devices/pci/config-arena.ts), when the machine gives one. */
  readonly configSpace?: ConfigSpaceArena;
}

/** QXLSurfaceCreate as QEMU keeps it for the primary (guest_primary.surface). */
export interface PrimarySurface {
  width: number;
  height: number;
  stride: number;
  format: number;
  flags: number;
  memLo: number;
  memHi: number;
}

/** The QXL device as QEMU 7.2 builds it (hw/display/qxl.c), with a deterministic spice-server model behind it. */
export class QxlDevice extends PciFunction implements CommandHost, MemslotHost, ReleaseHost {
  readonly qxl: QxlConfig;
  readonly vga: boolean;
  readonly consoleId: number;
  /**
   * The VRAM (BAR1/BAR4) memory and its writer, and the DMA view of guest RAM, made on first use (`vram`,
   * `vramMem`, `dmaMem`): a fresh sparse memory reads as zeros, which is what an untouched VRAM is, and a boot
   * without a workload never touches either (docs/performance.md §25).
   */
  private vramParts: { readonly mem: GuestMemory; readonly writer: DeviceMemory } | undefined;
  private readonly dmaFactory: (() => DmaPort) | undefined;
  private dmaBuilt: DmaMemory | undefined;
  readonly ramHeaderOffset: number;
  /**
   * The QXLRom (BAR2) and QEMU's shadow copy of it, built on first use: until then both are what init_qxl_rom
   * builds (update_id 0, mode 0), which is also what a reset restores. A boot whose guest never reads BAR2 (every
   * SeaBIOS-only boot: SeaBIOS sizes and places BAR2 but does not read it) built and copied 16 KiB for nothing
   * (docs/performance.md §22).
   */
  private romBuilt: Uint8Array | undefined;
  private shadowBuilt: Uint8Array | undefined;
  /** BAR0 and its RAM header, made on first use (ram-header.ts; docs/performance.md §25). */
  private readonly bar0 = new QxlRamHeader(this);
  readonly release: ReleaseQueue;
  /**
   * The memslot table and the spice-server model, made on first use: a fresh one is what a hard reset leaves
   * (qxl_hard_reset: spice's reset of cursor, image cache and surfaces, qxl_reset_memslots), so a device whose guest
   * never adds a memslot or sends a command (every boot without a workload) needs neither (docs/performance.md §25).
   */
  private memslotsBuilt: Memslots | undefined;
  private serverBuilt: SpiceServer | undefined;
  readonly log: QxlEvents;
  mode: QxlMode = QxlMode.Undefined;
  guestBugSet = false;
  currentAsync = QXL_UNDEFINED_IO;
  cmdflags = 0;
  /** The VM (and spice display) is running: QEMU drops events otherwise. */
  running = false;
  irqLevel = false;
  primary: PrimarySurface | undefined;
  /** An async IO was accepted and waits for completeAsync() (deferred mode). */
  asyncPending = false;
  /** Head 0 of the last MONITORS_CONFIG_ASYNC when it had one head (QEMU guest_head0_width/height). */
  guestHead0: { width: number; height: number } | undefined;
  /** Set when a guest action ended the VM as it ends QEMU (spice-server aborts, pixman faults): nothing runs after. */
  dead: VmDeath | undefined;
  /** Hard resets since the machine started (statistics for reports and tests). */
  resetCount = 0;
  /** Memslots in guest RAM (DMA through the IOMMU) are accepted: not QEMU behaviour, off by default. */
  guestRamMemslots: boolean;
  /** 'deferred': async IOs complete only on completeAsync() (to exercise the single-outstanding-async rule). */
  asyncMode: 'immediate' | 'deferred' = 'immediate';
  /** The INTx line changed (the lead connects it to the interrupt controller). */
  onIrq: ((level: boolean) => void) | undefined;
  /** Writes into BAR0/BAR1/BAR4 memory at guest-physical `gpa` (device rendering, ring updates, or CPU writes). */
  onVramWrite: ((gpa: number, len: number, source: 'device' | 'cpu') => void) | undefined;
  /** BAR addresses last seen by checkMappings (index = BAR). */
  readonly mappedBars = [-1, -1, -1, -1, -1];
  private readonly vgaBios: Uint8Array | undefined;

  constructor(props: Readonly<Record<string, PropValue>>, opts: QxlOptions) {
    const qxl = qxlConfig(props);
    super({
      vendor: REDHAT_PCI_VENDOR_ID,
      device: QXL_DEVICE_ID_STABLE,
      classCode: opts.vga ? PCI_CLASS_DISPLAY_VGA : PCI_CLASS_DISPLAY_OTHER,
      revision: qxl.revision,
      subsystemVendor: QEMU_SUBSYSTEM_VENDOR,
      subsystem: QEMU_SUBSYSTEM_ID,
      interruptPin: 1,
    }, 0, opts.configSpace);
    this.qxl = qxl;
    this.vga = opts.vga;
    this.consoleId = opts.consoleId ?? 0;
    this.guestRamMemslots = props['x-guest-ram-memslots'] === true || props['x-guest-ram-memslots'] === 'on';
    this.dmaFactory = opts.dma;
    this.ramHeaderOffset = qxl.ramSize - QXL_RAM_HEADER_SIZE; // ramLayout's, without the rest of the layout
    this.defineBar(QXL_RAM_RANGE_INDEX, { size: qxl.ramSize, space: 'mem', is64: false, prefetch: false });
    this.defineBar(QXL_VRAM_RANGE_INDEX, { size: qxl.vram32Size, space: 'mem', is64: false, prefetch: false });
    this.defineBar(QXL_ROM_RANGE_INDEX, { size: QXL_ROM_SIZE, space: 'mem', is64: false, prefetch: false });
    this.defineBar(QXL_IO_RANGE_INDEX, { size: qxl.ioSize, space: 'io', is64: false, prefetch: false });
    if (qxl.vram32Size < qxl.vram64Size) {
      this.defineBar(QXL_VRAM64_RANGE_INDEX, { size: qxl.vram64Size, space: 'mem', is64: true, prefetch: true });
    }
    // ROM BAR as pci_add_option_rom sizes it; only vgabios-qxl.bin has an image here (a stand-in).
    const romSize = romBarSize(props, opts.vga ? QXL_VGA_ROMFILE : undefined);
    if (romSize > 0) this.defineRom(romSize);
    this.vgaBios = romSize > 0 && (props['romfile'] ?? QXL_VGA_ROMFILE) === QXL_VGA_ROMFILE ? qxlVgaBiosImage() : undefined;
    this.release = new ReleaseQueue(this);
    this.log = new QxlEvents(this);
    // realize (qxl_reset_state), machine reset (hard reset, display not running yet), then the VM starts: the RAM
    // header they initialise is written when first used (ram-header.ts).
    hardReset(this);
    this.resetCount = 0;
    vmStart(this);
  }

  get memslots(): Memslots {
    return (this.memslotsBuilt ??= new Memslots(this));
  }
  get server(): SpiceServer {
    return (this.serverBuilt ??= new SpiceServer(this));
  }
  /** The memslot table if anything used it (else every slot is empty), without making it. */
  get memslotsIfBuilt(): Memslots | undefined {
    return this.memslotsBuilt;
  }
  /** The spice-server model if anything used it (else it holds nothing), without making it. */
  get serverIfBuilt(): SpiceServer | undefined {
    return this.serverBuilt;
  }

  /** BAR0's memory (qxl->vga.vram_ptr), the RAM header in it written. */
  get ram(): GuestMemory {
    return this.bar0.parts.mem;
  }

  /** BAR0's memory as device-side writes see it (each write reported to onVramWrite). */
  get ramMem(): DeviceMemory {
    return this.bar0.parts.writer;
  }

  get cmdRing(): Ring {
    return this.bar0.parts.rings[0];
  }
  get cursorRing(): Ring {
    return this.bar0.parts.rings[1];
  }
  get releaseRing(): Ring {
    return this.bar0.parts.rings[2];
  }

  /** BAR1/BAR4's memory (qxl->vram_ptr). */
  get vram(): GuestMemory {
    return (this.vramParts ?? this.buildVram()).mem;
  }
  /** The VRAM as device-side writes see it (each write reported to onVramWrite). */
  get vramMem(): DeviceMemory {
    return (this.vramParts ?? this.buildVram()).writer;
  }
  /** Guest RAM through the device's DMA port (memslots in guest RAM), when the device has a port. */
  get dmaMem(): DmaMemory | undefined {
    if (this.dmaBuilt === undefined && this.dmaFactory !== undefined) this.dmaBuilt = new DmaMemory(this.dmaFactory);
    return this.dmaBuilt;
  }

  /** Whether the VRAM memory was made (any use of BAR1/BAR4 memory since the device was made). */
  get vramMaterialized(): boolean {
    return this.vramParts !== undefined;
  }

  private buildVram(): { readonly mem: GuestMemory; readonly writer: DeviceMemory } {
    const mem = new GuestMemory();
    const writer = new DeviceMemory(Space.Vram, this.qxl.vram64Size, mem, (space, off, len) => this.markDirty(space, off, len));
    return (this.vramParts = { mem, writer });
  }

  /** Whether BAR0's RAM header was written into its pages (any use of BAR0 memory since the device was made). */
  get ramHeaderMaterialized(): boolean {
    return this.bar0.materialized;
  }

  /** init_qxl_ram on a header not built yet and unobserved: true when it stays unbuilt (QxlRamHeader.resetUnbuilt). */
  resetRamHeader(): boolean {
    return this.bar0.resetUnbuilt();
  }

  /** QXLRam.int_pending. */
  get intPending(): number {
    return this.bar0.intPending;
  }
  set intPending(v: number) {
    this.bar0.intPending = v;
  }
  /** QXLRam.int_mask. */
  get intMask(): number {
    return this.bar0.intMask;
  }

  /** The QXLRom as the guest sees it in BAR2 (qxl->rom). */
  get rom(): Uint8Array {
    return this.romBuilt ?? this.buildRoms();
  }

  /** QEMU's shadow_rom: what a reset copies back into the ROM. */
  get shadowRom(): Uint8Array {
    if (this.shadowBuilt === undefined) this.buildRoms();
    return this.shadowBuilt!;
  }

  /** Whether the ROM was built (read or written) since the device was made; an unbuilt ROM is in its reset state. */
  get romMaterialized(): boolean {
    return this.romBuilt !== undefined;
  }

  private buildRoms(): Uint8Array {
    const rom = buildRom(this.qxl, this.consoleId);
    this.romBuilt = rom;
    this.shadowBuilt = rom.slice();
    return rom;
  }

  // ---- host interfaces used by the rings, memslots, release queue and server ----
  get numSurfaces(): number {
    return this.qxl.numSurfaces;
  }
  get consuming(): boolean {
    return this.mode !== QxlMode.Vga;
  }
  get events(): readonly { kind: string; message: string }[] {
    return this.log.list;
  }
  guestBug(msg: string): void {
    this.log.guestBug(msg);
  }
  /** A spice-server warning, named by the spice function that logs it (as QEMU's stderr shows it). */
  spiceWarning(func: string, msg: string): void {
    this.log.add('spice', `qxl-${this.consoleId}: spice: ${func}: ${msg}`);
  }
  event(kind: string, msg: string): void {
    this.log.add(kind, msg);
  }
  /** The VM ends here, as QEMU's process does (see fatal.ts); later guest actions are ignored. */
  fatal(kind: FatalKind, detail: string): void {
    if (this.dead !== undefined) return;
    this.dead = death(kind, detail);
    this.running = false;
    this.log.add('fatal', `qxl-${this.consoleId}: VM ended by ${this.dead.exit.signal}: ${this.dead.reason}`);
  }
  sendEvents(bits: number): void {
    this.log.sendEvents(bits);
  }
  barSize(index: number): number {
    return this.bars[index]?.size ?? 0;
  }
  targetFor(bar: number): MemTarget | undefined {
    if (bar === QXL_RAM_RANGE_INDEX) return this.ramMem;
    if (bar === QXL_VRAM_RANGE_INDEX || bar === QXL_VRAM64_RANGE_INDEX) return this.vramMem;
    return bar === -1 ? this.dmaMem : undefined;
  }
  get modeName(): string {
    return QXL_MODE_NAMES[this.mode];
  }

  /** Sets the INTx level (pci_set_irq). */
  setIrq(level: boolean): void {
    if (level === this.irqLevel) return;
    this.irqLevel = level;
    this.onIrq?.(level);
  }

  /** Maps a device-side write in BAR memory to the guest-physical addresses it is visible at. */
  markDirty(space: Space, off: number, len: number, source: 'device' | 'cpu' = 'device'): void {
    const hook = this.onVramWrite;
    if (hook === undefined) return;
    if (space === Space.Ram) {
      const a = this.barAddress(QXL_RAM_RANGE_INDEX);
      if (a >= 0) hook(a + off, len, source);
      return;
    }
    const a1 = this.barAddress(QXL_VRAM_RANGE_INDEX);
    if (a1 >= 0 && off < this.qxl.vram32Size) hook(a1 + off, Math.min(len, this.qxl.vram32Size - off), source);
    const a4 = this.bars[QXL_VRAM64_RANGE_INDEX] !== undefined ? this.barAddress(QXL_VRAM64_RANGE_INDEX) : -1;
    if (a4 >= 0) hook(a4 + off, len, source);
  }

  // ---- BAR access (the guest's view) ----
  override barRead(index: number, offset: number, width: 1 | 2 | 4): number {
    const ones = width === 4 ? 0xffffffff : (1 << (8 * width)) - 1;
    switch (index) {
      case QXL_RAM_RANGE_INDEX:
        return offset + width <= this.qxl.ramSize ? this.ram.read(offset, width) : ones;
      case QXL_VRAM_RANGE_INDEX:
        return offset + width <= this.qxl.vram32Size ? this.vram.read(offset, width) : ones;
      case QXL_VRAM64_RANGE_INDEX:
        return offset + width <= this.qxl.vram64Size ? this.vram.read(offset, width) : ones;
      case QXL_ROM_RANGE_INDEX:
        return readLe(this.rom, offset, width, ones);
      case ROM_BAR:
        return this.vgaBios !== undefined ? readLe(this.vgaBios, offset, width, ones) : ones;
      default:
        return ones; // IO BAR: QEMU's ioport_read returns 0xff per byte
    }
  }

  override barWrite(index: number, offset: number, width: 1 | 2 | 4, value: number): void {
    if (index === QXL_IO_RANGE_INDEX) {
      // 1-byte ports: QEMU splits a wider PIO access into byte accesses at consecutive ports.
      for (let i = 0; i < width; i++) if (offset + i < this.qxl.ioSize) ioportWrite(this, offset + i, (value >>> (8 * i)) & 0xff);
      return;
    }
    const mem = index === QXL_RAM_RANGE_INDEX ? this.ram : index === QXL_VRAM_RANGE_INDEX || index === QXL_VRAM64_RANGE_INDEX ? this.vram : undefined;
    const limit = index === QXL_RAM_RANGE_INDEX ? this.qxl.ramSize : index === QXL_VRAM_RANGE_INDEX ? this.qxl.vram32Size : this.qxl.vram64Size;
    if (mem === undefined || offset + width > limit) return; // ROM BARs are read-only
    mem.write(offset, width, value);
    this.markDirty(index === QXL_RAM_RANGE_INDEX ? Space.Ram : Space.Vram, offset, width, 'cpu');
  }

  override romImage(): Uint8Array | undefined {
    return this.vgaBios;
  }

  override configWrite(off: number, width: 1 | 2 | 4, value: number): ConfigWriteResult {
    const effect = super.configWrite(off, width, value);
    this.checkMappings();
    return effect;
  }

  /** A BAR holding memslots moved or stopped decoding: those slots and the host state inside them go. */
  checkMappings(): void {
    barMappingsChanged(this);
  }

  /** Guest RAM [gpa, gpa + len) was freed (balloon, unplug): host records living there are dropped. */
  guestMemoryFreed(gpa: number, len: number): void {
    guestRamFreed(this, gpa, len);
  }

  // ---- operations for the machine and for tests ----
  /** An OUT to port BAR3 + `port` (one byte). */
  ioWrite(port: number, value: number): void {
    ioportWrite(this, port, value & 0xff);
  }
  /** Completes the outstanding async IO (deferred mode; a no-op otherwise). */
  completeAsync(): void {
    if (this.asyncPending) completeAsync(this);
  }
  /** A write to one of the legacy VGA ports qxl-vga claims (0x3b4/5, 0x3ba, 0x3c0-0x3cf, 0x3d4/5, 0x3da). */
  vgaPortWrite(): void {
    if (this.vga && this.dead === undefined) vgaPortWrite(this);
  }
  /**
   * QEMU started again after the VM died (a new process; not something a guest can do): the device as after
   * realize and machine reset, running. Harnesses use it to go on after a fatal guest action.
   */
  restartVm(): void {
    this.dead = undefined;
    this.running = false;
    hardReset(this);
    vmStart(this);
  }
  /** System reset (qxl_reset_handler): a hard reset, the display restarting if it ran. */
  machineReset(): void {
    if (this.dead === undefined) hardReset(this);
  }
  /** The VM stops (live surfaces are marked dirty) or starts (spice reports client capabilities again). */
  vmStop(): void {
    vmStop(this);
  }
  vmStart(): void {
    vmStart(this);
  }

  /** The QXLRom bytes as the guest sees them in BAR2. */
  romBytes(): Uint8Array {
    return this.rom.slice();
  }

  /** Bytes of any BAR (0 ram, 1 vram32, 2 rom, 3 io, 4 vram64, 6 expansion ROM) for `vfio-sim dump`. */
  dump(bar: number, offset = 0, length?: number): Uint8Array {
    const size = bar === ROM_BAR ? this.romSize : this.barSize(bar);
    const start = Math.max(0, Math.min(offset, size));
    const n = Math.max(0, Math.min(length ?? size - start, size - start));
    const out = new Uint8Array(n);
    if (bar === QXL_RAM_RANGE_INDEX) this.ram.readBytes(start, out);
    else if (bar === QXL_VRAM_RANGE_INDEX || bar === QXL_VRAM64_RANGE_INDEX) this.vram.readBytes(start, out);
    else if (bar === QXL_ROM_RANGE_INDEX) out.set(this.rom.subarray(start, start + n));
    else if (bar === ROM_BAR && this.vgaBios !== undefined) out.set(this.vgaBios.subarray(start, start + n));
    else out.fill(0xff);
    return out;
  }

  /** The interface revision >= 4 gets client-capability events (interface_set_client_capabilities). */
  get clientCapsSupported(): boolean {
    return this.qxl.revision >= 4;
  }
}
