import { describe, expect, it } from 'vitest';

import { MODELS } from '../../devices/index.js';
import type { CheckContext, DeviceContext } from '../../devices/registry.js';
import type { DeviceSpec, PropValue } from '../../devices/spec.js';
import { PCIE_CONFIG_SPACE_SIZE, PCI_CONFIG_SPACE_SIZE } from '../../devices/pci/regs.js';
import { PAGE_SIZE } from '../../devices/memory/guest-memory.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { Machine } from '../../vmm/core/machine/machine.js';

const noDma = (): never => {
  throw new Error('no DMA in this test');
};

/** Where a device can sit, as the machine tells its model (vmm/core/machine/machine.ts plug). */
const PLACES: readonly CheckContext[] = [
  { machineType: 'q35', pcieBus: false, rootBus: true },
  { machineType: 'q35', pcieBus: true, rootBus: false },
  { machineType: 'q35', pcieBus: false, rootBus: false },
  { machineType: 'pc', pcieBus: false, rootBus: true },
  { machineType: 'pc', pcieBus: false, rootBus: false },
];

/** Props each model needs to build, and the ones that change whether it is PCIe. */
const PROPS: readonly Record<string, PropValue>[] = [{}, { 'x-disable-pcie': true }];

const HARDWARE: DeviceSpec['hardware'] = {
  vendor: 0x10de, device: 0x1eb8, classCode: 0x0302, bars: [{ bar: 0, size: 0x100_0000, space: 'mem', is64: false, prefetch: false }], romSize: 0,
} as DeviceSpec['hardware'];

describe('ModelDef.pcie says what create builds', () => {
  it('for every model that states it, at every place a device can sit, with and without x-disable-pcie', () => {
    let checked = 0;
    const stated: string[] = [];
    for (const name of MODELS.names()) {
      const def = MODELS.lookup(name)!;
      if (def.pcie === undefined) continue;
      stated.push(name);
      for (const where of PLACES) {
        if (def.machines !== undefined && !def.machines.includes(where.machineType)) continue;
        for (const props of PROPS) {
          const ctx: DeviceContext = { ...where, machineVersion: '7.2', dma: noDma };
          const fn = def.create({ model: name, id: 'd', props: { chassis_nr: 1, ...props }, hardware: HARDWARE }, ctx);
          expect({ name, where, props, pcie: def.pcie({ chassis_nr: 1, ...props }, where) }).toEqual({
            name, where, props, pcie: fn.cfg.length === PCIE_CONFIG_SPACE_SIZE,
          });
          checked++;
        }
      }
    }
    // Every model of the catalogue but the assigned IGD (its own config space, never the machine's arena).
    expect(MODELS.names().filter((n) => !stated.includes(n))).toEqual(['vfio-igd']);
    expect(checked).toBeGreaterThan(100);
  });
});

describe("a machine's config-space arena", () => {
  it('is one buffer the size its functions take: conventional devices on the q35 root bus counted as 256 bytes', () => {
    const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: virtio-net-pci, id: n0 }
  - { model: e1000e, id: e0 }
  - { model: ich9-intel-hda, id: hda }
  - { model: qxl-vga, id: vga }
  - { model: pci-bridge, id: br, addr: "05.0", props: { chassis_nr: 3 } }
  - { model: edu, id: edu, bus: br }
  - { model: pcie-root-port, id: rp1, addr: "06.0", props: { chassis: 1 } }
  - { model: virtio-rng-pci, id: rng, bus: rp1 }
`, 'm.yaml');
    if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
    const m = new Machine(r.spec);
    const fns = m.pci.functions();
    const pcie = fns.filter((f) => f.cfg.length === PCIE_CONFIG_SPACE_SIZE).map((f) => f.qdevId || f.model);
    // e1000e is PCIe everywhere, ich9-intel-hda on q35's root bus, virtio only below the port.
    expect(pcie).toEqual(['e0', 'hda', 'rp1', 'rng']);
    const buffer = fns[0]!.cfg.buffer;
    for (const f of fns) {
      expect(f.cfg.buffer).toBe(buffer);
      expect(f.wmask.buffer).toBe(buffer);
    }
    const taken = fns.reduce((n, f) => n + f.cfg.length + f.wmask.length, 0);
    expect(taken).toBe(4 * (PCIE_CONFIG_SPACE_SIZE + PCI_CONFIG_SPACE_SIZE) + (fns.length - 4) * 2 * PCI_CONFIG_SPACE_SIZE);
    // Then guest RAM's first two pages (vmm/core/machine/machine.ts).
    expect(buffer.byteLength).toBe(taken + 2 * PAGE_SIZE);
  });

  it("shares its buffer with guest RAM's first two pages without a byte in common", () => {
    const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: e1000e, id: e0 }
  - { model: virtio-net-pci, id: n0 }
`, 'm.yaml');
    if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
    const m = new Machine(r.spec);
    const fns = m.pci.functions();
    const before = fns.map((f) => [Array.from(f.cfg), Array.from(f.wmask)]);
    // Every byte of two pages (the pair the buffer holds) and of a third (a buffer of its own).
    for (const base of [0x7000, 0x9000, 0x20000]) for (let a = base; a < base + PAGE_SIZE; a += 4) m.ram.write(a, 4, 0xa5a5_a5a5);
    expect(fns.map((f) => [Array.from(f.cfg), Array.from(f.wmask)])).toEqual(before);
    for (const f of fns) f.cfg.fill(0x5a, 0x40);
    for (const base of [0x7000, 0x9000, 0x20000]) {
      let ok = 0;
      for (let a = base; a < base + PAGE_SIZE; a += 4) if (m.ram.read(a, 4) === 0xa5a5_a5a5) ok++;
      expect(ok).toBe(PAGE_SIZE / 4);
    }
    expect(m.ram.read(0x8000, 4)).toBe(0);
  });
});
