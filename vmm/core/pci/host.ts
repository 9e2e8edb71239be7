import { PciBridge, PciBus, type Window } from '../../../devices/pci/bridge.js';
import { CONFIG_WRITE_NONE, CONFIG_WRITE_REROUTE, PciFunction, ROM_BAR, type ConfigWriteResult } from '../../../devices/pci/function.js';
import { PCI_COMMAND, PCI_COMMAND_IO, PCI_COMMAND_MEMORY, PCI_PRIMARY_BUS, PCI_SUBORDINATE_BUS } from '../../../devices/pci/regs.js';
import type { IoHandler, RegionDesc } from '../bus/address-space.js';
import type { ConfigAccess, Interceptors } from '../machine/intercept.js';

/** Legacy configuration mechanism #1 ports (PCI Local Bus 3.0 §3.2.2.3.2). */
export const PCI_CONFIG_ADDRESS_PORT = 0xcf8;
export const PCI_CONFIG_DATA_PORT = 0xcfc;

/** Where the host reports a config write that changed what a function decodes (the machine applies it). */
export type MappingChanged = (fn: PciFunction, effect: ConfigWriteResult) => void;

/**
 * The PCI host: the root bus, routing of config cycles to functions by the bus numbers firmware
 * programmed into bridges (QEMU pci_find_bus_nr: the first bridge whose [secondary, subordinate]
 * holds the number), config mechanism #1 and ECAM, and the PCI part of the memory and IO maps.
 */
export class PciHost {
  readonly root = new PciBus(undefined, 0);
  /**
   * Bus by number as config cycles reach it (null: none); undefined entries (and numbers past the end) are
   * looked up again. Grown as numbers are looked up, not 256 entries per machine.
   */
  private readonly busCache: (PciBus | null | undefined)[] = [];
  private configAddress = 0;
  /** Decorated config views by addressed bdf, rebuilt when the interceptors change or the bdf reaches another function. */
  private readonly cfgViews: ({ fn: PciFunction; view: ConfigAccess | undefined; generation: number } | undefined)[] = [];

  constructor(
    /** The machine's region decorators (config cycles go through those that take config space). */
    private readonly interceptors: Interceptors,
    private readonly mappingChanged: MappingChanged,
  ) {}

  plug(bus: PciBus, devfn: number, fn: PciFunction): void {
    this.fnList = undefined;
    bus.slots[devfn] = fn;
    if (fn instanceof PciBridge) bus.childBridges.unshift(fn);
    fn.devfn = devfn;
    fn.busNode = bus;
  }

  /** Applies what a config write returned: bus routing first, then the machine's maps. */
  private apply(fn: PciFunction, effect: ConfigWriteResult, routeBefore: number): void {
    if (effect === CONFIG_WRITE_NONE) return;
    // Only bridges' bus numbers route config cycles; BAR sizing or window writes keep the cache.
    if ((effect & CONFIG_WRITE_REROUTE) !== 0 && fn instanceof PciBridge) this.rerouted(fn, routeBefore);
    this.mappingChanged(fn, effect);
  }

  /**
   * A bridge's bus numbers were written. pci_find_bus_nr stops at or descends into a bridge only for a number
   * that is its secondary or lies in [secondary, subordinate]; for every other number the bridge is passed
   * over, before and after the write. So only the numbers the bridge claimed before or claims now can resolve
   * differently, and only those are looked up again: SeaBIOS numbering 200 root ports rewrites bus numbers
   * ~600 times, and each rewrite used to drop the whole cache (docs/performance.md §12).
   */
  private rerouted(br: PciBridge, before: number): void {
    const now = routeOf(br);
    if (now === before) return;
    const sec = now >> 8;
    if (sec === before >> 8) {
      // Only the subordinate number moved. For `sec` itself the bridge matches by its secondary number before and
      // after, at the same place in the same list, so that answer stands; only (sec, max(old, new subordinate)] can
      // change. SeaBIOS's pci_bios_init_bus_rec opens a bridge to 255 and closes it to the last number it used:
      // keeping the secondary's entry saves two of the three full searches per bridge (docs/performance.md §21).
      this.forget(sec + 1, Math.max(before & 0xff, now & 0xff));
      return;
    }
    this.forget(before >> 8, before & 0xff);
    this.forget(sec, now & 0xff);
  }

