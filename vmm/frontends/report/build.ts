import { PciBridge } from '../../../devices/pci/bridge.js';
import { ROM_BAR, type PciFunction } from '../../../devices/pci/function.js';
import { bdfString, PCI_BASE_ADDRESS_0 } from '../../../devices/pci/regs.js';
import type { Machine } from '../../core/machine/machine.js';
import { hex, type BarReport, type BootReport, type BridgeReport, type DeviceReport, type E820Report, type EventReport, type WindowReport } from './types.js';

/** What the report needs from the firmware's result (firmware/index.ts FirmwareResult is a superset). */
export interface FirmwareOutcome {
  readonly panic: string | null;
  readonly e820: readonly { start: number; end: number; type: 'ram' | 'reserved' | 'acpi' | 'nvs' }[];
  readonly placements: readonly { bdf: string; bar: number; type: 'io' | 'mem' | 'prefmem'; address: number; size: number }[];
  readonly windows: { io: readonly [number, number] | null; mem32: readonly [number, number]; mem64: readonly [number, number] | null };
}

type PlacedBar = { readonly type: 'io' | 'mem' | 'prefmem'; readonly size: number };
/** A function's placed BARs by BAR number (0..5, ROM_BAR), for the functions the firmware placed anything of. */
type PlacedBars = (PlacedBar | undefined)[];

/** Builds the PCI, e820 and machine sections from the machine's final state and the firmware's record. */
export function buildBaseReport(configPath: string, machine: Machine, fw: FirmwareOutcome): BootReport {
  // Placements grouped by function, keyed by the number their BDF text spells (bus << 8 | devfn): a
  // `${bdf}/${bar}` string key per placement and per BAR looked up was a new string to build and hash for each,
  // and even the BDF text alone is a fresh string whose hash a Map has to compute (docs/performance.md §24).
  const placed = new Map<number, PlacedBars>();
  for (const p of fw.placements) {
    const key = bdfKey(p.bdf);
    if (key < 0) continue; // not the canonical text of any function's BDF: it matched none before either
    let bars = placed.get(key);
    if (bars === undefined) placed.set(key, (bars = []));
    bars[p.bar] = p;
  }
  const devices: DeviceReport[] = [];
  // A function config cycles cannot reach (behind an unnumbered bridge, or on a bus a newer bridge shadows) has
  // no BDF the guest could use: reporting it at its bridge's stale number would collide with a real one.
  for (const fn of machine.pci.functions()) {
    const bus = fn.busNode?.number() ?? 0;
    if (fn.busNode !== undefined && machine.pci.find(bus, fn.devfn) !== fn) continue;
    devices.push(deviceReport(fn, bus, placed));
  }
  const w = fw.windows;
  const e820: E820Report[] = [];
  for (const e of fw.e820) e820.push({ start: hex(e.start), end: hex(e.end), type: e.type });
  const events: EventReport[] = [];
  for (const e of machine.events) events.push({ source: e.source, kind: e.kind, message: e.message });
  return {
    config: configPath,
    name: machine.spec.name ?? null,
    machine: {
      type: machine.spec.machine.type,
      memory: hex(machine.layout.below4g + machine.layout.above4g), // as QEMU rounds -m
      below4g: hex(machine.layout.below4g),
      above4g: hex(machine.layout.above4g),
    },
    panic: fw.panic,
    pci: {
      devices,
      windows: {
        io: w.io === null ? null : [hex(w.io[0]), hex(w.io[1])],
        mem32: [hex(w.mem32[0]), hex(w.mem32[1])],
        mem64: w.mem64 === null ? null : [hex(w.mem64[0]), hex(w.mem64[1])],
      },
    },
    e820,
    events,
  };
}

/** One function's entry; `bus` is its bus's number now (what `fn.bdf` prints). */
function deviceReport(fn: PciFunction, bus: number, placed: Map<number, PlacedBars>): DeviceReport {
  const bdf = bdfText(bus, fn.devfn);
  const bars: BarReport[] = [];
  const mine = placed.get((bus << 8) | fn.devfn);
  for (let i = 0; i < ROM_BAR; i++) {
    const spec = fn.bars[i];
    if (spec === undefined) continue;
    bars.push(barReport(fn, i, mine?.[i], spec.space === 'io' ? 'io' : spec.prefetch ? 'prefmem' : 'mem', spec.size, spec.is64, spec.prefetch));
  }
  // The ROM BAR, when the function has a ROM: a 32-bit, non-prefetchable memory BAR.
  if (fn.romSize > 0) bars.push(barReport(fn, ROM_BAR, mine?.[ROM_BAR], 'mem', fn.romSize, false, false));
  const r: DeviceReport = {
    bdf,
    model: fn.model,
    vendor: hex4(fn.identity.vendor),
    device: hex4(fn.get16(0x02)),
    class: hex4(fn.get16(0x0a)),
    bars,
  };
  if (fn.qdevId !== '') r.id = fn.qdevId;
  if (fn instanceof PciBridge) r.bridge = bridgeReport(fn);
  return r;
}

