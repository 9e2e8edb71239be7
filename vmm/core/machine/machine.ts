import { PciBridge, type PciBus } from '../../../devices/pci/bridge.js';
import type { PciFunction } from '../../../devices/pci/function.js';
import { MCH_PCIEXBAR, PC_BUILTINS, Q35_BUILTINS } from '../../../devices/chipset/index.js';
import { MODELS } from '../../../devices/index.js';
import { ConfigSpaceArena } from '../../../devices/pci/config-arena.js';
import { PCI_CONFIG_SPACE_SIZE, PCIE_CONFIG_SPACE_SIZE } from '../../../devices/pci/regs.js';
import type { ModelRegistry } from '../../../devices/registry.js';
import type { FirmwareIo } from '../../../firmware/io.js';
import { PORT_DEBUGCON } from '../../../firmware/io.js';
import { AddressSpace } from '../bus/address-space.js';
import type { DeviceSpec } from '../../../devices/spec.js';
import type { MachineSpec } from '../../frontends/config/spec.js';
import { FW_CFG_MAX_CPUS, FW_CFG_NB_CPUS, FW_CFG_PORT_SEL, FW_CFG_RAM_SIZE, FwCfg } from '../fwcfg/device.js';
import type { DmaPort } from '../../../devices/memory/dma.js';
import { GuestMemory, PAGE_SIZE } from '../../../devices/memory/guest-memory.js';
import { PCI_CONFIG_ADDRESS_PORT, PciHost } from '../pci/host.js';
import { DebugCon } from './debugcon.js';
import { Interceptors, type Interceptor } from './intercept.js';
import { BudgetMeter, budgetMessage, type BudgetExceeded, type BudgetLimits } from '../budget/budget.js';
import { DmaDomain } from './dma-domain.js';
import { PlugContext } from './plug-context.js';
import { FOUR_GIB, HT_HOLE_END, HT_HOLE_START, Q35_MMCONFIG_SIZE, ramLayout, type RamLayout } from './layout.js';
import { E820_RAM, E820_RESERVED, encodeE820, putLe64 } from './e820.js';
import { cpuidOf } from '../profile/cpu.js';
import { resolveProfile, type MachineProfile } from '../profile/profile.js';

/**
 * The content of `etc/table-loader`: 128 zero bytes, the same for every machine and never written (fw_cfg items
 * are read-only to the guest: vmm/core/fwcfg/device.ts answers a DMA write with the error bit), so one constant
 * serves every machine, as the QXL VGA BIOS stand-in does, instead of a 128-byte ArrayBuffer per boot
 * (docs/performance.md §22).
 */
const ACPI_LOADER_STUB: Uint8Array = new Uint8Array(128);

/**
 * The largest first chunk `configSpaceEstimate` asks for: room for ~960 PCIe functions, so a machine of hundreds of
 * root ports gets one buffer of its size. 128 KiB chunks (the arena's later ones) cost a 200-root-port boot ~5 % more
 * CPU than its one 1.7 MiB buffer (docs/performance.md §23); the cap bounds what an estimate counting conventional
 * root-bus devices as PCIe can leave unused.
 */
const CONFIG_ARENA_MAX_FIRST = 4 * 1024 * 1024;

/**
 * Config-space bytes the machine's functions will take from its arena (registers and the 256-byte write mask of
 * each): the size of the arena's first chunk, so that most machines get one chunk, zeroed once, rather than
 * 8 KiB and then 16 KiB (a 4 KiB ArrayBuffer costs ~1 µs to allocate and collect; docs/performance.md §22).
 * Each model says whether it is PCIe (4 KiB of registers) where the device sits (ModelDef.pcie): most q35
 * devices of the recorded topologies sit on the root bus and are conventional there (virtio, vfio, QXL, bridges),
 * and counting them as PCIe made the first chunk ~2.3× what the functions take, all of it zero-filled and
 * charged to V8's external memory per boot (docs/performance.md §27). A model that does not say is counted as
 * PCIe on the q35 root bus or below a PCIe port (devices/catalogue/build.ts onExpressBus). An estimate over the
 * need leaves the chunk's tail unused, one short of it only starts a second chunk: the bytes each function gets
 * are the same either way. At most CONFIG_ARENA_MAX_FIRST; past it, the arena's 128 KiB chunks.
 */
