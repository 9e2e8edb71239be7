import { describe, expect, it } from 'vitest';
import { PciBridge } from '../../devices/pci/bridge.js';
import { build, capOffset, caps, check, MiB } from './catalogue-helpers.js';

const CAP_EXP = 0x10;
const CAP_SHPC = 0x0c;
const CAP_VNDR = 0x09;
const ALL_ONES = 0xffffffff;

/** The reserve capability's fields (docs/firmware-seabios.md §2): bus_res u32 @+4, io u64 @+8, mem @+16, pref32 @+20, pref64 u64 @+24. */
function reserveCap(fn: PciBridge): number[] | undefined {
  const off = capOffset(fn, CAP_VNDR);
  if (off < 0) return undefined;
  const r = (o: number): number => fn.configRead(off + o, 4);
  return [fn.configRead(off + 2, 1), fn.configRead(off + 3, 1), r(4), r(8), r(12), r(16), r(20), r(24), r(28)];
}

describe('catalogue bridges: what SeaBIOS reads from them', () => {
  it('gives pcie-root-port a PCIe capability of type root port with the slot-implemented flag, even with hotplug=off', () => {
    for (const props of [{}, { hotplug: false }] as Record<string, boolean>[]) {
      const fn = build('pcie-root-port', props);
      const off = capOffset(fn, CAP_EXP);
      expect(off).toBeGreaterThan(0);
      const flags = fn.configRead(off + 2, 2);
      expect((flags >> 4) & 0xf).toBe(4);
      expect(flags & 0x0100).toBe(0x0100);
      expect(capOffset(fn, CAP_SHPC)).toBe(-1);
    }
  });

  it('gives pcie-pci-bridge a PCIe-to-PCI bridge capability (type 7) and SHPC', () => {
    const fn = build('pcie-pci-bridge', {}, { pcieBus: true, rootBus: false });
    const flags = fn.configRead(capOffset(fn, CAP_EXP) + 2, 2);
    expect((flags >> 4) & 0xf).toBe(7);
    expect(caps(fn)).toContain(CAP_SHPC);
    expect(reserveCap(fn as PciBridge)).toBeUndefined();
  });

  it('gives pci-bridge SHPC and its BAR by default and neither with shpc=off', () => {
    const on = build('pci-bridge', { chassis_nr: 1 });
    expect(caps(on)).toContain(CAP_SHPC);
    expect(capOffset(on, CAP_EXP)).toBe(-1);
    expect(on.configRead(0x3d, 1)).toBe(1);
    const off = build('pci-bridge', { chassis_nr: 1, shpc: false });
    expect(caps(off)).not.toContain(CAP_SHPC);
    expect(off.bars.every((b) => b === undefined)).toBe(true);
    expect(off.configRead(0x3d, 1)).toBe(0);
  });

  it('adds the QEMU reserve capability only when a reserve prop is set', () => {
    expect(reserveCap(build('pcie-root-port') as PciBridge)).toBeUndefined();
    expect(reserveCap(build('pci-bridge', { chassis_nr: 1 }) as PciBridge)).toBeUndefined();
    const fn = build('pcie-root-port', { 'mem-reserve': 8 * MiB }) as PciBridge;
    // len 32, type 1, bus unset, io unset (u64), mem 8M, pref32 unset, pref64 unset (u64)
    expect(reserveCap(fn)).toEqual([32, 1, ALL_ONES, ALL_ONES, ALL_ONES, 8 * MiB, ALL_ONES, ALL_ONES, ALL_ONES]);
  });

  it('encodes bus, io and 64-bit reserves in the capability fields', () => {
    const fn = build('pcie-root-port', { 'bus-reserve': 2, 'io-reserve': 4096, 'pref64-reserve': 8 * 1024 * MiB }) as PciBridge;
    expect(reserveCap(fn)).toEqual([32, 1, 2, 4096, 0, ALL_ONES, ALL_ONES, 0, 2]);
    const br = build('pci-bridge', { chassis_nr: 3, 'pref32-reserve': 64 * MiB }) as PciBridge;
    expect(reserveCap(br)?.slice(5, 7)).toEqual([ALL_ONES, 64 * MiB]);
  });

  it('makes the IO window read-only and closed on a root port with io-reserve=0', () => {
    const fn = build('pcie-root-port', { 'io-reserve': 0 }) as PciBridge;
    fn.configWrite(0x1c, 2, 0x2010);
    expect([fn.configRead(0x1c, 1), fn.configRead(0x1d, 1)]).toEqual([0xf0, 0x00]);
    const open = build('pcie-root-port') as PciBridge;
    open.configWrite(0x1c, 2, 0x2010);
    expect([open.configRead(0x1c, 1), open.configRead(0x1d, 1)]).toEqual([0x10, 0x20]);
  });

  it('resets root port windows closed and pci-bridge windows to zero (docs/firmware-seabios.md §13.4)', () => {
    const rp = build('pcie-root-port') as PciBridge;
    expect(rp.resetClosed).toBe(true);
    expect(rp.memWindow()).toEqual({ base: 0xfff00000, limit: 0xfffff });
    const br = build('pci-bridge', { chassis_nr: 1 }) as PciBridge;
    expect(br.resetClosed).toBe(false);
    expect(br.memWindow()).toEqual({ base: 0, limit: 0xfffff });
    expect(build('pcie-pci-bridge') instanceof PciBridge).toBe(true);
  });

  it("refuses what QEMU's realize refuses", () => {
    expect(check('pci-bridge', {})[0]?.message).toContain('chassis');
    expect(check('pci-bridge', { chassis_nr: 1 })).toEqual([]);
    expect(check('pcie-root-port', { 'pref32-reserve': MiB, 'pref64-reserve': MiB })[0]?.message).toContain('PREF32 and PREF64 conflict');
    expect(check('pcie-root-port', { 'mem-reserve': 4 * 1024 * MiB })[0]?.prop).toBe('mem-reserve');
    expect(check('pcie-root-port', { 'mem-reserve': 4 * 1024 * MiB - MiB })).toEqual([]);
  });

  it('gives the root port a 4 KiB MSI-X BAR0 and a 4 KiB config space', () => {
    const fn = build('pcie-root-port');
    expect(caps(fn)).toContain(0x11);
    expect(fn.cfg.length).toBe(4096);
    expect(fn.configRead(0x3d, 1)).toBe(1);
  });
});
