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
  /** The firmware the run used, only when the sweep varies firmware (`--firmware`). */
  firmware?: string;
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

export function rowFromReport(combo: Combo, configPath: string, report: BootReport): SweepRow {
  const igd = report.igd;
  const iommu = report.iommu;
  // faultCount is exact; the fault list itself is capped.
  const faults = iommu?.faultCount ?? 0;
  const corruption = iommu?.corruption.length ?? 0;
  const hazards = (igd?.hazards ?? []).map((h) => h.id);
  // A run stopped by its budget did not finish: it fails, and says which budget.
  const overrun = report.events.find((e) => e.kind === 'budget-exceeded');
  const status: SweepStatus = report.panic !== null || overrun !== undefined ? 'failed' : faults > 0 || corruption > 0 ? 'faulted' : 'clean';
  return {
    index: combo.index,
    config: configPath,
    name: report.name,
    strategy: combo.strategy ?? igd?.strategy ?? null,
    vbios: combo.vbios,
    ...(combo.firmware !== undefined ? { firmware: combo.firmware } : {}),
    status,
    panic: report.panic,
    error: overrun !== undefined ? `budget-exceeded: ${overrun.message}` : null,
    faults,
    corruption,
    hazards,
    guestBdsm: igd?.guestBdsm ?? null,
    guestAsls: igd?.guestAsls ?? null,
  };
}

export function errorRow(combo: Combo, configPath: string, error: string, strategy: string | null = combo.strategy): SweepRow {
  return {
    index: combo.index,
    config: configPath,
    name: null,
    strategy,
    vbios: combo.vbios,
    ...(combo.firmware !== undefined ? { firmware: combo.firmware } : {}),
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