  /** Forgets the cached answers for `from` and every number in (from, to]. */
  private forget(from: number, to: number): void {
    const c = this.busCache;
    if (from < c.length) c[from] = undefined;
    const last = Math.min(to, c.length - 1);
    for (let nr = from + 1; nr <= last; nr++) c[nr] = undefined;
  }

  private configView(fn: PciFunction, bdf: number): ConfigAccess | undefined {
    const g = this.interceptors.generation;
    const c = this.cfgViews[bdf];
    if (c !== undefined && c.fn === fn && c.generation === g) return c.view;
    const view = this.interceptors.configAccess(fn, bdf);
    this.cfgViews[bdf] = { fn, view, generation: g };
    return view;
  }

  /** The bus config cycles for `nr` reach, or undefined when no bridge routes it. */
  findBus(nr: number): PciBus | undefined {
    const c = this.busCache[nr];
    if (c !== undefined) return c ?? undefined;
    const found = nr === 0 ? this.root : searchBus(this.root, nr);
    this.busCache[nr] = found ?? null;
    return found;
  }

  find(bus: number, devfn: number): PciFunction | undefined {
    return this.findBus(bus)?.slots[devfn];
  }

  configRead(bus: number, devfn: number, off: number, width: 1 | 2 | 4): number {
    const fn = this.findBus(bus)?.slots[devfn];
    if (fn === undefined) return width === 4 ? 0xffffffff : (1 << (8 * width)) - 1;
    const v = this.interceptors.wrapsConfig ? this.configView(fn, (bus << 8) | devfn) : undefined;
    return v === undefined ? fn.configRead(off, width) : v.read(off, width);
  }

  configWrite(bus: number, devfn: number, off: number, width: 1 | 2 | 4, value: number): void {
    const fn = this.findBus(bus)?.slots[devfn];
    if (fn === undefined) return;
    const v = this.interceptors.wrapsConfig ? this.configView(fn, (bus << 8) | devfn) : undefined;
    // Only a write reaching the bus-number bytes (0x18..0x1a) can reroute: the range test comes first, so the
    // ~90 % of writes that are BARs, COMMAND and windows skip the class test and the two register reads. Through a
    // decorated view (a trap rule may move the offset) the route is always taken.
    const touchesRoute = v !== undefined || (off <= PCI_SUBORDINATE_BUS && off + width > PCI_PRIMARY_BUS);
    const routeBefore = touchesRoute && fn instanceof PciBridge ? routeOf(fn) : 0;
    this.apply(fn, v === undefined ? fn.configWrite(off, width, value) : v.write(off, width, value), routeBefore);
  }

  /**
   * CF8/CFC at port offset `offset` from CF8: CF8 latches an address (bit 31 enable), CFC..CFF carry the data.
   * Methods, called directly by the machine's CPU when nothing overlays the ports (docs/performance.md §14), and
   * through `configPorts` by the IO address space otherwise.
   */
  portRead(offset: number, width: 1 | 2 | 4): number {
    if (offset < 4) return width === 4 && offset === 0 ? this.configAddress : 0xffffffff >>> (32 - 8 * width);
    const a = this.configAddress;
    if ((a & 0x80000000) === 0) return 0xffffffff >>> (32 - 8 * width);
    return this.configRead((a >>> 16) & 0xff, (a >>> 8) & 0xff, (a & 0xfc) + (offset - 4), width);
  }

  /** `value`: the written bits, as a uint32 or its int32 bit pattern (the machine's `outl` passes either on). */
  portWrite(offset: number, width: 1 | 2 | 4, value: number): void {
    if (offset < 4) {
      if (width === 4 && offset === 0) this.configAddress = value >>> 0;
      return;
    }
    const a = this.configAddress;
    if ((a & 0x80000000) === 0) return;
    this.configWrite((a >>> 16) & 0xff, (a >>> 8) & 0xff, (a & 0xfc) + (offset - 4), width, value >>> 0);
  }

