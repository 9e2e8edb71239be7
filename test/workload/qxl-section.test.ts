import { describe, expect, it } from 'vitest';
import type { QxlDevice } from '../../devices/qxl/device.js';
import { MAX_EVENTS } from '../../devices/qxl/events.js';
import { LISTED_PER_KIND, qxlReportSection, runCheckedWorkload, runWorkload } from '../../vmm/passthrough/workload/index.js';
import { boot, TWO_HEADS } from './helpers.js';

describe('the qxl report section', () => {
  it('lists every QXL device by bdf after a boot with no workload, and nothing else', () => {
    const { machine } = boot(TWO_HEADS);
    const run = runWorkload(machine, undefined);
    expect(Object.keys(run.sections)).toEqual(['qxl']);
    expect(run.qxl).toEqual([
      {
        bdf: '00:01.0', id: 'gpu0', model: 'qxl-vga', mode: 'vga',
        events: [{ kind: 'irq', message: 'qxl-0: interrupt CLIENT (pending 0x10, mask 0x0)' }],
        omitted: 0, counts: { irq: 1 }, guestBugs: 0, irqs: 1,
      },
      {
        bdf: '00:02.0', id: 'gpu1', model: 'qxl', mode: 'undefined',
        events: [{ kind: 'irq', message: 'qxl-1: interrupt CLIENT (pending 0x10, mask 0x0)' }],
        omitted: 0, counts: { irq: 1 }, guestBugs: 0, irqs: 1,
      },
    ]);
    expect(runWorkload(boot('machine: { type: pc }\n').machine, undefined).sections).toEqual({});
  });

  it("records a workload's guest bug with QEMU's message, and the driver's view as workload events", () => {
    const { machine } = boot(TWO_HEADS);
    const run = runWorkload(machine, [
      { 'qxl-init': { device: 'gpu1' } },
      // 4096 x 4096 x 4 bytes is more than the 16 MiB vgamem.
      { 'create-primary': { device: 'gpu1', width: 4096, height: 4096 } },
      { fill: { device: 'gpu1', surface: 0, rect: { left: 0, top: 0, right: 8, bottom: 8 }, color: 1 } },
    ]);
    const q = run.qxl[1]!;
    expect(q.guestBugs).toBe(1);
    expect(q.events.filter((e) => e.kind === 'guest-bug')).toEqual([
      { kind: 'guest-bug', message: 'qxl-1: guest bug: qxl_create_guest_primary: requested primary larger than framebuffer stride 16384 x height 4096 > 16777216' },
    ]);
    expect(q.events).toContainEqual({ kind: 'irq', message: 'qxl-1: interrupt ERROR (pending 0x8, mask 0x27)' });
    expect(run.workload?.events).toEqual([
      { step: 'workload[1].create-primary', kind: 'bug-mode', message: 'session 1: driver is in bug mode' },
      { step: 'workload[1].create-primary', kind: 'timeout', message: 'no IO_CMD after async port 18' },
      { step: 'workload[1].create-primary', kind: 'refused', message: "CREATE_PRIMARY did not go through (see the driver's and the device's events)" },
      { step: 'workload[2].fill', kind: 'refused', message: "fill on surface 0 did not go through (see the driver's and the device's events)" },
    ]);
  });

  it('caps each kind in the list but keeps exact counts, so a late guest bug is still listed', () => {
    const { machine } = boot(TWO_HEADS);
    const run = runWorkload(machine, [
      { 'qxl-init': { device: 'gpu1' } },
      { 'create-primary': { device: 'gpu1', width: 64, height: 64 } },
      { repeat: { times: 100, steps: [{ fill: { device: 'gpu1', surface: 0, color: 7 } }, { 'update-area': { device: 'gpu1', surface: 0 } }] } },
      // A second CREATE_PRIMARY while native: QEMU's "nop" guest bug.
      { 'create-primary': { device: 'gpu1', width: 64, height: 64 } },
    ]);
    const q = run.qxl[1]!;
    const dev = machine.byId.get('gpu1') as QxlDevice;
    const irqs = dev.events.filter((e) => e.kind === 'irq').length;
    expect(irqs).toBeGreaterThan(LISTED_PER_KIND);
    expect(q.irqs).toBe(irqs);
    expect(q.events.filter((e) => e.kind === 'irq')).toHaveLength(LISTED_PER_KIND);
    expect(q.omitted).toBe(irqs - LISTED_PER_KIND);
    expect(q.events.slice(-2)).toEqual([
      { kind: 'guest-bug', message: 'qxl-1: guest bug: qxl_create_guest_primary: nop since already in QXL_MODE_NATIVE' },
      // and spice warns as it replaces its live surface 0 (recorded: create-primary-twice)
      { kind: 'spice', message: "qxl-1: spice: display_channel_create_surface: condition `!display->priv->surfaces[surface_id]' failed" },
    ]);
  });

  it('counts events the device itself stopped listing (past MAX_EVENTS)', () => {
    const { machine } = boot(TWO_HEADS);
    const dev = machine.byId.get('gpu0') as QxlDevice;
    for (let i = 0; i < MAX_EVENTS + 10; i++) dev.guestBug(`bug ${i}`);
    const q = qxlReportSection(machine)[0]!;
    expect(q.guestBugs).toBe(MAX_EVENTS + 10);
    expect(q.events.filter((e) => e.kind === 'guest-bug')).toHaveLength(LISTED_PER_KIND);
    expect(q.omitted).toBe(q.guestBugs + q.irqs - q.events.length);
  });
});

