import { describe, expect, it } from 'vitest';
import { qxlDevices } from '../../vmm/passthrough/workload/qxl-report.js';
import { runCheckedWorkload } from '../../vmm/passthrough/workload/run.js';
import { boot } from './helpers.js';

const ONE_HEAD = (props = '') => `machine: { type: q35, memory: 1G }
devices:
  - { model: qxl-vga, id: gpu0, addr: "01.0"${props} }
workload:
  - qxl-init: { device: gpu0 }
  - create-primary: { device: gpu0, width: 64, height: 64 }
  - create-surface: { device: gpu0, name: off, width: 16, height: 16 }
  - fill: { device: gpu0, surface: off, color: 0x00ff00 }
  - destroy-surface: { device: gpu0, surface: off }
  - fill: { device: gpu0, surface: 0, color: 0x0000ff }
`;

describe('a VM a guest action killed', () => {
  it('stops the workload at that point and reports vm: dead with the reason and QEMU exit', () => {
    const { machine, workload } = boot(ONE_HEAD());
    const dev = qxlDevices(machine)[0]!;
    dev.fatal('bad-command-type', '0'); // as if the guest had pushed a NOP command before the workload
    const run = runCheckedWorkload(machine, workload);
    expect(run.workload?.steps).toBe(0);
    expect(run.sections['vm']).toEqual({
      status: 'dead',
      reason: 'server/red-worker.cpp:red_process_display: bad command type (0)',
      exit: { signal: 'SIGTRAP', code: 133 },
      bdf: dev.bdf,
    });
  });

  it('revision 2: destroy-surface no longer uses the sync DESTROY_SURFACE_WAIT that aborts QEMU; all steps run', () => {
    const { machine, workload } = boot(ONE_HEAD(', props: { revision: 2 }'));
    const run = runCheckedWorkload(machine, workload);
    expect(run.sections['vm']).toBeUndefined();
    expect(run.workload?.steps).toBe(6);
    expect(run.workload?.events.filter((e) => e.kind === 'vm-dead')).toEqual([]);
    expect(qxlDevices(machine)[0]!.dead).toBeUndefined();
  });
});
