import { describe, expect, it } from 'vitest';
import { PciBridge, type PciBus } from '../../devices/pci/bridge.js';
import { PCI_PRIMARY_BUS, PCI_SECONDARY_BUS, PCI_SUBORDINATE_BUS } from '../../devices/pci/regs.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { mulberry32 } from '../../bench/prng.js';

/** Three root ports (two with a pcie-pci-bridge below, one of those with another bridge below it). */
function machine(): Machine {
  const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: pcie-root-port, id: rp1, addr: "03.0", props: { chassis: 1 } }
  - { model: pcie-pci-bridge, id: pb1, bus: rp1, addr: "00.0" }
  - { model: pci-bridge, id: b1, bus: pb1, addr: "02.0", props: { chassis_nr: 5 } }
  - { model: e1000, id: nic1, bus: b1, addr: "01.0" }
  - { model: pcie-root-port, id: rp2, addr: "04.0", props: { chassis: 2 } }
  - { model: e1000e, id: nic2, bus: rp2, addr: "00.0" }
  - { model: pcie-root-port, id: rp3, addr: "05.0", props: { chassis: 3 } }
  - { model: pcie-pci-bridge, id: pb3, bus: rp3, addr: "00.0" }
`, 'm.yaml');
  if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
  return new Machine(r.spec);
}

/** pci_find_bus_nr (QEMU hw/pci/pci.c) without any cache: the reference the host's cached lookup must match. */
function referenceBus(root: PciBus, nr: number): PciBus | undefined {
  if (nr === 0) return root;
  let bus: PciBus | undefined = root;
  while (bus !== undefined) {
    let next: PciBus | undefined;
    for (const br of bus.childBridges) {
      const sec = br.secondaryBus();
      if (sec === nr) return br.secondary;
      if (sec <= nr && nr <= br.subordinateBus()) {
        next = br.secondary;
        break;
      }
    }
    bus = next;
  }
  return undefined;
}

describe('the bus lookup cache across bridge reprogramming', () => {
  it('answers like an uncached pci_find_bus_nr after every one of 3000 random bus-number and window writes', () => {
    const m = machine();
    const bridges = [...m.byId.values()].filter((f): f is PciBridge => f instanceof PciBridge);
    expect(bridges).toHaveLength(6);
    const rnd = mulberry32(14);
    const small = (): number => Math.floor(rnd() * 8); // few numbers, so ranges overlap and shadow often
    let mismatches = 0;
    let reached = 0;
    for (let step = 0; step < 3000; step++) {
      // Warm every entry first, so a stale one would be answered from the cache.
      for (let nr = 0; nr < 10; nr++) m.pci.findBus(nr);
      const br = bridges[Math.floor(rnd() * bridges.length)]!;
      const at = referenceBus(m.pci.root, br.busNode!.number());
      if (at === undefined || at.slots[br.devfn] !== br) continue; // config cycles cannot reach it now
      reached++;
      const pick = rnd();
      const bus = br.busNode!.number();
      if (pick < 0.4) m.pci.configWrite(bus, br.devfn, PCI_SECONDARY_BUS, 1, small());
      else if (pick < 0.8) m.pci.configWrite(bus, br.devfn, PCI_SUBORDINATE_BUS, 1, small());
      else if (pick < 0.9) m.pci.configWrite(bus, br.devfn, PCI_PRIMARY_BUS, 4, small() | (small() << 8) | (small() << 16));
      else m.pci.configWrite(bus, br.devfn, 0x20, 4, 0xfff0_0000); // a window: no routing change
      for (let nr = 0; nr < 10; nr++) if (m.pci.findBus(nr) !== referenceBus(m.pci.root, nr)) mismatches++;
    }
    expect(reached).toBeGreaterThan(1000);
    expect(mismatches).toBe(0);
  });

  it('keeps finding a numbered bus after a write that leaves the bus numbers as they are', () => {
    const m = machine();
    const rp2 = m.byId.get('rp2')!;
    m.pci.configWrite(0, rp2.devfn, PCI_SECONDARY_BUS, 1, 4);
    m.pci.configWrite(0, rp2.devfn, PCI_SUBORDINATE_BUS, 1, 4);
    expect(m.pci.find(4, 0x00)).toBe(m.byId.get('nic2'));
    m.pci.configWrite(0, rp2.devfn, PCI_SECONDARY_BUS, 1, 4); // same number again
    m.pci.configWrite(0, rp2.devfn, PCI_SECONDARY_BUS, 1, 5); // renumbered
    expect(m.pci.find(4, 0x00)).toBeUndefined();
    expect(m.pci.find(5, 0x00)).toBe(m.byId.get('nic2')); // secondary 5 matches although subordinate is 4
  });

  it("keeps the secondary number's answer when only the subordinate number moves, and forgets the numbers above it", () => {
    const m = machine();
    const rp2 = m.byId.get('rp2') as PciBridge;
    // SeaBIOS's pci_bios_init_bus_rec: secondary first, subordinate opened to 255, then closed.
    m.pci.configWrite(0, rp2.devfn, PCI_SECONDARY_BUS, 1, 4);
    m.pci.configWrite(0, rp2.devfn, PCI_SUBORDINATE_BUS, 1, 0xff);
    expect(m.pci.findBus(4)).toBe(rp2.secondary);
    expect(m.pci.findBus(6)).toBeUndefined(); // inside [4, 255]: descends into rp2's bus, no bridge there
    m.pci.configWrite(0, rp2.devfn, PCI_SUBORDINATE_BUS, 1, 4);
    // Renumber behind the host's back: an answer looked up again follows the register, a kept one does not.
    rp2.cfg[PCI_SECONDARY_BUS] = 6;
    expect(m.pci.findBus(4)).toBe(rp2.secondary); // kept: a subordinate-only write cannot change it
    expect(m.pci.findBus(6)).toBe(rp2.secondary); // forgotten with (4, 255], so looked up again
    rp2.cfg[PCI_SECONDARY_BUS] = 4;
    expect(referenceBus(m.pci.root, 4)).toBe(rp2.secondary);
  });
});
