import Piscina from 'piscina';
import { loadConfigFile } from '../config/index.js';
import type { MachineSpec } from '../config/spec.js';
import { runChunk, type ChunkTask } from './chunk.js';
import { planStarts, type SweepPlan } from './plan.js';
import type { SweepRow } from './row.js';

/** piscina worker: the plan arrives once as workerData; configs are loaded by path on first use. */
const plan = Piscina.workerData as SweepPlan;
const starts = planStarts(plan);
const cache = new Map<number, MachineSpec | string>();

function spec(i: number): MachineSpec | string {
  let s = cache.get(i);
  if (s === undefined) {
    const r = loadConfigFile(plan.configs[i]!.path);
    s = r.ok ? r.spec : `config error: ${r.errors.map((e) => e.message).join('; ')}`;
    cache.set(i, s);
  }
  return s;
}

export default function sweepChunk(task: ChunkTask): SweepRow[] {
  return runChunk(plan, starts, spec, task);
}