  /** ECAM (PCIe enhanced configuration) at `offset` into the window: bus << 20 | devfn << 12 | register. */
  ecamRead(offset: number, width: 1 | 2 | 4): number {
    return this.configRead(offset >>> 20, (offset >>> 12) & 0xff, offset & 0xfff, width);
  }

  ecamWrite(offset: number, width: 1 | 2 | 4, value: number): void {
    this.configWrite(offset >>> 20, (offset >>> 12) & 0xff, offset & 0xfff, width, value);
  }

  /** CF8..CFF as an address-space region (see portRead). */
  readonly configPorts: IoHandler = {
    read: (offset, width) => this.portRead(offset, width),
    write: (offset, width, value) => this.portWrite(offset, width, value),
  };

  /** The ECAM window as an address-space region (see ecamRead). */
  readonly ecam: IoHandler = {
    read: (offset, width) => this.ecamRead(offset, width),
    write: (offset, width, value) => this.ecamWrite(offset, width, value),
  };

  private fnList: PciFunction[] | undefined;

  /**
   * Every function in depth-first slot order of the physical tree (not the firmware's numbering).
   * Many layers ask after every boot, so the list is kept until the next plug changes the tree.
   */
  functions(): readonly PciFunction[] {
    if (this.fnList === undefined) {
      this.fnList = [];
      walk(this.root, this.fnList);
    }
    return this.fnList;
  }

  /** Memory (`io=false`) or IO regions decoded by BARs, clipped to what the bridges above forward, each through the decorators. */
  regions(io: boolean): RegionDesc[] {
    const sink = new RegionSink(this.interceptors.wrapsBars ? this.interceptors : undefined);
    collect(this.root, io, WHOLE, sink);
    return sink.out;
  }

  /**
   * Whether a BAR decodes `addr` in memory (`io=false`) or IO space, i.e. whether `regions(io)` has a region holding
   * it. When none does, `gap` receives [lo, hi): the addresses around `addr` that no region of `regions(io)` touches.
   * One walk over the same BARs and windows as `regions`, allocating nothing for BARs: an address space asks this
   * instead of rebuilding its whole PCI view for an access that reaches nothing (docs/performance.md §21).
   */
  decodes(io: boolean, addr: number, gap: Float64Array): boolean {
    const sink = new GapSink(addr);
    collect(this.root, io, WHOLE, sink);
    gap[0] = sink.lo;
    gap[1] = sink.hi;
    return sink.hit;
  }

  /** BAR `bar` of `fn` as the CPU reaches it (through the decorators), wherever it decodes. */
  barAccess(fn: PciFunction, bar: number): IoHandler {
    const h = barHandler(fn, bar);
    return this.interceptors.wrapsBars ? this.interceptors.wrapBar(fn, bar, h) : h;
  }
}

/** A bridge's routing numbers as one value: secondary << 8 | subordinate. */
function routeOf(br: PciBridge): number {
  return (br.secondaryBus() << 8) | br.subordinateBus();
}

/**
 * QEMU's pci_find_bus_nr (hw/pci/pci.c): from the root, each bus's child bridges newest first; a bridge whose
 * secondary number is `nr` ends the search, the first whose [secondary, subordinate] range holds `nr` is descended
 * into — with no backtracking, so an older bridge given the same numbers (SeaBIOS's bus-reserve rewind) is
 * shadowed, and so is everything behind it.
 */
function searchBus(root: PciBus, nr: number): PciBus | undefined {
  let bus: PciBus | undefined = root;
  while (bus !== undefined) {
    let next: PciBus | undefined;
    for (const br of bus.childBridges) {
      const sec = br.secondaryBus();
      if (sec === nr) return br.secondary;
      if (sec <= nr && nr <= br.subordinateBus()) {
        next = br.secondary;
        break;
      }
    }
    bus = next;
  }
  return undefined;
}

/**
 * Every function in depth-first slot order (each bridge's secondary bus right after the bridge). Recursive (as deep as
 * the bridge tree), so no stack entry is allocated per bridge.
 */
function walk(bus: PciBus, out: PciFunction[]): void {
  const slots = bus.slots;
  for (let i = 0; i < slots.length; i++) {
    const fn = slots[i];
    if (fn === undefined) continue;
    out.push(fn);
    if (fn instanceof PciBridge) walk(fn.secondary, out);
  }
}

