import { IGD_STRATEGY_NAMES } from '../../../firmware/igd/index.js';
import type { MachineSpec } from '../../frontends/config/spec.js';
import { hex, type BootReport, type E820Report, type Hex } from '../../frontends/report/types.js';
import type { IgdHazard } from './hazards.js';
import type { IgdReport } from './report.js';

/**
 * Boots one spec with one strategy. `bootSpec` itself fits (it returns `{report, machine, ...}`); so does
 * a function returning just the report, e.g. one that adds the CLI's `vbios` or `configPath` options.
 */
export type BootFn = (spec: MachineSpec, options: { strategy: string }) => BootReport | { readonly report: BootReport };

function reportOf(r: BootReport | { readonly report: BootReport }): BootReport {
  const report: BootReport = 'report' in r && !('e820' in r) ? (r as { readonly report: BootReport }).report : (r as BootReport);
  // A plain-JavaScript caller can pass anything: name the contract instead of failing deep inside the diff.
  if (report === null || typeof report !== 'object' || !Array.isArray((report as Partial<BootReport>).e820)) {
    throw new TypeError('compareStrategies: bootFn must return a boot report or a BootResult ({ report })');
  }
  return report;
}

/** One address range whose e820 type differs from the `none` baseline (null = not in the map). */
export interface E820Change {
  start: Hex;
  end: Hex;
  from: E820Report['type'] | null;
  to: E820Report['type'] | null;
}

/** One strategy's column of the comparison. */
export interface StrategyColumn {
  strategy: string;
  panic: string | null;
  guestBdsm: Hex | null;
  guestAsls: Hex | null;
  stolenSize: Hex | null;
  bdsmSizeFile: Hex | null;
  /** Guest RAM the e820 map no longer offers, against the baseline. */
  ramConsumed: Hex;
  /** PCI MMIO taken by fake BARs and VMM-placed ranges. */
  pciConsumed: Hex;
  /** Bytes lost to power-of-two BAR sizes and page rounding. */
  alignmentWaste: Hex;
  /** Consumed bytes the guest never gets as stolen memory or OpRegion (e.g. the GSM in 9.x's bdsm-size, a BDSM never written). */
  unused: Hex;
  e820Changes: E820Change[];
  /** IOMMU faults and corrupting DMAs (null when the boot had no IOMMU section). */
  faults: number | null;
  corruption: number | null;
  hazards: IgdHazard[];
}

export interface StrategyComparison {
  config: string;
  generation: number | null;
  baseline: 'none';
  columns: StrategyColumn[];
}

const num = (h: Hex | null | undefined): number => (h === null || h === undefined ? 0 : parseInt(h, 16));
const PAGE = 0x1000;

function ramBytes(e820: readonly E820Report[]): number {
  let n = 0;
  for (const e of e820) if (e.type === 'ram') n += num(e.end) - num(e.start);
  return n;
}

function typeAt(e820: readonly E820Report[], a: number): E820Report['type'] | null {
  for (const e of e820) if (num(e.start) <= a && a < num(e.end)) return e.type;
  return null;
}

/** Ranges whose e820 type changed between two maps, coalesced. */
export function e820Diff(base: readonly E820Report[], other: readonly E820Report[]): E820Change[] {
  const points = new Set<number>();
  for (const e of [...base, ...other]) {
    points.add(num(e.start));
    points.add(num(e.end));
  }
  const sorted = [...points].sort((a, b) => a - b);
  const out: E820Change[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const from = typeAt(base, a);
    const to = typeAt(other, a);
    if (from === to) continue;
    const last = out[out.length - 1];
    if (last !== undefined && num(last.end) === a && last.from === from && last.to === to) last.end = hex(sorted[i + 1]!);
    else out.push({ start: hex(a), end: hex(sorted[i + 1]!), from, to });
  }
  return out;
}

function igdOf(r: BootReport): IgdReport | undefined {
  return r.igd;
}

/** Exact counts: faultCount (the fault list is capped), and corruption ranges. */
function countOf(r: BootReport, key: 'faults' | 'corruption'): number | null {
  const io = r.iommu;
  if (io === undefined) return null;
  return key === 'faults' ? io.faultCount : io.corruption.length;
}

/** PCI bytes of BARs this boot placed that the baseline did not have. */
function newBarBytes(base: BootReport, r: BootReport): number {
  const known = new Set<string>();
  for (const d of base.pci.devices) for (const b of d.bars) if (b.address !== null) known.add(`${d.bdf}/${b.bar}`);
  let n = 0;
  for (const d of r.pci.devices) for (const b of d.bars) if (b.address !== null && !known.has(`${d.bdf}/${b.bar}`)) n += num(b.size);
  return n;
}

/** One column from a strategy's report and the baseline's. */
export function strategyColumn(strategy: string, base: BootReport, r: BootReport): StrategyColumn {
  const igd = igdOf(r);
  const stolen = igd?.guestBdsm != null ? num(igd.stolenSize) : 0;
  const op = igd?.guestAsls != null ? num(igd.opregionSize) : 0;
  const ramConsumed = Math.max(0, ramBytes(base.e820) - ramBytes(r.e820));
  const mmio = num(igd?.opregionMmio?.size);
  const pciConsumed = newBarBytes(base, r) + mmio;
  let waste = mmio > 0 ? mmio - op : 0;
  for (const fb of igd?.fakeBars ?? []) {
    const used = fb.holds === 'stolen' ? stolen : fb.holds === 'opregion' ? op : stolen + Math.ceil(op / PAGE) * PAGE;
    waste += Math.max(0, num(fb.size) - used);
  }
  const unused = Math.max(0, ramConsumed + pciConsumed - stolen - op - waste);
  return {
    strategy,
    panic: r.panic,
    guestBdsm: igd?.guestBdsm ?? null,
    guestAsls: igd?.guestAsls ?? null,
    stolenSize: igd?.stolenSize ?? null,
    bdsmSizeFile: igd?.fwcfg['etc/igd-bdsm-size'] ?? null,
    ramConsumed: hex(ramConsumed),
    pciConsumed: hex(pciConsumed),
    alignmentWaste: hex(waste),
    unused: hex(unused),
    e820Changes: e820Diff(base.e820, r.e820),
    faults: countOf(r, 'faults'),
    corruption: countOf(r, 'corruption'),
    hazards: igd?.hazards ?? [],
  };
}

/**
 * Boots `spec` once per strategy (and once with `none`, the baseline every difference is measured
 * against) and lines the results up: BDSM/ASLS, RAM and PCI space consumed, waste, e820 changes,
 * faults and hazards. `strategies` defaults to every strategy (pass `undefined`).
 * Library use: `compareStrategies(spec, ['e820-reserved', 'lpc-bars'], bootSpec)`.
 */
export function compareStrategies(spec: MachineSpec, strategies: readonly string[] = IGD_STRATEGY_NAMES, bootFn: BootFn): StrategyComparison {
  const reports = new Map<string, BootReport>();
  const bootOnce = (s: string): BootReport => {
    let r = reports.get(s);
    if (r === undefined) {
      r = reportOf(bootFn(spec, { strategy: s }));
      reports.set(s, r);
    }
    return r;
  };
  const base = bootOnce('none');
  const columns = strategies.map((s) => strategyColumn(s, base, bootOnce(s)));
  return { config: base.config, generation: igdOf(base)?.generation ?? null, baseline: 'none', columns };
}