describe('nothing a workload does throws', () => {
  it('turns unknown devices, missing sessions and surfaces, bad framebuffers and refusals into events', () => {
    const { machine } = boot(TWO_HEADS);
    const run = runWorkload(machine, [
      { fill: { device: 'gpu0', surface: 0, color: 1 } },
      { 'qxl-init': { device: '00:03.0' } },
      { 'qxl-init': { device: '00:09.0' } },
      { 'qxl-init': { device: 'gpu0' } },
      { 'update-area': { device: 'gpu0', surface: 5 } },
      { 'plug-monitor': { id: 'x', ram: 0xf000_0000, width: 10, height: 10 } },
      { 'plug-monitor': { id: 'y', device: 'gpu0', surface: 3 } },
      { 'destroy-surface': { device: 'gpu0', surface: 9 } },
      { 'create-surface': { device: 'gpu0', name: 'huge', width: 16384, height: 16384 } },
      // 64 MiB from 0x7e000000 runs past the 2 GiB of RAM below 4 GiB.
      { 'plug-monitor': { id: 'z', ram: 0x7e00_0000, width: 4096, height: 4096 } },
      { 'plug-monitor': { id: 'r1', ram: 0x10_0000, width: 64, height: 64 } },
      { 'plug-monitor': { id: 'r2', ram: 0x10_2000, width: 64, height: 64 } },
    ]);
    expect(run.workload?.events.map((e) => `${e.step} ${e.kind}: ${e.message}`)).toEqual([
      'workload[0].fill no-session: gpu0 (00:01.0) has no driver session (run qxl-init on it first)',
      'workload[1].qxl-init no-device: 00:03.0 (model e1000) is not a QXL device (QXL devices: gpu0 (00:01.0), gpu1 (00:02.0))',
      "workload[2].qxl-init no-device: no QXL device '00:09.0' (QXL devices: gpu0 (00:01.0), gpu1 (00:02.0))",
      'workload[4].update-area no-surface: surface 5 is unknown to the driver session: give a rect',
      "workload[5].plug-monitor framebuffer: monitor 'x': 0xf0000000+0x190 is not guest RAM",
      "workload[6].plug-monitor no-surface: monitor 'y': gpu0 (00:01.0) has no surface 3",
      "workload[7].destroy-surface refused: destroying surface 9 did not go through (see the driver's and the device's events)",
      'workload[8].create-surface out-of-memory: session 1: VRAM exhausted',
      "workload[8].create-surface refused: surface 'huge' did not go through (see the driver's and the device's events)",
      "workload[9].plug-monitor framebuffer: monitor 'z': 0x7e000000+0x4000000 is not guest RAM",
      "workload[11].plug-monitor framebuffer: monitor 'r2': EEXIST: framebuffer r2 overlaps plugged framebuffer r1",
    ]);
    expect(run.dirty).toEqual([{ range: { start: '0x100000', end: '0x104000' }, pages: 0 }]);
  });

  it('reports a refused workload as events and runs nothing', () => {
    const { machine } = boot(TWO_HEADS);
    const run = runWorkload(machine, { steps: [{ 'unplug-monitor': { id: 'm' } }] });
    expect(run.workload).toEqual({
      steps: 0, polls: 0, monitors: [], omitted: 0,
      events: [{ step: 'workload.steps[0].unplug-monitor.id', kind: 'invalid', message: "workload.steps[0].unplug-monitor.id: monitor 'm' is not plugged at this point" }],
    });
    expect(run.sections['dirty']).toEqual([]);
  });
});

describe('a machine whose firmware placed nothing', () => {
  it('runs the bundled workload to the end with events instead of exceptions', async () => {
    const { loadConfigFile } = await import('../../vmm/frontends/config/index.js');
    const { Machine } = await import('../../vmm/core/machine/machine.js');
    const r = loadConfigFile('configs/qxl-multihead.yaml');
    if (!r.ok) throw new Error('bundled config refused');
    const machine = new Machine(r.spec); // no firmware: BARs unprogrammed, decoding off
    const run = runCheckedWorkload(machine, r.spec.workload);
    const kinds = new Set(run.workload?.events.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['bad-rom', 'init-failed', 'monitor', 'no-session']);
    expect(run.workload?.events.slice(0, 2)).toEqual([
      { step: 'workload.steps[0].qxl-init', kind: 'bad-rom', message: 'bad rom signature' },
      { step: 'workload.steps[0].qxl-init', kind: 'init-failed', message: 'gpu0 (00:01.0): the driver session did not start' },
    ]);
    expect(run.dirty).toEqual([{ range: { start: '0x4000000', end: '0x41d5000' }, pages: 79 }]);
  });
});
