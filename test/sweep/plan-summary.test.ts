import { describe, expect, it } from 'vitest';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
// Imported module by module (not vmm/frontends/sweep/index.js) so these pure parts test without booting anything.
import { CSV_COLUMNS, csvHeader, rowToCsv, rowToJsonLine } from '../../vmm/frontends/sweep/output.js';
import { buildPlan, comboAt, planSize, planStarts } from '../../vmm/frontends/sweep/plan.js';
import { rowFromReport, type SweepRow } from '../../vmm/frontends/sweep/row.js';
import { NO_IGD, renderSummaryTable, summarize, SweepSummary } from '../../vmm/frontends/sweep/summary.js';
import type { BootReport } from '../../vmm/frontends/report/types.js';

const plain: MachineSpec = { machine: { type: 'q35', memory: 1 << 30 }, devices: [], firmware: {}, traps: [] };
const igd: MachineSpec = {
  ...plain,
  devices: [{ model: 'vfio-igd', id: '', props: {} }],
  host: { igd: { generation: 9 } },
  firmware: { igdStrategy: 'e820-reserved' },
};

function row(p: Partial<SweepRow>): SweepRow {
  return {
    index: 0, config: 'a.yaml', name: null, strategy: null, vbios: null, status: 'clean', panic: null, error: null,
    faults: 0, corruption: 0, hazards: [], guestBdsm: null, guestAsls: null, ...p,
  };
}

function report(extra: Record<string, unknown>, panic: string | null = null): BootReport {
  return {
    config: 'm.yaml', name: 'm', machine: { type: 'q35', memory: '0x40000000', below4g: '0x40000000', above4g: '0x0' }, panic,
    pci: { devices: [], windows: { io: null, mem32: ['0xc0000000', '0xfec00000'], mem64: null } }, e820: [], events: [], ...extra,
  };
}

describe('sweep plan', () => {
  it('runs a machine without an IGD once, whatever strategies and vBIOS behaviours are asked for', () => {
    const plan = buildPlan([{ path: 'p.yaml', spec: plain }], { strategies: ['none', 'identity'], vbios: ['reads-bdsm', 'cached-host-bdsm'] });
    expect(planSize(plan)).toBe(1);
    expect(comboAt(plan, planStarts(plan), 0)).toEqual({ index: 0, configIndex: 0, strategy: null, vbios: null });
  });

  it("uses an IGD config's own strategy and vBIOS (one run) when none are given", () => {
    const plan = buildPlan([{ path: 'i.yaml', spec: igd }]);
    expect(planSize(plan)).toBe(1);
    expect(comboAt(plan, planStarts(plan), 0)).toMatchObject({ strategy: null, vbios: null });
  });

  it('enumerates config-major, then strategy, then vBIOS, with stable indices', () => {
    const plan = buildPlan(
      [{ path: 'p.yaml', spec: plain }, { path: 'i.yaml', spec: igd }, { path: 'j.yaml', spec: igd }],
      { strategies: ['none', 'e820-reserved', 'lpc-bars'], vbios: ['reads-bdsm', 'cached-host-bdsm'] },
    );
    const starts = planStarts(plan);
    expect(starts).toEqual([0, 1, 7, 13]);
    expect(planSize(plan)).toBe(13);
    const all = Array.from({ length: 13 }, (_, i) => comboAt(plan, starts, i));
    expect(all[0]).toEqual({ index: 0, configIndex: 0, strategy: null, vbios: null });
    expect(all[1]).toEqual({ index: 1, configIndex: 1, strategy: 'none', vbios: 'reads-bdsm' });
    expect(all[2]).toEqual({ index: 2, configIndex: 1, strategy: 'none', vbios: 'cached-host-bdsm' });
    expect(all[3]).toEqual({ index: 3, configIndex: 1, strategy: 'e820-reserved', vbios: 'reads-bdsm' });
    expect(all[12]).toEqual({ index: 12, configIndex: 2, strategy: 'lpc-bars', vbios: 'cached-host-bdsm' });
  });

  it('carries quirks=false through the plan (QEMU 10.0 behaviour)', () => {
    expect(buildPlan([{ path: 'p.yaml', spec: plain }], { quirks: false }).quirks).toBe(false);
    expect(buildPlan([{ path: 'p.yaml', spec: plain }]).quirks).toBe(true);
  });
});

