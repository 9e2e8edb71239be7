import type { MachineSpec } from '../config/spec.js';
import type { SpecSource } from './chunk.js';
import type { SweepPlan } from './plan.js';
import type { SweepRow } from './row.js';

/**
 * The specs a sweep's workers boot, parsed once by the main thread and sent with the worker's start
 * data (structured clone: MachineSpec is plain data). A plan may list one config many times (a bench
 * repeating topologies), so each distinct spec object crosses once and configs refer to it by index.
 * A string is a config that did not load: its rows are failed rows with that message.
 */
export interface ShippedSpecs {
  readonly table: readonly (MachineSpec | string)[];
  /** table index per plan config index */
  readonly byConfig: readonly number[];
}

export function shipSpecs(plan: SweepPlan, specs: SpecSource): ShippedSpecs {
  const table: (MachineSpec | string)[] = [];
  const seen = new Map<MachineSpec | string, number>();
  const byConfig: number[] = [];
  for (let i = 0; i < plan.configs.length; i++) {
    const s = specs(i);
    let k = seen.get(s);
    if (k === undefined) {
      k = table.push(s) - 1;
      seen.set(s, k);
    }
    byConfig.push(k);
  }
  return { table, byConfig };
}

export function shippedSource(shipped: ShippedSpecs): SpecSource {
  return (i) => shipped.table[shipped.byConfig[i]!]!;
}

/** What a worker starts with (its workerData). */
export interface WorkerStart {
  readonly plan: SweepPlan;
  readonly specs: ShippedSpecs;
  /** One Int32: the next unclaimed chunk, shared by the main thread and every worker (Atomics.add). */
  readonly counter: SharedArrayBuffer;
  readonly chunkSize: number;
  readonly total: number;
}

/** A worker's message: a booted chunk, or chunk -1 once the counter is exhausted. */
export interface WorkerMessage {
  readonly chunk: number;
  readonly rows: SweepRow[];
}