interface Range {
  base: number;
  limit: number;
}

function barHandler(fn: PciFunction, bar: number): IoHandler {
  // A device's own object: one class at the CPU-side call sites (docs/performance.md §15).
  const own = fn.ownBarHandler(bar);
  if (own !== undefined) return own;
  return { read: (o, w) => fn.barRead(bar, o, w), write: (o, w, v) => fn.barWrite(bar, o, w, v) };
}

/** What `collect` hands each BAR it finds decoding inside what the bridges above forward. */
interface BarSink {
  bar(fn: PciFunction, index: number, address: number, size: number): void;
}

/** The whole address space: what the root bus forwards. */
const WHOLE: readonly Range[] = [{ base: 0, limit: Number.MAX_SAFE_INTEGER }];

/** Builds `regions()`'s list: one region per BAR, through the decorators. */
class RegionSink implements BarSink {
  readonly out: RegionDesc[] = [];
  constructor(private readonly wrap: Interceptors | undefined) {}
  bar(fn: PciFunction, i: number, a: number, size: number): void {
    const h = barHandler(fn, i);
    this.out.push({ start: a, size, handler: this.wrap ? this.wrap.wrapBar(fn, i, h) : h, name: `${fn.bdf} BAR${i}` });
  }
}

/** Whether some BAR holds `addr`, and else the nearest BAR ends below it and starts above it (`decodes`). */
class GapSink implements BarSink {
  hit = false;
  lo = 0;
  hi = Infinity;
  constructor(private readonly addr: number) {}
  bar(_fn: PciFunction, _i: number, a: number, size: number): void {
    const end = a + size;
    if (end <= this.addr) this.lo = Math.max(this.lo, end);
    else if (a > this.addr) this.hi = Math.min(this.hi, a);
    else this.hit = true;
  }
}

/**
 * Every BAR decoding in one space below `bus`, each only when it lies inside what the bridges above forward
 * (`allowed`), in slot order, depth first. Allocates nothing itself but, per bridge that forwards, the ranges below it.
 */
function collect(bus: PciBus, io: boolean, allowed: readonly Range[], sink: BarSink): void {
  // barAddress decodes no BAR of a space whose COMMAND enable is clear, and a bridge forwards nothing of it
  // (forwardsIo/forwardsMemory test the same bit): such a function is passed over with one register read.
  const enable = io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
  for (const fn of bus.slots) {
    if (fn === undefined || (fn.get8(PCI_COMMAND) & enable) === 0) continue;
    for (let i = 0; i <= ROM_BAR; i++) {
      let size: number;
      if (i === ROM_BAR) {
        // The expansion ROM decodes memory only.
        if (io || fn.romSize === 0) continue;
        size = fn.romSize;
      } else {
        const spec = fn.bars[i];
        if (spec === undefined || (spec.space === 'io') !== io) continue;
        size = spec.size;
      }
      const a = fn.barAddress(i);
      if (a >= 0 && inside(allowed, a, a + size - 1)) sink.bar(fn, i, a, size);
    }
    if (fn instanceof PciBridge && (io ? fn.forwardsIo() : fn.forwardsMemory())) {
      let inner: Range[] | undefined;
      if (io) inner = clip(fn.ioWindow(), allowed, inner);
      else inner = clip(fn.prefWindow(), allowed, clip(fn.memWindow(), allowed, inner));
      if (inner !== undefined) collect(fn.secondary, io, inner, sink);
    }
  }
}

/** Whether [first, last] lies inside one of `ranges`. */
function inside(ranges: readonly Range[], first: number, last: number): boolean {
  for (const r of ranges) if (first >= r.base && last <= r.limit) return true;
  return false;
}

/** `into` plus the parts of window `w` inside each of `allowed` (a closed window adds none); undefined while empty. */
function clip(w: Window, allowed: readonly Range[], into: Range[] | undefined): Range[] | undefined {
  if (w.base > w.limit) return into;
  for (const r of allowed) {
    const base = Math.max(w.base, r.base);
    const limit = Math.min(w.limit, r.limit);
    if (base <= limit) (into ??= []).push({ base, limit });
  }
  return into;
}
