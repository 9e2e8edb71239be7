import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';

const CONFIG = `machine: { type: q35, memory: 2G }
devices:
  - model: qxl-vga
    id: gpu0
    addr: "01.0"
    props: { ram_size_mb: 256, vram_size_mb: 256, vgamem_mb: 64 }
workload:
  steps:
    - qxl-init: { device: gpu0 }
    - plug-monitor: { id: m, device: gpu0, width: 2048, height: 2048 }
    - repeat:
        times: 40000
        steps:
          - fill: { monitor: m, color: 0x123456 }
          - update-area: { monitor: m }
`;

describe('a workload within its documented limits is still bounded by the budget', () => {
  it('stops rendering 2048x2048 fills and update-areas repeated 40000 times at the pixel budget', () => {
    const r = parseConfig(CONFIG, 'w.yaml');
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const t0 = Date.now();
    const { report } = bootSpec(r.spec, { budget: { pixels: 2048 * 2048 * 6 } });
    expect(Date.now() - t0).toBeLessThan(20_000);
    const wl = report['workload'] as { steps: number; events: { step: string; kind: string }[] };
    // qxl-init, plug-monitor, three fill + update-area pairs, then the seventh draw (counted, not rendered).
    expect(wl.steps).toBe(9);
    expect(wl.events.at(-1)).toMatchObject({ step: 'workload.steps[2].repeat.steps[0].fill', kind: 'budget-exceeded' });
    expect(report.events.filter((e) => e.kind === 'budget-exceeded').map((e) => e.message)).toEqual([
      `pixels budget of ${2048 * 2048 * 6} exceeded: workload stopped at workload.steps[2].repeat.steps[0].fill (raise it with --budget pixels=N)`,
    ]);
  });

  it('stops a workload at the steps budget', () => {
    const r = parseConfig('machine: { type: q35 }\nworkload: { steps: [{ repeat: { times: 100000, steps: [poll] } }] }\n', 's.yaml');
    if (!r.ok) throw new Error('config');
    const { report } = bootSpec(r.spec, { budget: { steps: 5000 } });
    expect((report['workload'] as { steps: number }).steps).toBe(5000);
    expect(report.events.map((e) => e.kind)).toEqual(['budget-exceeded']);
  });
});
