import { describe, expect, it } from 'vitest';
import { PciBridge } from '../../devices/pci/bridge.js';
import { PCI_BRIDGE_CONTROL, PCI_BRIDGE_CTL_VGA } from '../../devices/pci/regs.js';
import type { FirmwareResult } from '../../firmware/index.js';
import type { Machine } from '../../vmm/core/machine/machine.js';
import { fnAt } from './compare.js';
import { boot, loadFixture, RECORDED } from './helpers.js';

const booted = new Map<string, { machine: Machine; fw: FirmwareResult }>();
/** Boots a recorded corner case (test/firmware/recorded) or a shared fixture (case-50xx). */
function run(name: string): { machine: Machine; fw: FirmwareResult } {
  let r = booted.get(name);
  if (r === undefined) {
    r = boot(loadFixture(name, name.startsWith('case-') ? undefined : RECORDED).spec);
    booted.set(name, r);
  }
  return r;
}
const placed = (fw: FirmwareResult, bdf: string, bar: number) => fw.placements.find((p) => p.bdf === bdf && p.bar === bar);
const bridge = (m: Machine, bdf: string) => fnAt(m, bdf) as PciBridge;

describe('IO window', () => {
  it('moves the root IO window to 0x1000 once the IO sum reaches 0x4000', () => {
    const { fw } = run('io-fallback-pc');
    expect(fw.windows.io).toEqual([0x1000, 0x504f]);
  });

  it('lays bridge IO windows bottom-up with the highest secondary bus first', () => {
    const { machine } = run('io-fallback-pc');
    expect(['00:06.0', '00:05.0', '00:04.0', '00:03.0'].map((b) => bridge(machine, b).ioWindow().base)).toEqual([0x1000, 0x2000, 0x3000, 0x4000]);
  });

  it('panics "PCI: out of I/O address space" on pc when the sum reaches 0x9000, mapping nothing and printing no e820', () => {
    const { fw } = run('io-panic-pc');
    expect(fw.panic).toBe('PCI: out of I/O address space');
    expect(fw.placements).toEqual([]);
    expect(fw.e820).toEqual([]);
    expect(fw.log.trimEnd().split('\n').pop()).toBe('PCI: out of I/O address space');
  });

  it('fits the same IO sum on q35, whose fallback region ends at 0x10000', () => {
    const { fw } = run('io-large-q35');
    expect(fw.panic).toBeNull();
    expect(fw.windows.io).toEqual([0x1000, 0xa09f]);
  });
});

describe('32-bit window', () => {
  it('puts mem on top when its alignment is smaller than prefmem’s (the swap)', () => {
    const { fw } = run('case-5000');
    expect(placed(fw, '00:05.0', 0)?.address).toBe(0xfc00_0000); // 16 MiB prefetchable VGA BAR, below
    expect(placed(fw, '00:03.0', 6)?.address).toBe(0xfea0_0000); // mem region above it
  });

  it('keeps prefmem on top when both regions have the same alignment', () => {
    const { fw } = run('equal-align-q35');
    expect(placed(fw, '00:04.0', 2)?.address).toBe(0xfeb0_0000);
    expect(placed(fw, '00:03.0', 0)?.address).toBe(0xfe90_0000);
  });

  it('places equal BARs in probe order, with a bridge window after a device of the same size', () => {
    const { fw, machine } = run('case-5000');
    expect(fw.placements.filter((p) => p.type === 'mem' && p.size === 0x1000 && p.bdf.startsWith('00:')).map((p) => p.bdf)).toEqual(['00:03.0', '00:05.0', '00:0a.0', '00:13.0', '00:1b.0', '00:1e.0', '00:1f.2']);
    expect(bridge(machine, '00:0a.0').prefWindow().base).toBe(0xfd00_0000); // after VGA's 16 MiB at 0xfc000000
  });

  it('starts the pc window at RamSize when RAM is above 3 GiB (3200M → 0xc8000000)', () => {
    expect(run('vga-behind-bridge-pc').fw.windows.mem32).toEqual([0xc800_0000, 0xfec0_0000]);
  });

  it('keeps 64-bit BARs below 4 GiB when nothing overflows', () => {
    const { fw } = run('case-5000');
    expect(fw.windows.mem64).toBeNull();
    expect(placed(fw, '00:1b.0', 4)?.address).toBe(0xfe00_0000);
  });
});

describe('64-bit overflow', () => {
  it('moves every 64-bit root entry above 4 GiB, non-prefetchable ones too, in list order', () => {
    const { fw } = run('overflow64-q35');
    expect(fw.windows.mem64).toEqual([0x1_0000_0000, 0x2_0000_0000]);
    expect(fw.placements.slice(0, 5).map((p) => [p.bdf, p.bar, p.address])).toEqual([
      ['00:05.0', 3, 0x1_0000_0000], ['00:05.0', 0, 0x1_0004_0000],
      ['00:03.0', 2, 0x1_4000_0000], ['00:04.0', 2, 0x1_8000_0000], ['00:07.0', 4, 0x1_c020_0000],
    ]);
  });

  it('takes the empty 64-bit hotplug window of a root port along, but never the USB controller', () => {
    const { fw, machine } = run('overflow64-q35');
    expect(bridge(machine, '00:08.0').prefWindow()).toEqual({ base: 0x1_c000_0000, limit: 0x1_c01f_ffff });
    expect(placed(fw, '00:06.0', 0)?.address).toBe(0xfea4_0000);
  });

  it('moves a whole bridge window holding an 8 GiB BAR above 4 GiB, aligned to 8 GiB, children inside', () => {
    const { fw, machine } = run('huge-bar-behind-bridge-q35');
    expect(bridge(machine, '00:03.0').prefWindow()).toEqual({ base: 0x2_0000_0000, limit: 0x3_ffff_ffff });
    expect(placed(fw, '01:01.0', 2)?.address).toBe(0x2_0000_0000);
  });

  it('panics "PCI: out of 32bit address space" when a bridge mixes 64-bit and 32-bit prefetchable BARs', () => {
    const { fw } = run('mixed-pref-panic-q35');
    expect(fw.panic).toBe('PCI: out of 32bit address space');
    expect(fw.log).toContain('PCI: secondary bus 1 size 100000000 type prefmem\n');
  });

  it('starts the 64-bit window above etc/reserved-memory-end with memory hotplug', () => {
    expect(run('overflow64-maxmem-q35').fw.windows.mem64).toEqual([0x2_c000_0000, 0x3_8000_0000]);
  });
});

