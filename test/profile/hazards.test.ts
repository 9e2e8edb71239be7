import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { renderBootText } from '../../vmm/frontends/cli/render-text.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

function specOf(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.spec;
}

const fixture = (path: string): MachineSpec => specOf(readFileSync(FIXTURES + path, 'utf8'));

describe('address-space hazards of the profile', () => {
  it('flags the recorded case-5024 window (QEMU 10 + SeaBIOS 1.16.3, AMD) inside the HyperTransport hole', () => {
    const r = bootSpec(fixture('seabios-qemu10/case-5024.yaml')).report;
    expect(r.pci.windows.mem64).toEqual(['0xfe80000000', '0xff40000000']);
    expect(r.profile?.hazards).toEqual([{
      id: 'mem64-in-ht-hole',
      message: '64-bit PCI window 0xfe80000000-0xff40000000 overlaps the HyperTransport range 0xfd00000000-0x10000000000 QEMU reserves for an AMD vCPU: BARs there do not decode on AMD hosts',
    }]);
    expect(renderBootText(r)).toContain('  hazard mem64-in-ht-hole: 64-bit PCI window 0xfe80000000-0xff40000000 overlaps');
  });

  it('has none for the same topology on an Intel vCPU (window at the top of 39 bits, no HT hole)', () => {
    const r = bootSpec(fixture('seabios-qemu10-intel/case-5024-pb39.yaml')).report;
    expect(r.pci.windows.mem64).toEqual(['0x7f40000000', '0x8000000000']);
    expect(r.profile?.hazards).toBeUndefined();
  });

  it('has none on QEMU 7.2 + SeaBIOS 1.16.2, whose window sits just above RAM', () => {
    const r = bootSpec(fixture('seabios/case-5024.yaml')).report;
    expect(r.pci.windows.mem64).toEqual(['0x100000000', '0x1c0000000']);
    expect(r.profile?.hazards).toBeUndefined();
  });

  it('flags a 1.16.2 window above RAM that a 36-bit Intel vCPU cannot address (1.16.2 never reads phys-bits)', () => {
    const yaml = 'machine: { type: q35, memory: 62G, qemu: "7.2", cpu: { vendor: intel, phys-bits: 36 } }\ndevices:\n  - { model: pci-testdev, props: { membar: 1G } }\n';
    const r = bootSpec(specOf(yaml)).report;
    expect(r.pci.windows.mem64).toEqual(['0x1000000000', '0x1040000000']);
    expect(r.profile?.hazards).toEqual([{
      id: 'mem64-beyond-phys-bits',
      message: "64-bit PCI window 0x1000000000-0x1040000000 ends above the vCPU's 36 physical address bits (0x1000000000): the guest cannot reach those BARs",
    }]);
  });

  it('keeps the window inside 36 bits on SeaBIOS 1.16.3, which trusts 36 bits on Intel and places it at the top', () => {
    const yaml = 'machine: { type: q35, memory: 30G, qemu: "10.0", cpu: { vendor: intel, phys-bits: 36 } }\ndevices:\n  - { model: pci-testdev, props: { membar: 1G } }\n';
    const r = bootSpec(specOf(yaml)).report;
    expect(r.pci.windows.mem64).toEqual(['0xe00000000', '0xe40000000']);
    expect(r.profile?.hazards).toBeUndefined();
  });
});
