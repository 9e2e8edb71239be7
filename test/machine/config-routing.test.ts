import { describe, expect, it } from 'vitest';

import { PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from '../../devices/pci/regs.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { Machine } from '../../vmm/core/machine/machine.js';

/** rp1 (older, slot 3) and rp2 (newer, slot 4) on the root bus; pb1 behind rp1. */
function machine(): Machine {
  const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: pcie-root-port, id: rp1, addr: "03.0", props: { chassis: 1 } }
  - { model: pcie-pci-bridge, id: pb1, bus: rp1, addr: "00.0" }
  - { model: rtl8139, id: nic1, bus: pb1, addr: "01.0" }
  - { model: pcie-root-port, id: rp2, addr: "04.0", props: { chassis: 2 } }
  - { model: e1000e, id: nic2, bus: rp2, addr: "00.0" }
`, 'm.yaml');
  if (!r.ok) throw new Error('bad config');
  return new Machine(r.spec);
}

/** Firmware's config cycles to a bridge's bus numbers (through the host, which applies what each write changed). */
function number(m: Machine, id: string, sec: number, sub: number): void {
  const br = m.byId.get(id)!;
  const bus = br.busNode!.number();
  m.pci.configWrite(bus, br.devfn, PCI_SECONDARY_BUS, 1, sec);
  m.pci.configWrite(bus, br.devfn, PCI_SUBORDINATE_BUS, 1, sub);
}

describe("config cycles reach the bus QEMU's pci_find_bus_nr picks", () => {
  it('two bridges with the same secondary bus (SeaBIOS bus-reserve rewind): the newest created wins', () => {
    const m = machine();
    number(m, 'rp1', 2, 2);
    number(m, 'rp2', 2, 2);
    expect(m.pci.find(2, 0x00)).toBe(m.byId.get('nic2'));
  });

  it('no backtracking: inside the newest bridge whose range holds the bus, an older sibling is never tried', () => {
    const m = machine();
    number(m, 'rp1', 1, 2);
    number(m, 'pb1', 2, 2);
    number(m, 'rp2', 3, 3);
    expect(m.pci.find(2, 0x08)).toBe(m.byId.get('nic1'));
    // rp2 (newer) claims 1..3, so bus 2 is looked for only below rp2 — and not found: pb1's rtl8139 is shadowed.
    number(m, 'rp2', 3, 1);
    number(m, 'rp2', 1, 3);
    expect(m.pci.find(2, 0x08)).toBeUndefined();
  });
});

describe('the report lists only functions config cycles reach', () => {
  it('leaves out what sits behind a bridge firmware never numbered, instead of reporting it at a made-up BDF', async () => {
    const { bootSpec } = await import('../../vmm/core/boot/index.js');
    // Without firmware every bridge keeps secondary bus 0: its devices would all claim 00:00.0-like BDFs.
    const m = machine();
    const { buildBaseReport } = await import('../../vmm/frontends/report/build.js');
    const rep = buildBaseReport('m.yaml', m, { panic: null, e820: [], placements: [], windows: { io: null, mem32: [0, 0], mem64: null } });
    expect(rep.pci.devices.map((d) => `${d.bdf} ${d.model}`)).toEqual([
      '00:00.0 mch', '00:03.0 pcie-root-port', '00:04.0 pcie-root-port', '00:1f.0 ICH9-LPC', '00:1f.2 ich9-ahci', '00:1f.3 ICH9-SMB',
    ]);
    // After SeaBIOS numbered the buses, all of them are there.
    expect(bootSpec(m.spec).report.pci.devices.length).toBe(9);
  });
});
