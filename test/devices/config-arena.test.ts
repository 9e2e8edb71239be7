import { describe, expect, it } from 'vitest';

import { ConfigSpaceArena } from '../../devices/pci/config-arena.js';
import { MODELS } from '../../devices/index.js';
import type { DeviceContext } from '../../devices/registry.js';
import type { DeviceSpec } from '../../devices/spec.js';
import { PCI_INTERRUPT_LINE } from '../../devices/pci/regs.js';
import { parseConfig } from '../../vmm/frontends/config/load.js';
import { Machine } from '../../vmm/core/machine/machine.js';

describe('ConfigSpaceArena', () => {
  it('hands out zeroed, disjoint views, chunks doubling from the first size up to the largest', () => {
    const a = new ConfigSpaceArena(1024, 4096);
    const views = [a.take(512), a.take(512), a.take(512), a.take(2048), a.take(512), a.take(8192)];
    expect(views.map((v) => v.byteLength)).toEqual([512, 512, 512, 2048, 512, 8192]);
    // The third take starts a 2 KiB chunk; the 2 KiB one does not fit its rest, so a 4 KiB chunk, which the next shares.
    expect(views.map((v) => v.buffer.byteLength)).toEqual([1024, 1024, 2048, 4096, 4096, 8192]);
    expect(views.map((v) => v.byteOffset)).toEqual([0, 512, 0, 0, 2048, 0]);
    expect(views[0]!.buffer).toBe(views[1]!.buffer);
    for (const v of views) v.fill(0xab);
    views[0]!.fill(0);
    expect(views[1]!.every((b) => b === 0xab)).toBe(true);
    expect(a.take(16).every((b) => b === 0)).toBe(true);
  });

  it("takes its first chunk from the owner's buffer up to the first size, leaving the rest to the owner", () => {
    const shared = new ArrayBuffer(2048 + 512);
    const a = new ConfigSpaceArena(2048, 8192, shared);
    const views = [a.take(1024), a.take(1024), a.take(512), a.take(4096)];
    expect(views.map((v) => v.buffer === shared)).toEqual([true, true, false, false]);
    expect(views.map((v) => v.byteOffset)).toEqual([0, 1024, 0, 0]);
    // Past the first 2 KiB a chunk of its own, doubling from there; the owner's 512 bytes are never handed out.
    expect(views.map((v) => v.buffer.byteLength)).toEqual([2560, 2560, 4096, 8192]);
    expect(views[3]!.buffer).not.toBe(views[2]!.buffer);
  });
});

describe("a machine's functions keep their config space in its arena", () => {
  const spec = (): Machine => {
    const r = parseConfig(`machine: { type: q35, qemu: "7.2" }
devices:
  - { model: pcie-root-port, id: rp1, addr: "03.0", props: { chassis: 1 } }
  - { model: virtio-net-pci, id: n1, bus: rp1 }
  - { model: pcie-root-port, id: rp2, addr: "04.0", props: { chassis: 2 } }
  - { model: virtio-net-pci, id: n2, bus: rp2 }
`, 'm.yaml');
    if (!r.ok) throw new Error(`bad config: ${r.errors[0]?.message}`);
    return new Machine(r.spec);
  };

  it('neighbours share a buffer but never a byte: a guest write to one leaves the others as they were', () => {
    const m = spec();
    const fns = ['rp1', 'n1', 'rp2', 'n2'].map((id) => m.byId.get(id)!);
    // 4.5 KiB each (PCIe registers and the mask): the first 8 KiB chunk holds one, the next 16 KiB chunk n1 and rp2.
    expect(fns[2]!.cfg.buffer).toBe(fns[1]!.cfg.buffer);
    const before = fns.map((f) => Array.from(f.cfg));
    fns[1]!.configWrite(PCI_INTERRUPT_LINE, 1, 0x5b);
    expect(fns[1]!.cfg[PCI_INTERRUPT_LINE]).toBe(0x5b);
    fns.forEach((f, i) => {
      if (i !== 1) expect(Array.from(f.cfg)).toEqual(before[i]);
    });
  });

  it('the same registers and write masks as a function that allocates its own', () => {
    const m = spec();
    for (const id of ['rp1', 'n1']) {
      const fn = m.byId.get(id)!;
      const d = m.specOf.get(fn)!;
      const ctx: DeviceContext = { machineType: 'q35', machineVersion: m.profile.machine.version, cpus: 1, pcieBus: id === 'n1', rootBus: id === 'rp1', dma: () => { throw new Error('no DMA'); } };
      const own = MODELS.lookup(d.model)!.create(d as DeviceSpec, ctx);
      expect(own.cfg.buffer).not.toBe(fn.cfg.buffer);
      expect(Array.from(own.cfg)).toEqual(Array.from(fn.cfg));
      expect(Array.from(own.wmask)).toEqual(Array.from(fn.wmask));
    }
  });
});
