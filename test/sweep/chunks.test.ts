import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../vmm/frontends/config/load.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { buildPlan, defaultChunkSize, planSize, runSweep, type SweepRow } from '../../vmm/frontends/sweep/index.js';
import { shippedSource, shipSpecs } from '../../vmm/frontends/sweep/protocol.js';
import { ROOT } from '../helpers/compiled.js';

function spec(path: string): MachineSpec {
  const r = loadConfigFile(join(ROOT, path));
  if (!r.ok) throw new Error(path);
  return r.spec;
}

describe('sweep chunks', () => {
  it('sizes chunks at about 32 per thread, 16 to 256 combinations, fewer for tiny sweeps', () => {
    expect(defaultChunkSize(2088, 2)).toBe(33);
    expect(defaultChunkSize(2088, 1)).toBe(66);
    expect(defaultChunkSize(100_000, 2)).toBe(256);
    expect(defaultChunkSize(500, 2)).toBe(16);
    expect(defaultChunkSize(10, 2)).toBe(3);
    expect(defaultChunkSize(1, 4)).toBe(1);
  });

  it('ships each distinct spec once, configs pointing at it, a config that did not load as its message', () => {
    const a = spec('configs/q35-desktop.yaml');
    const b = spec('test/fixtures/seabios/case-5000.yaml');
    const list = [{ path: 'a', spec: a }, { path: 'b', spec: b }, { path: 'a2', spec: a }, { path: 'bad', spec: a }, { path: 'b2', spec: b }];
    const plan = buildPlan(list);
    const bySource = (i: number): MachineSpec | string => (i === 3 ? 'x.yaml:1:1: no such file' : list[i]!.spec);
    const shipped = shipSpecs(plan, bySource);
    expect(shipped.byConfig).toEqual([0, 1, 0, 2, 1]);
    expect(shipped.table.length).toBe(3);
    const back = shippedSource(structuredClone(shipped));
    expect([0, 1, 2, 3, 4].map((i) => back(i))).toEqual([0, 1, 2, 3, 4].map(bySource));
  });

  it('delivers rows a chunk at a time, in index order, every combination once', async () => {
    const s = spec('configs/q35-desktop.yaml');
    const plan = buildPlan(Array.from({ length: 17 }, (_, i) => ({ path: `c${i}`, spec: s })));
    const sizes: number[] = [];
    const rows: SweepRow[] = [];
    const progress: number[] = [];
    const stats = await runSweep(plan, { jobs: 1, chunkSize: 5, specs: () => s, onRows: (r) => (sizes.push(r.length), rows.push(...r)), onProgress: (d) => progress.push(d) });
    expect(stats).toMatchObject({ total: 17, jobs: 1, chunkSize: 5 });
    expect(sizes).toEqual([5, 5, 5, 2]);
    expect(progress).toEqual([5, 10, 15, 17]);
    expect(rows.map((r) => r.index)).toEqual(Array.from({ length: planSize(plan) }, (_, i) => i));
  });
});
