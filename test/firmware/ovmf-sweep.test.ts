import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPlan, comboAt, planSize, planStarts } from '../../vmm/frontends/sweep/index.js';
import { runCli } from '../cli/run-cli.js';
import { specOf } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'vfio-sim-ovmf-sweep-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// The topology SeaBIOS 1.16.2 cannot place ("PCI: out of 32bit address space"), recorded booting under OVMF.
const CASE = fileURLToPath(new URL('../fixtures/ovmf-2022.11/case-5013.yaml', import.meta.url));

describe('sweep --firmware', () => {
  it('multiplies every config by the firmware list, firmware varying fastest', () => {
    const spec = specOf('machine: { type: q35, qemu: "7.2" }\ndevices: []\n');
    const plan = buildPlan([{ path: 'a.yaml', spec }, { path: 'b.yaml', spec }], { firmwares: ['seabios', 'ovmf-2025.02'] });
    const starts = planStarts(plan);
    expect(planSize(plan)).toBe(4);
    expect([0, 1, 2, 3].map((i) => comboAt(plan, starts, i))).toEqual([
      { index: 0, configIndex: 0, strategy: null, vbios: null, firmware: 'seabios' },
      { index: 1, configIndex: 0, strategy: null, vbios: null, firmware: 'ovmf-2025.02' },
      { index: 2, configIndex: 1, strategy: null, vbios: null, firmware: 'seabios' },
      { index: 3, configIndex: 1, strategy: null, vbios: null, firmware: 'ovmf-2025.02' },
    ]);
  });

  it('boots one topology under both firmware: SeaBIOS panics where OVMF places everything', async () => {
    const json = join(work, 'rows.jsonl');
    const r = await runCli('sweep', CASE, '--firmware', 'seabios,ovmf', '--jobs', '1', '--no-progress', '--json', json);
    expect(r.code).toBe(1);
    const rows = readFileSync(json, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((x) => [x['firmware'], x['status'], x['panic']])).toEqual([
      ['seabios', 'failed', 'PCI: out of 32bit address space'],
      ['ovmf', 'clean', null],
    ]);
    expect(r.stdout).toMatch(/^\(no IGD\)@seabios\s+1\s+0\s+0\s+0\s+0\s+1$/m);
    expect(r.stdout).toMatch(/^\(no IGD\)@ovmf\s+1\s+1\s+0\s+0\s+0\s+0$/m);
  });

  it('refuses an unknown firmware before booting anything', async () => {
    const r = await runCli('sweep', CASE, '--firmware', 'coreboot');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--firmware: unknown firmware 'coreboot'");
  });
});
