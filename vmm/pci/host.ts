import { PciBridge, PciBus } from '../../devices/pci/bridge.js';
import { PciFunction, ROM_BAR } from '../../devices/pci/function.js';
import type { IoHandler, RegionDesc } from '../bus/address-space.js';

/** Legacy configuration mechanism #1 ports (PCI Local Bus 3.0 §3.2.2.3.2). */
export const PCI_CONFIG_ADDRESS_PORT = 0xcf8;
export const PCI_CONFIG_DATA_PORT = 0xcfc;

/** Intercepts config cycles (the trap layer, vmm/traps); `bdf` is bus << 8 | devfn as the cycle addressed it. */
export interface ConfigTrap {
  configRead(fn: PciFunction, bdf: number, off: number, width: 1 | 2 | 4): number;
  configWrite(fn: PciFunction, bdf: number, off: number, width: 1 | 2 | 4, value: number): void;
}

/**
 * The PCI host: the root bus, routing of config cycles to functions by the bus numbers firmware
 * programmed into bridges (QEMU pci_find_bus_nr: the first bridge whose [secondary, subordinate]
 * holds the number), config mechanism #1 and ECAM, and the PCI part of the memory and IO maps.
 */
export class PciHost {
  readonly root = new PciBus(undefined, 0);
  private readonly busCache: (PciBus | null | undefined)[] = new Array(256).fill(undefined);
  private busCacheValid = true;
  private configAddress = 0;
  /** Called whenever a function's decoding may have changed (BARs, COMMAND, windows, bus numbers). */
  onMappingChange: (fn: PciFunction) => void = () => {};
  /** Config cycles go through this when set (vmm/traps installs it only when some rule targets config space). */
  configTrap: ConfigTrap | undefined;

  plug(bus: PciBus, devfn: number, fn: PciFunction): void {
    this.fnList = undefined;
    bus.slots[devfn] = fn;
    fn.devfn = devfn;
    fn.busNode = bus;
    fn.listener = (f) => {
      // Only bridges' bus numbers route config cycles; BAR sizing on endpoints must not flush the cache.
      if (f instanceof PciBridge) this.busCacheValid = false;
      this.onMappingChange(f);
    };
  }

  /** The bus config cycles for `nr` reach, or undefined when no bridge routes it. */
  findBus(nr: number): PciBus | undefined {
    if (!this.busCacheValid) {
      this.busCache.fill(undefined);
      this.busCacheValid = true;
    }
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
    const t = this.configTrap;
    return t === undefined ? fn.configRead(off, width) : t.configRead(fn, (bus << 8) | devfn, off, width);
  }

  configWrite(bus: number, devfn: number, off: number, width: 1 | 2 | 4, value: number): void {
    const fn = this.findBus(bus)?.slots[devfn];
    if (fn === undefined) return;
    const t = this.configTrap;
    if (t === undefined) fn.configWrite(off, width, value);
    else t.configWrite(fn, (bus << 8) | devfn, off, width, value);
  }

  /** CF8/CFC: CF8 latches an address (bit 31 enable), CFC..CFF carry the data. */
  readonly configPorts: IoHandler = {
    read: (offset, width) => {
      if (offset < 4) return width === 4 && offset === 0 ? this.configAddress : 0xffffffff >>> (32 - 8 * width);
      const a = this.configAddress;
      if ((a & 0x80000000) === 0) return 0xffffffff >>> (32 - 8 * width);
      return this.configRead((a >>> 16) & 0xff, (a >>> 8) & 0xff, (a & 0xfc) + (offset - 4), width);
    },
    write: (offset, width, value) => {
      if (offset < 4) {
        if (width === 4 && offset === 0) this.configAddress = value >>> 0;
        return;
      }
      const a = this.configAddress;
      if ((a & 0x80000000) === 0) return;
      this.configWrite((a >>> 16) & 0xff, (a >>> 8) & 0xff, (a & 0xfc) + (offset - 4), width, value);
    },
  };