function configSpaceEstimate(spec: MachineSpec, models: ModelRegistry): number {
  const small = 2 * PCI_CONFIG_SPACE_SIZE;
  const machineType = spec.machine.type;
  const q35 = machineType === 'q35';
  // One pass: a device's bus is plugged before it (busFor), so its port, if it is one, is already in `ports`.
  let ports: Set<string> | undefined;
  let bytes = (q35 ? Q35_BUILTINS : PC_BUILTINS).length * small;
  for (const d of spec.devices) {
    const def = models.lookup(d.model);
    if (q35 && def?.pciePort === true) (ports ??= new Set()).add(d.id);
    const rootBus = d.bus === undefined;
    const pcieBus = !rootBus && ports?.has(d.bus) === true;
    const pcie = def?.pcie;
    const express = pcie !== undefined ? pcie(d.props, { machineType, pcieBus, rootBus }) : q35 && (rootBus || pcieBus);
    bytes += express ? PCIE_CONFIG_SPACE_SIZE + PCI_CONFIG_SPACE_SIZE : small;
    if (bytes >= CONFIG_ARENA_MAX_FIRST) return CONFIG_ARENA_MAX_FIRST;
  }
  return bytes;
}

/** A typed key for a layer's per-machine state (`machine.state(KEY)`): the layer owns the key and its type. */
export class StateKey<T> {
  declare private readonly type: T;
  constructor(readonly name: string) {}
}

/** Something a guest did wrong that a device contained (QXL guest bugs, IGD quirk errors, ...). */
export interface MachineEvent {
  readonly source: string;
  readonly kind: string;
  readonly message: string;
}

/**
 * One guest: RAM, IO and memory address spaces, the PCI host with every function plugged as
 * QEMU would, fw_cfg, and the debug console. Firmware drives it through `cpu`.
 */
export class Machine {
  readonly ram: GuestMemory;
  readonly layout: RamLayout;
  /** Region decorators (traps, quirks, fake-BAR backing, mapping followers), in registration order. */
  private readonly interceptors = new Interceptors();
  readonly pci = new PciHost(this.interceptors, (fn) => this.mappingChanged(fn));
  readonly io: AddressSpace;
  readonly mmio: AddressSpace;
  readonly fwcfg: FwCfg;
  /** This boot's budget (vmm/core/budget): devices and runners charge it; overruns become events. */
  readonly budget: BudgetMeter;
  readonly debugcon: DebugCon;
  readonly events: MachineEvent[] = [];
  /** Functions by qdev id, and the device spec each came from. */
  readonly byId = new Map<string, PciFunction>();
  readonly specOf = new Map<PciFunction, DeviceSpec>();
  /** The IOMMU domain of the guest's devices (VFIO type1 over all guest RAM), built on first DMA. */
  readonly dma: DmaDomain;
  /** Per-machine state of the layers above the core (IGD preparation, ...), by key: no module-level maps. */
  private readonly layerState = new Map<StateKey<unknown>, unknown>();
  /** Config-space storage of the functions the catalogue builds for this machine (devices/pci/config-arena.ts). */
  private readonly configSpace: ConfigSpaceArena;
  private ecamBase = -1;
  /**
   * Direct config-space decode (docs/performance.md §14): where the CPU reaches ECAM and CF8..CFF without an
   * address-space lookup, or Infinity while something else decodes part of them (a later fixed region
   * overlaying them wins in the address space, so then every access goes through it). Valid for the static
   * generation of mmio / io it was computed at.
   */
  private ecamDirect = Infinity;
  private ecamDirectGen = -1;
  private portsDirect = Infinity;
  private portsDirectGen = -1;

