import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { formatConfigError, parseConfig } from '../../vmm/frontends/config/index.js';

const IGD = readFileSync('configs/igd-skl-q35.yaml', 'utf8');

function boot(workload: string): ReturnType<typeof bootSpec>['report'] {
  const r = parseConfig(`${IGD}\n${workload}`, 'igd-monitor.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
  return bootSpec(r.spec).report;
}

describe('the IGD framebuffer as a monitor', () => {
  it('tracks the pages a driver writes into the framebuffer the vBIOS mapped at GTT entry 0', () => {
    const report = boot(`workload:
  - plug-monitor: { id: panel, igd: true, width: 1024, height: 768 }
  - cpu-fill: { monitor: panel, rect: { left: 0, top: 0, right: 1024, bottom: 16 }, color: 0xffffff }
  - poll
  - cpu-fill: { monitor: panel, rect: { left: 0, top: 100, right: 8, bottom: 102 }, color: 0x000000 }
`);
    // e820-reserved puts guest stolen memory at 0x7af00000; 1024x768x4 is 768 pages (a page a row).
    // The first refresh answers all dirty (not counted); 16 rows written before it count, then 2 rows, at the final refresh.
    expect(report['dirty']).toEqual([{ range: { start: '0x7af00000', end: '0x7b200000' }, pages: 16 + 2 }]);
  });

  it('counts nothing for a framebuffer nobody wrote after its first refresh', () => {
    const report = boot(`workload:
  - plug-monitor: { id: panel, igd: true, width: 64, height: 64 }
  - poll
`);
    expect(report['dirty']).toEqual([{ range: { start: '0x7af00000', end: '0x7af04000' }, pages: 0 }]);
  });

  it('records a workload event, not a throw, on a machine without an IGD', () => {
    const r = parseConfig(`machine: { type: q35, memory: 1G }
workload:
  - plug-monitor: { id: panel, igd: true, width: 64, height: 64 }
`, 'no-igd.yaml');
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    const report = bootSpec(r.spec).report;
    expect(JSON.stringify(report['workload'])).toContain("monitor 'panel': the machine has no vfio-igd");
    expect(report['dirty']).toEqual([]);
  });
});