describe('bridges', () => {
  it('sizes windows from the reserve capability: mem 8M, IO 4K unrounded, pref64 64M with 2 MiB alignment', () => {
    const { machine } = run('reserve-cap-q35');
    const rp1 = bridge(machine, '00:03.0');
    expect(rp1.memWindow().limit - rp1.memWindow().base + 1).toBe(0x80_0000);
    expect(rp1.ioWindow().limit - rp1.ioWindow().base + 1).toBe(0x1000);
    const rp2 = bridge(machine, '00:04.0');
    expect(rp2.prefWindow().limit - rp2.prefWindow().base + 1).toBe(0x400_0000);
    expect(rp2.prefWindow().base % 0x400_0000).not.toBe(0);
  });

  it('still gives 2 MiB for a mem-reserve below the minimum, and keeps an io-reserve=0 window closed', () => {
    const { fw, machine } = run('reserve-cap-q35');
    const rp3 = bridge(machine, '00:05.0');
    expect(rp3.memWindow().limit - rp3.memWindow().base + 1).toBe(0x20_0000);
    expect(rp3.ioWindow().base).toBeGreaterThan(rp3.ioWindow().limit);
    expect(fw.log).toContain('PCI: QEMU resource reserve cap: size 00100000 type mem\n');
  });

  it('gives an empty SHPC bridge 4K IO, 2M mem, 2M prefmem, and an shpc=off bridge nothing', () => {
    const { machine } = run('shpc-off-pc');
    const b1 = bridge(machine, '00:03.0');
    expect([b1.ioWindow(), b1.memWindow(), b1.prefWindow()].map((w) => w.limit - w.base + 1)).toEqual([0x1000, 0x20_0000, 0x20_0000]);
    const b2 = bridge(machine, '00:04.0');
    for (const w of [b2.ioWindow(), b2.memWindow(), b2.prefWindow()]) expect(w.base).toBeGreaterThan(w.limit);
  });

  it('gives an empty pcie-pci-bridge (SHPC) 4K IO, 2M mem, 2M prefmem, and an empty root port no IO', () => {
    const { machine } = run('hotplug-minima-q35');
    const pb = bridge(machine, '01:00.0');
    expect([pb.ioWindow(), pb.memWindow(), pb.prefWindow()].map((w) => w.limit - w.base + 1)).toEqual([0x1000, 0x20_0000, 0x20_0000]);
    const rp2 = bridge(machine, '00:03.0');
    expect(rp2.ioWindow().base).toBeGreaterThan(rp2.ioWindow().limit);
    expect(rp2.memWindow().limit - rp2.memWindow().base + 1).toBe(0x20_0000);
  });

  it('reserves bus numbers with bus-reserve on an empty root port', () => {
    expect(run('case-5034').fw.log).toContain('PCI: subordinate bus = 0x0 -> 0x3\n');
    const { machine } = run('case-5034');
    expect([bridge(machine, '00:16.0').secondaryBus(), bridge(machine, '00:16.0').subordinateBus()]).toEqual([2, 3]);
  });

  it('rewinds the bus counter when bus-reserve does not reach past the buses used below (1.16.2 bug)', () => {
    const { fw, machine } = run('bus-reserve-bug-q35');
    const rp1 = bridge(machine, '00:03.0');
    const rp2 = bridge(machine, '00:04.0');
    expect([rp1.secondaryBus(), rp1.subordinateBus(), rp2.secondaryBus()]).toEqual([1, 1, 2]);
    // rp2 is never programmed (its windows stay in reset state) and its device lands in rp1's window.
    for (const w of [rp2.ioWindow(), rp2.memWindow(), rp2.prefWindow()]) expect(w.base).toBeGreaterThan(w.limit);
    const e1000e = placed(fw, '02:00.0', 0)!.address;
    expect(e1000e >= rp1.memWindow().base && e1000e <= rp1.memWindow().limit).toBe(true);
  });
});

describe('VGA', () => {
  it('enables a VGA found only behind bridges and sets VGA forwarding on every bridge above it', () => {
    const { fw, machine } = run('vga-behind-bridge-pc');
    expect(fw.log).toContain('PCI: Enabling 02:03.0 for primary VGA\nPCI: Setting VGA enable on bridge 01:02.0\nPCI: Setting VGA enable on bridge 00:05.0\n');
    for (const b of ['00:05.0', '01:02.0']) expect(fnAt(machine, b)!.get16(PCI_BRIDGE_CONTROL) & PCI_BRIDGE_CTL_VGA).toBe(PCI_BRIDGE_CTL_VGA);
  });
});
