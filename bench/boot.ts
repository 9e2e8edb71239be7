import { readdirSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { bootSpec } from '../vmm/core/boot/index.js';
import { loadConfigFile } from '../vmm/frontends/config/index.js';
import type { MachineSpec } from '../vmm/frontends/config/spec.js';
import { median, repoRoot } from './figure.js';

export interface Topology {
  path: string;
  spec: MachineSpec;
}

/** The 58 recorded SeaBIOS topologies (test/fixtures/seabios/*.yaml), sorted by name. */
export function fixtureTopologies(folder = 'seabios'): Topology[] {
  const dir = join(repoRoot(), 'test', 'fixtures', folder);
  const out: Topology[] = [];
  for (const n of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const path = join(dir, n);
    const r = loadConfigFile(path);
    if (!r.ok) throw new Error(`bench: ${path}: ${r.errors[0]?.message ?? 'bad config'}`);
    out.push({ path, spec: r.spec });
  }
  return out;
}

/**
 * Per topology: `warmup` boots, then `rounds` timed boots, interleaved across topologies so a GC
 * pause does not land on one topology only (config parsing is not timed). medianMs: median over
 * topologies of each one's median; meanMs: mean of every timed boot (GC pauses included);
 * cpuMeanMs: the process's CPU time over the loop per boot (what the boots cost, not what the
 * scheduler of a shared machine added to their wall time, GC helper threads included);
 * gcShare: time in garbage collection (PerformanceObserver 'gc' entries) over the timed loop's time.
 */
export async function benchBoot(
  topologies: readonly Topology[],
  rounds = 31,
  warmup = 10,
): Promise<{ medianMs: number; meanMs: number; cpuMeanMs: number; gcShare: number; perTopologyMs: number[] }> {
  for (let w = 0; w < warmup; w++) for (const t of topologies) bootSpec(t.spec, { configPath: t.path });
  const times = topologies.map(() => [] as number[]);
  let gcMs = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  obs.observe({ entryTypes: ['gc'] });
  let sum = 0;
  const c0 = process.cpuUsage();
  const l0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    topologies.forEach((t, i) => {
      const t0 = performance.now();
      bootSpec(t.spec, { configPath: t.path });
      const dt = performance.now() - t0;
      times[i]!.push(dt);
      sum += dt;
    });
  }
  const loopMs = performance.now() - l0;
  const cpu = process.cpuUsage(c0);
  // gc entries are delivered asynchronously: let them arrive before reading the sum.
  await new Promise((resolve) => setTimeout(resolve, 50));
  obs.disconnect();
  const perTopologyMs = times.map(median);
  return { medianMs: median(perTopologyMs), meanMs: sum / (rounds * topologies.length), cpuMeanMs: (cpu.user + cpu.system) / 1000 / (rounds * topologies.length), gcShare: gcMs / loopMs, perTopologyMs };
}