  constructor(
    readonly spec: MachineSpec,
    /** The QEMU version, machine type, vCPU and firmware this machine models (vmm/core/profile). */
    readonly profile: MachineProfile = resolveProfile(spec),
    /** This boot's limits (steps, bytes, pixels, pages, log, time): overruns become budget-exceeded events. */
    budget: Partial<BudgetLimits> | BudgetMeter = {},
    /** The device models `devices:` may name: every real one, or a test's registry with its own added. */
    private readonly models: ModelRegistry = MODELS,
  ) {
    // One zeroed buffer for the functions' config space and the first two pages of guest RAM, which every SeaBIOS
    // and OVMF boot writes (the fw_cfg DMA descriptor's and the bounce buffer's; docs/performance.md §26): each
    // ArrayBuffer costs a boot about a microsecond to make and collect, whatever its size (§22, §27).
    const cfgBytes = configSpaceEstimate(spec, models);
    const shared = new ArrayBuffer(cfgBytes + 2 * PAGE_SIZE);
    this.configSpace = new ConfigSpaceArena(cfgBytes, undefined, shared);
    this.ram = new GuestMemory(shared, cfgBytes);
    this.budget = budget instanceof BudgetMeter ? budget : new BudgetMeter(budget);
    // A bound method, not an arrow function: it is almost never called, and a never-called arrow function stored
    // here kept every machine alive across V8's scavenges until the next full GC (docs/performance.md §12).
    this.budget.onExceeded = this.budgetExceeded.bind(this);
    this.debugcon = new DebugCon((n) => this.budget.charge('log', n, 'debug console output (port 0x402) dropped past the limit'));
    const m = spec.machine;
    this.layout = ramLayout(m.type, m.memory, {
      cpu: profile.cpu,
      machineVersion: profile.machine.version,
      maxmem: m.maxmem,
      slots: m.slots,
      maxRamBelow4g: m.maxRamBelow4g,
    });
    this.io = new AddressSpace('io', () => this.pci.regions(true), this.pci.decodes.bind(this.pci, true));
    this.mmio = new AddressSpace('mmio', () => this.pci.regions(false), this.pci.decodes.bind(this.pci, false));
    this.dma = new DmaDomain(this.ram, this.layout);
    // Below 4 GiB a region offset is the guest-physical address, so guest RAM is its own handler (its read/write
    // take the same arguments): no handler object and two closures per machine (docs/performance.md §22).
    this.mmio.addRam(0, this.layout.below4g, this.ram, 'ram-below-4g');
    if (this.layout.above4g > 0) {
      const start = this.layout.above4gStart;
      this.mmio.addRam(start, this.layout.above4g, { read: (o, w) => this.ram.read(o + start, w), write: (o, w, v) => this.ram.write(o + start, w, v) }, 'ram-above-4g');
    }
    this.io.addFixed(PCI_CONFIG_ADDRESS_PORT, 8, this.pci.configPorts, 'pci-conf');
    this.io.addFixed(PORT_DEBUGCON, 1, this.debugcon, 'debugcon');
    this.fwcfg = new FwCfg({
      readBytes: (a, out) => this.ram.readBytes(a, out),
      writeBytes: (a, d) => this.ram.writeBytes(a, d),
      copyAllowed: (n) => this.budget.charge('bytes', n, `fw_cfg DMA of ${n} bytes refused (status error)`),
    });
    this.io.addFixed(FW_CFG_PORT_SEL, 12, this.fwcfg.ports, 'fw_cfg');
    this.setupFwCfg();
    this.plugBuiltins();
    for (const d of spec.devices) this.plugDevice(d);
  }

