import { describe, expect, it } from 'vitest';
import type { QxlDevice } from '../../devices/qxl/device.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { qxlReportSection } from '../../vmm/passthrough/workload/index.js';

function bootWithQxl(): { machine: ReturnType<typeof bootSpec>['machine']; dev: QxlDevice } {
  const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: qxl-vga, id: v }
`, 'q.yaml');
  if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
  const { machine } = bootSpec(r.spec);
  return { machine, dev: machine.byId.get('v') as QxlDevice };
}

describe('the report QXL section lists at most 32 events of a kind', () => {
  it('31 more events after the boot\'s CLIENT interrupt: all 32 listed in device order, none omitted', () => {
    const { machine, dev } = bootWithQxl();
    for (let i = 0; i < 31; i++) dev.event(i % 2 === 0 ? 'irq' : 'warning', `e${i}`);
    const [s] = qxlReportSection(machine);
    expect(s!.events.length).toBe(32);
    expect(s!.events[0]).toEqual({ kind: 'irq', message: 'qxl-0: interrupt CLIENT (pending 0x10, mask 0x0)' });
    expect(s!.events.slice(1).map((e) => e.message)).toEqual(Array.from({ length: 31 }, (_, i) => `e${i}`));
    expect(s!.omitted).toBe(0);
    expect(s!.counts).toEqual({ irq: 17, warning: 15 });
  });

  it('32 more irq events and one warning: the 33rd irq is left out, the warning after it still listed', () => {
    const { machine, dev } = bootWithQxl();
    for (let i = 0; i < 32; i++) dev.event('irq', `i${i}`);
    dev.event('warning', 'w');
    const [s] = qxlReportSection(machine);
    expect(s!.events.length).toBe(33);
    expect(s!.events.at(-2)).toEqual({ kind: 'irq', message: 'i30' });
    expect(s!.events.at(-1)).toEqual({ kind: 'warning', message: 'w' });
    expect(s!.omitted).toBe(1);
    expect(s!.counts).toEqual({ irq: 33, warning: 1 });
    expect(s!.irqs).toBe(33);
  });
});
