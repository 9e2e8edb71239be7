import { buildPlan, planSize, runSweep } from '../vmm/frontends/sweep/index.js';
import type { Topology } from './boot.js';

/**
 * End-to-end sweep throughput (boots/s) as `vfio-sim sweep --jobs N` runs it, over the fixture
 * topologies repeated `repeat` times: jobs 1 is the inline path; more jobs include starting the
 * worker threads (module load, a cold JIT) and shipping them the parsed specs.
 */
export async function benchSweep(topologies: readonly Topology[], jobs: number, repeat = 40): Promise<{ boots: number; perS: number; cpuMs: number }> {
  const list: Topology[] = [];
  for (let i = 0; i < repeat; i++) list.push(...topologies);
  const plan = buildPlan(list);
  let rows = 0;
  const c0 = process.cpuUsage();
  const stats = await runSweep(plan, { jobs, specs: (i) => list[i]!.spec, onRows: (r) => (rows += r.length) });
  if (rows !== planSize(plan)) throw new Error(`bench: sweep returned ${rows} rows for ${planSize(plan)} boots`);
  const c = process.cpuUsage(c0); // every thread of the process: the workers' module loads included
  return { boots: rows, perS: (rows / stats.ms) * 1000, cpuMs: (c.user + c.system) / 1000 };
}