  /** QEMU's fw_cfg content for this machine: its e820 table, RAM size, the ACPI loader, hotplug memory end. */
  private setupFwCfg(): void {
    const { below4g, above4g } = this.layout;
    // QEMU reserves AMD's HyperTransport range below 1 TiB only for an AMD vCPU (hw/i386/pc.c pc_memory_init,
    // IS_AMD_CPU && enforce_amd_1tb_hole, phys-bits >= 40), and before the RAM entries (SeaBIOS 1.16.3 logs it
    // first): an Intel guest's e820 has no such entry (vmm/core/machine/layout).
    const entries: { start: number; size: number; type: number }[] = [];
    if (this.layout.htHoleReserved) entries.push({ start: HT_HOLE_START, size: HT_HOLE_END - HT_HOLE_START, type: E820_RESERVED });
    entries.push({ start: 0, size: below4g, type: E820_RAM });
    if (above4g > 0) entries.push({ start: this.layout.above4gStart, size: above4g, type: E820_RAM });
    this.fwcfg.addFile('etc/e820', encodeE820(entries));
    const memory = below4g + above4g;
    const ramSize = new Uint8Array(8);
    putLe64(ramSize, 0, memory);
    this.fwcfg.setItem(FW_CFG_RAM_SIZE, ramSize);
    // -smp N: boot CPUs and the APIC-ID limit (hw/i386/fw_cfg.c fw_cfg_arch_create; N with the default topology).
    const smp = this.spec.machine.smp ?? 1;
    const cpus = new Uint8Array(2);
    cpus[0] = smp;
    cpus[1] = smp >>> 8;
    this.fwcfg.setItem(FW_CFG_NB_CPUS, cpus);
    this.fwcfg.setItem(FW_CFG_MAX_CPUS, cpus);
    // QEMU 7.2 always provides the ACPI linker script; SeaBIOS only tests for its presence here.
    this.fwcfg.addFile('etc/table-loader', ACPI_LOADER_STUB);
    const { maxmem } = this.spec.machine;
    const slots = this.spec.machine.slots ?? 0;
    if (maxmem !== undefined && maxmem > memory) {
      // QEMU creates the device-memory region whenever ram_size < maxram_size, slots or not (hw/i386/pc.c
      // pc_memory_init): after above-4G RAM, 1 GiB aligned, sized maxmem - memory + 1 GiB per slot of alignment
      // slack (pc_get_device_memory_range, enforce_aligned_dimm), its end rounded up to 1 GiB.
      const start = Math.ceil((this.layout.above4gStart + above4g) / 0x4000_0000) * 0x4000_0000;
      const size = maxmem - memory + slots * 0x4000_0000;
      const end = Math.ceil((start + size) / 0x4000_0000) * 0x4000_0000;
      const buf = new Uint8Array(8);
      putLe64(buf, 0, end);
      this.fwcfg.addFile('etc/reserved-memory-end', buf);
    }
  }

  private plugBuiltins(): void {
    const list = this.spec.machine.type === 'q35' ? Q35_BUILTINS : PC_BUILTINS;
    for (const b of list) {
      const fn = b.make(this.configSpace);
      fn.model = b.model;
      this.pci.plug(this.pci.root, b.devfn, fn);
    }
  }

  private busFor(spec: DeviceSpec): PciBus {
    if (spec.bus === undefined) return this.pci.root;
    const parent = this.byId.get(spec.bus);
    if (!(parent instanceof PciBridge)) throw new Error(`bug: bus ${spec.bus} not validated`);
    return parent.secondary;
  }

  /** First free slot on the bus, as QEMU's pci_bus_devfn_available scan does. */
  private freeDevfn(bus: PciBus): number {
    for (let devfn = 0; devfn < 256; devfn += 8) if (bus.slots[devfn] === undefined) return devfn;
    throw new Error('bug: no free slot (config validation should have refused this)');
  }

