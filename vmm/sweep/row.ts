import type { BootReport } from '../report/types.js';
import type { Combo } from './plan.js';

/** failed = firmware panic or a boot that threw; faulted = booted, with an IOMMU fault or DMA corruption. */
export type SweepStatus = 'clean' | 'faulted' | 'failed';

/** One combination's outcome: small, flat and deterministic (no timings), so serial and parallel agree. */
export interface SweepRow {
  index: number;
  config: string;
  name: string | null;
  /** The strategy that ran: the override, else what the report says, else null (no IGD). */
  strategy: string | null;
  vbios: string | null;
  status: SweepStatus;
  panic: string | null;
  /** A boot that threw (a bug in our code or a refused combination). */
  error: string | null;
  faults: number;
  corruption: number;
  /** report.igd.hazards[].id */
  hazards: string[];
  guestBdsm: string | null;
  guestAsls: string | null;
}

function obj(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}
function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}
function str(x: unknown): string | null {
  return typeof x === 'string' ? x : null;
}

/** Reads the optional sections (igd, iommu) defensively: layers add them as they land. */
export function rowFromReport(combo: Combo, configPath: string, report: BootReport): SweepRow {
  const igd = obj(report['igd']);
  const iommu = obj(report['iommu']);
  const count = iommu?.['faultCount'];
  const faults = typeof count === 'number' ? count : arr(iommu?.['faults']).length;
  const corruption = arr(iommu?.['corruption']).length;
  const hazards = arr(igd?.['hazards'])
    .map((h) => str(obj(h)?.['id']) ?? String(h))
    .filter((s) => s !== '');
  // A run stopped by its budget did not finish: it fails, and says which budget.
  const overrun = arr(report.events).map(obj).find((e) => e?.['kind'] === 'budget-exceeded');
  const status: SweepStatus = report.panic !== null || overrun !== undefined ? 'failed' : faults > 0 || corruption > 0 ? 'faulted' : 'clean';
  return {
    index: combo.index,
    config: configPath,
    name: report.name,
    strategy: combo.strategy ?? str(igd?.['strategy']),
    vbios: combo.vbios,
    status,
    panic: report.panic,
    error: overrun !== undefined ? `budget-exceeded: ${str(overrun['message']) ?? ''}` : null,
    faults,
    corruption,
    hazards,
    guestBdsm: str(igd?.['guestBdsm']),
    guestAsls: str(igd?.['guestAsls']),
  };
}

export function errorRow(combo: Combo, configPath: string, error: string, strategy: string | null = combo.strategy): SweepRow {
  return {
    index: combo.index,
    config: configPath,
    name: null,
    strategy,
    vbios: combo.vbios,
    status: 'failed',
    panic: null,
    error,
    faults: 0,
    corruption: 0,
    hazards: [],
    guestBdsm: null,
    guestAsls: null,
  };
}
