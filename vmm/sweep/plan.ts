import { IGD_MODEL } from '../config/igd.js';
import type { MachineSpec } from '../config/spec.js';
import type { BudgetLimits } from '../budget/budget.js';
import { DEFAULT_IGD_STRATEGY } from '../../firmware/igd/types.js';

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
  readonly quirks?: boolean;
  readonly budget?: Partial<BudgetLimits>;
}

export interface Combo {
  readonly index: number;
  readonly configIndex: number;
  readonly strategy: string | null;
  readonly vbios: string | null;
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
      };
    }),
  };
}

function combosOf(c: PlanConfig): number {
  return c.strategies.length * c.vbios.length;
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
  const k = index - starts[lo]!;
  const nv = c.vbios.length;
  return { index, configIndex: lo, strategy: c.strategies[Math.floor(k / nv)]!, vbios: c.vbios[k % nv]! };
}