  /** ECAM (PCIe enhanced configuration): bus << 20 | devfn << 12 | register. */
  readonly ecam: IoHandler = {
    read: (offset, width) => this.configRead(offset >>> 20, (offset >>> 12) & 0xff, offset & 0xfff, width),
    write: (offset, width, value) => this.configWrite(offset >>> 20, (offset >>> 12) & 0xff, offset & 0xfff, width, value),
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

  /** Memory (`io=false`) or IO regions decoded by BARs, clipped to what the bridges above forward. */
  regions(io: boolean, wrap?: (fn: PciFunction, bar: number, h: IoHandler) => IoHandler): RegionDesc[] {
    const out: RegionDesc[] = [];
    collect(this.root, io, [{ base: 0, limit: Number.MAX_SAFE_INTEGER }], out, wrap);
    return out;
  }
}

/**
 * QEMU pci_find_bus_nr's depth-first search, without recursion: a chain of hundreds of bridges (bus
 * numbers wrap past 255 in SeaBIOS's numbering) must not overflow the stack. Bridges are tried in slot
 * order; a bridge whose range holds `nr` is searched before its later siblings.
 */
function searchBus(root: PciBus, nr: number): PciBus | undefined {
  // Entries either search a bus or, when reached, are the answer (a bridge whose secondary is `nr`).
  const stack: { bus: PciBus; found: boolean }[] = [{ bus: root, found: false }];
  const seen = new Set<PciBus>();
  while (stack.length > 0) {
    const { bus, found } = stack.pop()!;
    if (found) return bus;
    if (seen.has(bus)) continue;
    seen.add(bus);
    const next: { bus: PciBus; found: boolean }[] = [];
    for (const fn of bus.slots) {
      if (!(fn instanceof PciBridge)) continue;
      const sec = fn.secondaryBus();
      const sub = fn.subordinateBus();
      if (sec === nr) {
        next.push({ bus: fn.secondary, found: true });
        break; // nothing after it in slot order is ever looked at
      }
      if (sec < nr && nr <= sub) next.push({ bus: fn.secondary, found: false });
    }
    // Reversed onto the stack so the first bridge in slot order is tried first.
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return undefined;
}

/** Every function in depth-first slot order (each bridge's secondary bus right after the bridge), iteratively. */
function walk(root: PciBus, out: PciFunction[]): void {
  const stack: { bus: PciBus; slot: number }[] = [{ bus: root, slot: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.slot >= top.bus.slots.length) {
      stack.pop();
      continue;
    }
    const fn = top.bus.slots[top.slot++];
    if (fn === undefined) continue;
    out.push(fn);
    if (fn instanceof PciBridge) stack.push({ bus: fn.secondary, slot: 0 });
  }
}

interface Range {
  base: number;
  limit: number;
}

function barHandler(fn: PciFunction, bar: number): IoHandler {
  return { read: (o, w) => fn.barRead(bar, o, w), write: (o, w, v) => fn.barWrite(bar, o, w, v) };
}

function collect(
  bus: PciBus,
  io: boolean,
  allowed: readonly Range[],
  out: RegionDesc[],
  wrap: ((fn: PciFunction, bar: number, h: IoHandler) => IoHandler) | undefined,
): void {
  for (const fn of bus.slots) {
    if (fn === undefined) continue;
    for (let i = 0; i <= ROM_BAR; i++) {
      const spec = i === ROM_BAR ? (fn.romSize > 0 ? { space: 'mem', size: fn.romSize } : undefined) : fn.bars[i];
      if (spec === undefined || (spec.space === 'io') !== io) continue;
      const a = fn.barAddress(i);
      if (a < 0) continue;
      if (!allowed.some((r) => a >= r.base && a + spec.size - 1 <= r.limit)) continue;
      const h = barHandler(fn, i);
      out.push({ start: a, size: spec.size, handler: wrap ? wrap(fn, i, h) : h, name: `${fn.bdf} BAR${i}` });
    }
    if (fn instanceof PciBridge) {
      let inner: Range[] = [];
      if (io ? fn.forwardsIo() : fn.forwardsMemory()) {
        const wins = io ? [fn.ioWindow()] : [fn.memWindow(), fn.prefWindow()];
        for (const w of wins) {
          if (w.base > w.limit) continue;
          for (const r of allowed) {
            const base = Math.max(w.base, r.base);
            const limit = Math.min(w.limit, r.limit);
            if (base <= limit) inner.push({ base, limit });
          }
        }
      }
      if (inner.length > 0) collect(fn.secondary, io, inner, out, wrap);
      inner = [];
    }
  }
}
