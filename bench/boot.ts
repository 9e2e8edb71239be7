import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bootSpec } from '../vmm/boot/index.js';
import { loadConfigFile } from '../vmm/config/index.js';
import type { MachineSpec } from '../vmm/config/spec.js';
import { median, repoRoot } from './figure.js';

export interface Topology {
  path: string;
  spec: MachineSpec;
}

/** The 58 recorded SeaBIOS topologies (test/fixtures/seabios/*.yaml), sorted by name. */
export function fixtureTopologies(): Topology[] {
  const dir = join(repoRoot(), 'test', 'fixtures', 'seabios');
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
 * Median over topologies of each topology's median boot time (ms), one process, warm: every
 * topology boots `warmup` times first, then `rounds` timed boots (config parsing is not timed).
 */
export function benchBoot(topologies: readonly Topology[], rounds = 31, warmup = 10): { medianMs: number; perTopologyMs: number[] } {
  for (let w = 0; w < warmup; w++) for (const t of topologies) bootSpec(t.spec, { configPath: t.path });
  const times = topologies.map(() => [] as number[]);
  // Interleave topologies across rounds so a GC pause does not land on one topology only.
  for (let r = 0; r < rounds; r++) {
    topologies.forEach((t, i) => {
      const t0 = performance.now();
      bootSpec(t.spec, { configPath: t.path });
      times[i]!.push(performance.now() - t0);
    });
  }
  const perTopologyMs = times.map(median);
  return { medianMs: median(perTopologyMs), perTopologyMs };
}