function barReport(fn: PciFunction, i: number, p: PlacedBar | undefined, declaredType: BarReport['type'], size: number, is64: boolean, prefetch: boolean): BarReport {
  return {
    bar: i,
    type: p?.type ?? declaredType,
    address: p === undefined ? null : hex(registerAddress(fn, i)),
    size: hex(p?.size ?? size),
    is64,
    prefetch,
  };
}

/**
 * bus << 8 | devfn for the canonical BDF text `PciFunction.bdf` prints (devices/pci/regs.ts bdfString: "bb:dd.f",
 * lowercase hex, device ≤ 0x1f, function ≤ 7), else −1: a text matches a function exactly when it equals its `bdf`.
 */
export function bdfKey(s: string): number {
  if (s.length !== 7 || s.charCodeAt(2) !== 0x3a || s.charCodeAt(5) !== 0x2e) return -1;
  const bus = (hexDigit(s.charCodeAt(0)) << 4) | hexDigit(s.charCodeAt(1));
  const dev = (hexDigit(s.charCodeAt(3)) << 4) | hexDigit(s.charCodeAt(4));
  const fn = hexDigit(s.charCodeAt(6));
  if (bus < 0 || dev < 0 || dev > 0x1f || fn < 0 || fn > 7) return -1;
  return (bus << 8) | (dev << 3) | fn;
}

/**
 * `PciFunction.bdf`'s text (devices/pci/regs.ts bdfString, "bb:dd.f") in one step: the report prints one per
 * function, and bdfString pads two part strings and joins them.
 */
export function bdfText(bus: number, devfn: number): string {
  if (bus >= 0 && bus <= 0xff && (bus | 0) === bus && devfn >= 0 && devfn <= 0xff && (devfn | 0) === devfn) {
    const dev = devfn >>> 3;
    return String.fromCharCode(hexChar(bus >>> 4), hexChar(bus & 15), 0x3a, hexChar(dev >>> 4), hexChar(dev & 15), 0x2e, hexChar(devfn & 7));
  }
  return bdfString(bus, devfn);
}

/** A lowercase hex digit's value, or a large negative number (so any expression it is or-ed into stays negative). */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -0x10000;
}

/** The address a BAR register holds now (the machine's final state, e.g. the SMBus BAR SeaBIOS rewrites to 0x700). */
function registerAddress(fn: PciFunction, i: number): number {
  if (i === ROM_BAR) return (fn.get32(fn.romOffset) & ~0x7ff) >>> 0;
  const off = PCI_BASE_ADDRESS_0 + i * 4;
  const spec = fn.bars[i]!;
  if (spec.space === 'io') return (fn.get32(off) & ~0x3) >>> 0;
  const lo = (fn.get32(off) & ~0xf) >>> 0;
  return spec.is64 ? lo + fn.get32(off + 4) * 0x1_0000_0000 : lo;
}

function bridgeReport(b: PciBridge): BridgeReport {
  return {
    secondary: b.secondaryBus(),
    subordinate: b.subordinateBus(),
    io: win(b.ioWindow()),
    mem: win(b.memWindow()),
    prefmem: win(b.prefWindow()),
  };
}

function win(w: { base: number; limit: number }): WindowReport | null {
  return w.base > w.limit ? null : { base: hex(w.base), limit: hex(w.limit) };
}

/** A 16-bit ID as four hex digits, made in one step (every function prints three). */
function hex4(n: number): string {
  if (n >= 0 && n <= 0xffff && (n | 0) === n) {
    return String.fromCharCode(0x30, 0x78, hexChar(n >>> 12), hexChar((n >>> 8) & 15), hexChar((n >>> 4) & 15), hexChar(n & 15));
  }
  return '0x' + n.toString(16).padStart(4, '0');
}

/** The character code of one lowercase hex digit (0..15). */
function hexChar(x: number): number {
  return x < 10 ? 0x30 + x : 0x57 + x;
}
