import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { buildPlan, planSize, rowToJsonLine, runSweep, type SweepPlan, type SweepRow } from '../../vmm/frontends/sweep/index.js';
import { compiled as compile, type Compiled, ROOT } from '../helpers/compiled.js';

const SEABIOS = join(ROOT, 'test/fixtures/seabios');
const OWN = join(ROOT, 'test/sweep/fixtures');

function load(paths: string[]): { path: string; spec: MachineSpec }[] {
  return paths.map((path) => {
    const r = loadConfigFile(path);
    if (!r.ok) throw new Error(`${path}: ${r.errors.map((e) => e.message).join('; ')}`);
    return { path, spec: r.spec };
  });
}

async function collect(plan: SweepPlan, specs: { spec: MachineSpec }[], jobs: number, extra: { chunkSize?: number; workerFile?: string } = {}): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  await runSweep(plan, { jobs, specs: (i) => specs[i]!.spec, onRows: (r) => rows.push(...r), ...extra });
  return rows;
}

let compiled: Compiled | undefined;
beforeAll(async () => {
  compiled = await compile();
}, 120_000);

const IGD = join(OWN, 'igd');
const STRATEGIES = ['none', 'e820-reserved', 'lpc-bars'];
const VBIOS = ['reads-bdsm', 'cached-host-bdsm'];

describe('sweep engine', () => {
  // 12 recorded SeaBIOS topologies, a plain q35, and the bundled desktop and QXL-workload machines (no IGD: one run each).
  const paths = [
    ...readdirSync(SEABIOS).filter((f) => f.endsWith('.yaml')).sort().slice(0, 12).map((f) => join(SEABIOS, f)),
    join(OWN, 'plain-q35.yaml'),
    join(ROOT, 'configs/q35-desktop.yaml'),
    join(ROOT, 'configs/qxl-multihead.yaml'),
  ];

  it('gives the same rows, in index order, serial and on 2 worker threads', async () => {
    const specs = load(paths);
    const plan = buildPlan(specs, { strategies: STRATEGIES, vbios: VBIOS });
    expect(planSize(plan)).toBe(15);
    const serial = await collect(plan, specs, 1);
    expect(serial.map((r) => r.index)).toEqual([...Array(planSize(plan)).keys()]);
    // Chunks of 2 so tasks complete out of order and the reordering is exercised.
    const parallel = await collect(plan, specs, 2, { chunkSize: 2, workerFile: compiled!.workerFile });
    expect(parallel).toEqual(serial);
    expect(parallel.map(rowToJsonLine).join('')).toBe(serial.map(rowToJsonLine).join(''));
  });

  it('boots every recorded topology clean when it has no IGD', async () => {
    const specs = load(paths.slice(0, 12));
    const rows = await collect(buildPlan(specs), specs, 2, { workerFile: compiled!.workerFile });
    expect(rows.map((r) => [r.status, r.strategy, r.faults, r.corruption])).toEqual(Array(12).fill(['clean', null, 0, 0]));
  });

  it('records a config that did not load as a failed row, on the main thread and in the worker', async () => {
    const specs = load(paths.slice(0, 2));
    const plan: SweepPlan = { quirks: true, configs: [...plan2(specs), { path: join(OWN, 'no-such.yaml'), strategies: [null], vbios: [null] }, ...plan2(specs)] };
    const source = (i: number): MachineSpec | string => (i === 2 ? 'config error: no such file' : specs[i % 3]!.spec);
    for (const jobs of [1, 2]) {
      const rows: SweepRow[] = [];
      await runSweep(plan, { jobs, chunkSize: 1, specs: source, workerFile: compiled!.workerFile, onRows: (r) => rows.push(...r) });
      expect(rows.map((r) => r.status)).toEqual(['clean', 'clean', 'failed', 'clean', 'clean']);
      expect(rows[2]!.error).toBe('config error: no such file');
    }
  });
});

describe('sweep engine on IGD machines', () => {
  it('runs every strategy × vBIOS on each IGD machine, the same serial and parallel', async () => {
    const specs = load(readdirSync(IGD).sort().map((f) => join(IGD, f)));
    const plan = buildPlan(specs, { strategies: STRATEGIES, vbios: VBIOS });
    expect(planSize(plan)).toBe(specs.length * 6);
    const serial = await collect(plan, specs, 1);
    expect(serial.map((r) => [r.strategy, r.vbios])).toEqual(
      specs.flatMap(() => STRATEGIES.flatMap((s) => VBIOS.map((v) => [s, v]))),
    );
    const parallel = await collect(plan, specs, 2, { chunkSize: 1, workerFile: compiled!.workerFile });
    expect(parallel).toEqual(serial);
  });
});

function plan2(specs: { path: string; spec: MachineSpec }[]): SweepPlan['configs'] {
  return buildPlan(specs).configs;
}
