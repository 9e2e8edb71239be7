import { describe, expect, it } from 'vitest';
import { createStandaloneQxl } from '../../devices/qxl/standalone.js';
import { qxlConfig } from '../../devices/qxl/sizing.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { iommuReport, REPORT_FAULT_DETAILS } from '../../vmm/passthrough/iommu/report.js';
import { InvalidSpecError } from '../../vmm/core/boot/spec-check.js';
import { runChunk } from '../../vmm/frontends/sweep/chunk.js';
import { buildPlan, planStarts } from '../../vmm/frontends/sweep/plan.js';
import { IGD, MiB, RW, mustMap, rig } from '../iommu/helpers.js';

const plain: MachineSpec = { machine: { type: 'q35', memory: 1 << 30 }, devices: [], firmware: {}, traps: [] };

function refusal(spec: MachineSpec, strategy?: string): readonly string[] {
  try {
    bootSpec(spec, strategy !== undefined ? { strategy } : {});
  } catch (e) {
    if (e instanceof InvalidSpecError) return e.problems;
    throw e;
  }
  return [];
}

describe('bootSpec validates specs built in code', () => {
  it('refuses a devfn past 255, a device on the MCH slot and an unknown strategy', () => {
    expect(refusal({ ...plain, devices: [{ model: 'e1000', id: '', devfn: 999, props: {} }] })).toEqual(['devices[0].devfn 999 is not a device/function number 0..255']);
    expect(refusal({ ...plain, devices: [{ model: 'e1000', id: '', devfn: 0, props: {} }] })).toEqual(['devices.0.addr: addr 00.0 on the root bus is already used by the q35 chipset\'s mch (00:00.0)']);
    expect(refusal(plain, 'e820-reservd')).toEqual([expect.stringMatching(/^unknown IGD strategy 'e820-reservd' \(known: /)]);
    expect(refusal({ ...plain, machine: { type: 'q35', memory: 2 ** 51 } })).toEqual(["machine.memory puts guest RAM past the vCPU's 40 address bits"]);
    expect(refusal({ ...plain, devices: [{ model: 'e1000', id: '', devfn: 0x18, props: {} }] })).toEqual([]);
  });

  it('runs a sweep row for an unbootable spec as failed, under its IGD strategy rather than "no IGD"', () => {
    const igd: MachineSpec = { ...plain, host: { igd: { generation: 9 } }, devices: [{ model: 'vfio-igd', id: '', devfn: 0x10, props: {} }], firmware: { igdStrategy: 'lpc-bars' } };
    const plan = buildPlan([{ path: 'i.yaml', spec: igd }]);
    const broken = { ...igd, devices: [...igd.devices, { model: 'e1000', id: '', devfn: 0, props: {} }] };
    const rows = runChunk(plan, planStarts(plan), () => broken, { from: 0, to: 1 });
    expect(rows[0]).toMatchObject({ status: 'failed', strategy: 'lpc-bars', error: expect.stringMatching(/^invalid MachineSpec: /) });
    const unloadable = runChunk(plan, planStarts(plan), () => 'config error: x', { from: 0, to: 1 });
    expect(unloadable[0]).toMatchObject({ status: 'failed', strategy: 'lpc-bars', error: 'config error: x' });
  });

  it('fails a sweep row that ran out of its budget instead of counting it clean', () => {
    const r = parseConfig(`machine: { type: q35 }\ndevices:\n  - model: e1000\n    rom: ${new URL('../budget/long-loop.yaml', import.meta.url).pathname}\n`, 'l.yaml');
    if (!r.ok) throw new Error('config');
    const plan = buildPlan([{ path: 'l.yaml', spec: r.spec }], { budget: { steps: 1000 } });
    const rows = runChunk(plan, planStarts(plan), () => r.spec, { from: 0, to: 1 });
    expect(rows[0]).toMatchObject({ status: 'failed', strategy: null, error: expect.stringMatching(/^budget-exceeded: steps budget of 1000 exceeded: ROM long-loop stopped at /) });
  });
});

describe('QXL at the library boundary', () => {
  it('refuses a revision QEMU refuses', () => {
    expect(() => createStandaloneQxl({ revision: 99 })).toThrow(new RangeError('Invalid revision 99 for qxl device (max 5)'));
  });

  it("takes ram_size_mb 4096 the way QEMU's uint32 vram_size does: it wraps to 0, then the 32 MiB vgamem clamp", () => {
    expect(qxlConfig({ ram_size_mb: 4096 }).ramSize).toBe(32 * MiB);
    expect(qxlConfig({ ram_size_mb: 4097 }).ramSize).toBe(32 * MiB);
    expect(qxlConfig({ ram_size_mb: 128 }).ramSize).toBe(128 * MiB);
  });
});

describe('IOMMU report size', () => {
  it('lists the first details of a million faults and keeps every count', () => {
    const r = rig({}, []);
    r.c.attach(IGD, {});
    mustMap(r.c, 0, 4 * MiB, r.ram, 0, RW);
    const n = 200_000;
    for (let i = 0; i < n; i++) r.iommu.translate(IGD, 0x1000_0000 + i * 0x1000, 'read');
    const rep = iommuReport(r.iommu);
    expect(rep.faultCount).toBe(n);
    expect(rep.faults).toHaveLength(REPORT_FAULT_DETAILS);
    expect(rep.faultDetailsDropped).toBe(n - REPORT_FAULT_DETAILS);
    expect(rep.faultGroups.reduce((a, g) => a + g.count, 0)).toBe(n);
    expect(JSON.stringify(rep).length).toBeLessThan(300_000);
  });
});

describe('deep bridge chains', () => {
  it('boots a chain of 255 bridges (every bus number) without recursing once per bridge', () => {
    let text = 'machine: { type: pc }\ndevices:\n';
    for (let i = 0; i < 255; i++) text += `  - { model: pci-bridge, id: b${i}, addr: "${i === 0 ? '05' : '01'}.0", props: { chassis_nr: ${i + 1} }${i > 0 ? `, bus: b${i - 1}` : ''} }\n`;
    const r = parseConfig(text, 'chain.yaml');
    if (!r.ok) throw new Error(r.errors[0]!.message);
    const { report, machine } = bootSpec(r.spec);
    expect(report.panic).toBeNull();
    const bridges = report.pci.devices.filter((d) => d.model === 'pci-bridge') as unknown as { bdf: string; bridge: { secondary: number; subordinate: number } }[];
    expect(bridges).toHaveLength(255);
    expect(bridges.at(-1)).toMatchObject({ bdf: 'fe:01.0', bridge: { secondary: 255, subordinate: 255 } });
    expect(machine.pci.findBus(254)?.slots[0x08]?.model).toBe('pci-bridge');
    expect(machine.pci.findBus(255)?.slots.every((f) => f === undefined)).toBe(true);
    expect([...machine.pci.functions()]).toHaveLength(255 + 4);
  });
});