  plugDevice(spec: DeviceSpec): PciFunction {
    const def = this.models.lookup(spec.model);
    if (def === undefined) throw new Error(`bug: model ${spec.model} not validated`);
    const bus = this.busFor(spec);
    const devfn = spec.devfn ?? this.freeDevfn(bus);
    const pcieBus = bus.bridge !== undefined && this.models.lookup(this.specOf.get(bus.bridge)?.model ?? '')?.pciePort === true;
    const ctx = new PlugContext(this, this.configSpace, bus, devfn, pcieBus, bus.bridge === undefined);
    const fn = def.create(spec, ctx);
    fn.model = spec.model;
    fn.qdevId = spec.id;
    if (spec.props['multifunction'] === true || spec.props['multifunction'] === 'on') fn.multifunction = true;
    this.pci.plug(bus, devfn, fn);
    if (spec.id !== '') this.byId.set(spec.id, fn);
    this.specOf.set(fn, spec);
    return fn;
  }

  /** How a device gets its DMA port: through the IOMMU domain, bound to its requester id. */
  dmaPort(sourceId: number): DmaPort {
    return this.dma.port(sourceId);
  }

  /** Registers a region decorator (after those already there: it wraps them); the CPU's views are rebuilt. */
  intercept(i: Interceptor): void {
    this.interceptors.add(i);
    this.io.invalidatePci();
    this.mmio.invalidatePci();
  }

  /** Whether some decorator takes config cycles (else they reach functions directly). */
  get interceptsConfigSpace(): boolean {
    return this.interceptors.wrapsConfig;
  }

  /** State a layer keeps for this machine (see StateKey). */
  state<T>(key: StateKey<T>): T | undefined {
    return this.layerState.get(key) as T | undefined;
  }

  setState<T>(key: StateKey<T>, value: T): void {
    this.layerState.set(key, value);
  }

  private mappingChanged(fn: PciFunction): void {
    this.io.invalidatePci();
    this.mmio.invalidatePci();
    if (fn === this.pci.root.slots[0] && this.spec.machine.type === 'q35') this.updateEcam();
    this.interceptors.mappingChanged(fn);
  }

  /** q35: PCIEXBAR (MCH 0x60) bit 0 enables ECAM at the programmed base (256 MiB, 256 buses). */
  private updateEcam(): void {
    const mch = this.pci.root.slots[0];
    if (mch === undefined) return;
    const lo = mch.get32(MCH_PCIEXBAR);
    const base = (lo & 1) !== 0 ? ((lo & 0xf000_0000) >>> 0) + mch.get32(MCH_PCIEXBAR + 4) * FOUR_GIB : -1;
    if (base === this.ecamBase) return;
    if (this.ecamBase >= 0) this.mmio.removeFixed('ecam');
    this.ecamBase = base;
    if (base >= 0) this.mmio.addFixed(base, Q35_MMCONFIG_SIZE, this.pci.ecam, 'ecam');
  }

  recordEvent(e: MachineEvent): void {
    this.events.push(e);
  }

  private budgetExceeded(e: BudgetExceeded): void {
    this.recordEvent({ source: 'budget', kind: 'budget-exceeded', message: budgetMessage(e) });
  }

  /**
   * A memory access by the CPU. Addresses in the ECAM window go straight to the PCI host when the window is
   * decoded whole by ECAM (what mmio.read would find first, in its fixed tier): q35 SeaBIOS makes every config
   * access there (src/hw/pci.c pci_config_readl over mmconfig), ~70,000 for 200 root ports.
   */
  private memRead(a: number, w: 1 | 2 | 4): number {
    if (this.mmio.staticGeneration !== this.ecamDirectGen) this.refreshEcamDirect();
    const o = a - this.ecamDirect;
    return o >= 0 && o < Q35_MMCONFIG_SIZE ? this.pci.ecamRead(o, w) : this.mmio.read(a, w);
  }

  private memWrite(a: number, w: 1 | 2 | 4, v: number): void {
    if (this.mmio.staticGeneration !== this.ecamDirectGen) this.refreshEcamDirect();
    const o = a - this.ecamDirect;
    if (o >= 0 && o < Q35_MMCONFIG_SIZE) this.pci.ecamWrite(o, w, v);
    else this.mmio.write(a, w, v);
  }

