import { IGD_MODEL } from '../../../devices/igd/tables.js';
import type { MachineSpec } from '../config/spec.js';
import type { BudgetLimits } from '../../core/budget/budget.js';
import { DEFAULT_IGD_STRATEGY } from '../../../firmware/igd/types.js';

/**
 * A sweep is config × strategy × vBIOS behaviour, enumerated config-major so every combination has a
 * stable integer index. The plan is plain data (it crosses to worker threads as `workerData`); a
 * worker rebuilds any combination from its index alone, so tasks are just index ranges.
 */
export interface PlanConfig {
  /** As given on the command line (shown in rows); workers share the process cwd. */
  readonly path: string;
  /** null = the config's own `firmware.igd-strategy` (or the firmware default). */
  readonly strategies: readonly (string | null)[];
  /** null = the config's own `firmware.vbios`. */
  readonly vbios: readonly (string | null)[];
  /** Firmware to boot every config with (`seabios`, `ovmf`, `ovmf-2025.02`); absent = the config's own. */
  readonly firmwares?: readonly string[];
  /**
   * The strategy the config runs with when none is given (its own or the firmware default), null for
   * a machine without an IGD: a boot that errors is still summarised under its strategy.
   */
  readonly ownStrategy?: string | null;
}

export interface SweepPlan {
  readonly configs: readonly PlanConfig[];
  /** false = QEMU 10.0 behaviour (no built-in IGD BAR4 quirk). */
  readonly quirks: boolean;
  /** Limits of every run (`--budget`): a hanging config ends as its own budget-exceeded row. */
  readonly budget?: Partial<BudgetLimits>;
}

export interface PlanOptions {
  /** Strategies to try on every IGD config; undefined = each config's own. */
  readonly strategies?: readonly string[];
  /** vBIOS behaviours to try on every IGD config; undefined = each config's own. */
  readonly vbios?: readonly string[];
  /** Firmware to try on every config (IGD or not); undefined = each config's own. */
  readonly firmwares?: readonly string[];
  readonly quirks?: boolean;
  readonly budget?: Partial<BudgetLimits>;
}

export interface Combo {
  readonly index: number;
  readonly configIndex: number;
  readonly strategy: string | null;
  readonly vbios: string | null;
  /** Present only when the plan varies firmware. */
  readonly firmware?: string;
}

/** Strategies and vBIOS programs only mean something to a machine with an assigned IGD. */
export function hasIgd(spec: MachineSpec): boolean {
  return spec.host?.igd !== undefined || spec.devices.some((d) => d.model === IGD_MODEL);
}

export function buildPlan(configs: readonly { path: string; spec: MachineSpec }[], opts: PlanOptions = {}): SweepPlan {
  const own = [null] as const;
  return {
    quirks: opts.quirks !== false,
    ...(opts.budget !== undefined ? { budget: opts.budget } : {}),
    configs: configs.map(({ path, spec }) => {
      const igd = hasIgd(spec);
      return {
        path,
        ownStrategy: igd ? (spec.firmware.igdStrategy ?? DEFAULT_IGD_STRATEGY) : null,
        strategies: igd && opts.strategies !== undefined && opts.strategies.length > 0 ? [...opts.strategies] : own,
        vbios: igd && opts.vbios !== undefined && opts.vbios.length > 0 ? [...opts.vbios] : own,
        ...(opts.firmwares !== undefined && opts.firmwares.length > 0 ? { firmwares: [...opts.firmwares] } : {}),
      };
    }),
  };
}

function combosOf(c: PlanConfig): number {
  return c.strategies.length * c.vbios.length * (c.firmwares?.length ?? 1);
}

/** Prefix sums of combinations per config: starts[i] is the index of config i's first combination. */
export function planStarts(plan: SweepPlan): number[] {
  const starts: number[] = [];
  let n = 0;
  for (const c of plan.configs) {
    starts.push(n);
    n += combosOf(c);
  }
  starts.push(n);
  return starts;
}

export function planSize(plan: SweepPlan): number {
  let n = 0;
  for (const c of plan.configs) n += combosOf(c);
  return n;
}

/** The combination at `index`; `starts` from planStarts (binary search, so big plans stay cheap). */
export function comboAt(plan: SweepPlan, starts: readonly number[], index: number): Combo {
  let lo = 0;
  let hi = plan.configs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  const c = plan.configs[lo]!;
  // Firmware varies fastest, then vBIOS, then strategy.
  const nf = c.firmwares?.length ?? 1;
  const k = Math.floor((index - starts[lo]!) / nf);
  const nv = c.vbios.length;
  const combo: Combo = { index, configIndex: lo, strategy: c.strategies[Math.floor(k / nv)]!, vbios: c.vbios[k % nv]! };
  return c.firmwares === undefined ? combo : { ...combo, firmware: c.firmwares[(index - starts[lo]!) % nf]! };
}