describe('sweep rows from reports', () => {
  const combo = { index: 7, configIndex: 0, strategy: null, vbios: 'cached-host-bdsm' };

  it('is clean when the report has no iommu or igd section yet', () => {
    expect(rowFromReport(combo, 'm.yaml', report({}))).toEqual(row({ index: 7, config: 'm.yaml', name: 'm', vbios: 'cached-host-bdsm' }));
  });

  it('counts faults and corruption, takes the strategy and hazard ids from report.igd', () => {
    const r = rowFromReport(combo, 'm.yaml', report({
      igd: { strategy: 'none', guestBdsm: null, guestAsls: '0x7b7fe000', hazards: [{ id: 'h1', message: 'x' }, { id: 'h2', message: 'y' }] },
      iommu: { faults: [{ address: '0x8b800000' }, { address: '0x8b801000' }], faultCount: 2, corruption: [{ source: '00:02.0', start: '0x1000', end: '0x2000' }] },
    }));
    expect(r).toMatchObject({ status: 'faulted', strategy: 'none', faults: 2, corruption: 1, hazards: ['h1', 'h2'], guestBdsm: null, guestAsls: '0x7b7fe000' });
  });

  it('is failed on a firmware panic, even with faults', () => {
    const r = rowFromReport(combo, 'm.yaml', report({ iommu: { faults: [{}], faultCount: 1, corruption: [] } }, 'out of memory'));
    expect(r).toMatchObject({ status: 'failed', panic: 'out of memory', faults: 1 });
  });

  it('counts every fault (faultCount), not the capped list of details', () => {
    const r = rowFromReport(combo, 'm.yaml', report({ iommu: { faults: [{ address: '0x8b800000' }], faultCount: 766, corruption: [] } }));
    expect(r).toMatchObject({ status: 'faulted', faults: 766 });
  });
});

describe('sweep summary', () => {
  const rows = [
    row({ index: 0, strategy: 'none', status: 'faulted', faults: 3 }),
    row({ index: 1, strategy: 'none', status: 'faulted', corruption: 1 }),
    row({ index: 2, strategy: 'e820-reserved', status: 'clean' }),
    row({ index: 3, strategy: 'e820-reserved', status: 'clean', hazards: ['gen11-stolen-reserved'] }),
    row({ index: 4, strategy: 'e820-reserved', status: 'failed', panic: 'no room' }),
    row({ index: 5, strategy: null, status: 'clean' }),
    row({ index: 6, strategy: 'lpc-bars', status: 'failed', error: 'bug', hazards: ['bar-moves'] }),
  ];

  it('counts clean, faulted, corrupted, hazards and failed per strategy in first-seen order', () => {
    expect(summarize(rows)).toEqual([
      { strategy: 'none', runs: 2, clean: 0, faulted: 2, corrupted: 1, hazards: 0, failed: 0 },
      { strategy: 'e820-reserved', runs: 3, clean: 2, faulted: 0, corrupted: 0, hazards: 1, failed: 1 },
      { strategy: NO_IGD, runs: 1, clean: 1, faulted: 0, corrupted: 0, hazards: 0, failed: 0 },
      { strategy: 'lpc-bars', runs: 1, clean: 0, faulted: 0, corrupted: 0, hazards: 1, failed: 1 },
    ]);
  });

  it('renders an aligned table with a total line', () => {
    const s = new SweepSummary();
    s.add(rows.slice(0, 3));
    s.add(rows.slice(3));
    expect(renderSummaryTable(s).split('\n')).toEqual([
      'strategy       runs  clean  faulted  corrupted  hazards  failed',
      'none              2      0        2          1        0       0',
      'e820-reserved     3      2        0          0        1       1',
      '(no IGD)          1      1        0          0        0       0',
      'lpc-bars          1      0        0          0        1       1',
      'total             7      3        2          1        2       2',
    ]);
  });
});

describe('sweep CSV and JSON rows', () => {
  it('writes a header and one RFC 4180 row per combination, hazards joined by ;', () => {
    expect(csvHeader()).toBe('index,config,name,strategy,vbios,status,panic,error,faults,corruption,hazards,guestBdsm,guestAsls\n');
    const r = row({ index: 3, config: 'dir/a,b.yaml', name: 'say "hi"', strategy: 'lpc-bars', status: 'faulted', faults: 2, hazards: ['a', 'b'], guestBdsm: '0xc0000000' });
    expect(rowToCsv(r)).toBe('3,"dir/a,b.yaml","say ""hi""",lpc-bars,,faulted,,,2,0,a;b,0xc0000000,\n');
    expect(CSV_COLUMNS.length).toBe(rowToCsv(row({})).split(',').length);
  });

  it('adds a firmware column after vbios when the sweep varies firmware, and only then', () => {
    expect(csvHeader(true)).toBe('index,config,name,strategy,vbios,firmware,status,panic,error,faults,corruption,hazards,guestBdsm,guestAsls\n');
    expect(rowToCsv(row({ index: 0, strategy: 'none', firmware: 'ovmf-2025.02' }), true)).toBe('0,a.yaml,,none,,ovmf-2025.02,clean,,,0,0,,,\n');
    expect(rowToCsv(row({ index: 0, strategy: 'none', firmware: 'ovmf-2025.02' }))).toBe('0,a.yaml,,none,,clean,,,0,0,,,\n');
  });

  it('writes one JSON object per line with every SweepRow field', () => {
    const r = row({ index: 1, strategy: 'none', hazards: ['x'] });
    const line = rowToJsonLine(r);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trim().includes('\n')).toBe(false);
    expect(Object.keys(JSON.parse(line))).toEqual(['index', 'config', 'name', 'strategy', 'vbios', 'status', 'panic', 'error', 'faults', 'corruption', 'hazards', 'guestBdsm', 'guestAsls']);
  });
});
