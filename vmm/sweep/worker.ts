import Piscina from 'piscina';
import { loadConfigFile } from '../config/index.js';
import type { MachineSpec } from '../config/spec.js';
import { runChunk, type ChunkTask } from './chunk.js';
import { planStarts, type SweepPlan } from './plan.js';
import type { SweepRow } from './row.js';

/** piscina worker: the plan arrives once as workerData; configs are loaded by path on first use. */
const plan = Piscina.workerData as SweepPlan;
const starts = planStarts(plan);
/** By path: a plan may list one file several times (a bench repeating topologies). */
const cache = new Map<string, MachineSpec | string>();

function spec(i: number): MachineSpec | string {
  const path = plan.configs[i]!.path;
  let s = cache.get(path);
  if (s === undefined) {
    const r = loadConfigFile(path);
    s = r.ok ? r.spec : `config error: ${r.errors.map((e) => e.message).join('; ')}`;
    cache.set(path, s);
  }
  return s;
}

export default function sweepChunk(task: ChunkTask): SweepRow[] {
  return runChunk(plan, starts, spec, task);
}