  private refreshEcamDirect(): void {
    const b = this.ecamBase;
    this.ecamDirect = b >= 0 && this.mmio.decodesWhole(b, Q35_MMCONFIG_SIZE, this.pci.ecam) ? b : Infinity;
    this.ecamDirectGen = this.mmio.staticGeneration;
  }

  /** A port access by the CPU; CF8..CFF go straight to the PCI host as ECAM does above (i440fx, and q35 before MMCONFIG). */
  private portRead(p: number, w: 1 | 2 | 4): number {
    if (this.io.staticGeneration !== this.portsDirectGen) this.refreshPortsDirect();
    const o = p - this.portsDirect;
    return o >= 0 && o < 8 ? this.pci.portRead(o, w) : this.io.read(p, w);
  }

  private portWrite(p: number, w: 1 | 2 | 4, v: number): void {
    if (this.io.staticGeneration !== this.portsDirectGen) this.refreshPortsDirect();
    const o = p - this.portsDirect;
    if (o >= 0 && o < 8) this.pci.portWrite(o, w, v);
    else this.io.write(p, w, v >>> 0);
  }

  private refreshPortsDirect(): void {
    const ok = this.io.decodesWhole(PCI_CONFIG_ADDRESS_PORT, 8, this.pci.configPorts);
    this.portsDirect = ok ? PCI_CONFIG_ADDRESS_PORT : Infinity;
    this.portsDirectGen = this.io.staticGeneration;
  }

  /** The CPU's view for firmware and ROM programs. */
  readonly cpu: FirmwareIo = {
    inb: (p) => this.portRead(p, 1),
    inw: (p) => this.portRead(p, 2),
    inl: (p) => this.portRead(p, 4),
    outb: (p, v) => this.portWrite(p, 1, v & 0xff),
    outw: (p, v) => this.portWrite(p, 2, v & 0xffff),
    // The value goes on as given (a uint32 or its int32 bit pattern) and is made unsigned where it is used: passing
    // `v >>> 0` on boxed it as a heap number for every CF8 write above 2^31 (docs/performance.md §21).
    outl: (p, v) => this.portWrite(p, 4, v),
    outsbFrom: (p, chars, count) => {
      // The debug console is a fixed port device: hand it the whole line (what SeaBIOS's log costs most).
      if (p === PORT_DEBUGCON) this.debugcon.writeChars(chars, count);
      else for (let i = 0; i < count; i++) this.portWrite(p, 1, chars[i]! & 0xff);
    },
    outsbDeferred: (p, text, index, length) => {
      // The firmware's own lines: the console keeps a reference and makes the text when read (docs/performance.md §16).
      if (p === PORT_DEBUGCON) this.debugcon.writeDeferred(text, index, length);
      else {
        const s = text.textOf(index, index + 1);
        for (let i = 0; i < s.length; i++) this.portWrite(p, 1, s.charCodeAt(i) & 0xff);
      }
    },
    readMem: (a, w) => this.memRead(a, w),
    writeMem: (a, w, v) => this.memWrite(a, w, v),
    readBytes: (a, out) => {
      if (this.isRam(a, out.length)) this.ram.readBytes(a, out);
      else for (let i = 0; i < out.length; i++) out[i] = this.memRead(a + i, 1);
    },
    writeBytes: (a, data) => {
      if (this.isRam(a, data.length)) this.ram.writeBytes(a, data);
      else for (let i = 0; i < data.length; i++) this.memWrite(a + i, 1, data[i]!);
    },
    cpuid: (leaf) => cpuidOf(this.profile.cpu, leaf),
  };

  /** Whether [addr, addr+len) is plain RAM (no chipset region overlays it). */
  isRam(addr: number, len: number): boolean {
    const { below4g, above4g } = this.layout;
    const inLow = addr + len <= below4g;
    const start = this.layout.above4gStart;
    const inHigh = addr >= start && addr + len <= start + above4g;
    if (!inLow && !inHigh) return false;
    return this.ecamBase < 0 || addr + len <= this.ecamBase || addr >= this.ecamBase + Q35_MMCONFIG_SIZE;
  }
}
