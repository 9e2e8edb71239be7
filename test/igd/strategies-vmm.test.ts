import { describe, expect, it } from 'vitest';
import { buildOpRegion, resolveHostIgd } from '../../devices/igd/index.js';
import { FAKE_STOLEN_LABEL, igdReport } from '../../vmm/passthrough/igd/index.js';
import { bootYaml, igdYaml, MiB, type IgdBoot } from './helpers.js';

const sig = (b: IgdBoot, addr: number): string => {
  const out = new Uint8Array(16);
  b.machine.cpu.readBytes(addr, out);
  return String.fromCharCode(...out);
};
const bars = (b: IgdBoot, bdf: string) => b.report.pci.devices.find((d) => d.bdf === bdf)!.bars;
const stolenMapping = (b: IgdBoot) => b.machine.dma.container.mappings().find((m) => m.label === FAKE_STOLEN_LABEL);

describe('lpc-bars: fake BARs on the LPC bridge', () => {
  // QEMU 10.1 runs SeaBIOS 1.16.3: with RAM above 4 GiB (q35 4G: 2 GiB of it) the IGD's 64-bit BARs go to the 64-bit
  // window, so the 32-bit fake BARs share the 32-bit window only with small BARs: both land at its top.
  const b = bootYaml(igdYaml('q35', '4G', '{ generation: skl }'), 'lpc-bars');

  it('gives 00:1f.0 a prefetchable stolen BAR and an OpRegion BAR that the PCI allocator places', () => {
    expect(bars(b, '00:1f.0')).toEqual([
      { bar: 0, type: 'prefmem', address: '0xf8000000', size: '0x4000000', is64: false, prefetch: true },
      { bar: 1, type: 'mem', address: '0xfebf0000', size: '0x2000', is64: false, prefetch: false },
    ]);
    expect(b.fw.log).toContain('PCI: map device bdf=00:1f.0  bar 0, addr f8000000, size 04000000 [prefmem]\n');
  });

  it('points BDSM and ASLS at them, read-only to the guest, and serves the OpRegion there', () => {
    expect([b.igd.guestBdsm(), b.igd.guestAsls()]).toEqual([0xf800_0000, 0xfebf_0000]);
    b.igd.configWrite(0x5c, 4, 0x1000_0000);
    expect(b.igd.guestBdsm()).toBe(0xf800_0000);
    expect(sig(b, 0xfebf_0000)).toBe('IntelGraphicsMem');
    expect(b.report.igd.fwcfg['etc/igd-bdsm-size']).toBeNull();
    expect(b.fw.log).not.toContain('Intel IGD');
  });

  it("maps the BAR's backing memory into the IGD's IOMMU domain at the BAR address", () => {
    expect(stolenMapping(b)).toMatchObject({ iova: 0xf800_0000, size: 64 * MiB, kind: 'extra' });
    b.machine.cpu.writeMem(0xf800_1000, 4, 0xdead_beef);
    expect(b.machine.dma.port(0x10).read32(0xf800_1000)).toBe(0xdead_beef);
  });

  it('follows the guest when it moves the BAR, counting the move as the hazard it is; unmaps while decode is off', () => {
    const m = bootYaml(igdYaml('q35', '4G', '{ generation: skl }'), 'lpc-bars');
    // The guest's config cycles to 00:1f.0 (through the host, which applies what each write changed).
    const cfg = (off: number, width: 1 | 2 | 4, v: number): void => m.machine.pci.configWrite(0, 0xf8, off, width, v);
    cfg(0x04, 2, 0); // Linux sizing: decode off
    expect(stolenMapping(m)).toBeUndefined();
    cfg(0x10, 4, 0xe800_0000);
    cfg(0x04, 2, 0x7);
    expect(m.igd.guestBdsm()).toBe(0xe800_0000);
    expect(stolenMapping(m)).toMatchObject({ iova: 0xe800_0000 });
    expect(igdReport(m.machine)!.hazards.map((h) => h.id)).toContain('fake-bar-moved');
    expect(igdReport(m.machine)!.fakeBars[0]).toMatchObject({ address: '0xe8000000', moves: 1 });
  });

  it('creates the LPC bridge on pc (with the host PCH IDs) and rounds a 60 MiB DSM up to a 64 MiB BAR', () => {
    const t = bootYaml(igdYaml('pc', '4G', '{ generation: tgl }'), 'lpc-bars');
    expect(t.report.pci.devices.find((d) => d.bdf === '00:1f.0')).toMatchObject({ model: 'vfio-pci-igd-lpc-bridge', device: '0xa082' });
    expect(bars(t, '00:1f.0')[0]).toMatchObject({ size: '0x4000000' });
    expect(t.igd.guestBdsm()).toBe(parseInt(bars(t, '00:1f.0')[0]!.address!, 16));
  });

  it('is refused when 00:1f.0 holds something else on pc', () => {
    const t = bootYaml(igdYaml('pc', '2G', '{ generation: snb }', '', '  - { model: e1000, addr: "1f.0" }\n'), 'lpc-bars');
    expect(t.report.igd.hazards.map((h) => h.id)).toContain('strategy-refused');
    expect(t.report.igd.fakeBars).toEqual([]);
  });
});

describe('igd-bar5: the fake BAR on the IGD itself', () => {
  it('adds a 32-bit BAR5 holding the DSM at 0 and the OpRegion right after it', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: skl }'), 'igd-bar5');
    const bar5 = bars(b, '00:02.0').find((x) => x.bar === 5)!;
    expect(bar5).toEqual({ bar: 5, type: 'mem', address: '0xf0000000', size: '0x8000000', is64: false, prefetch: false });
    expect([b.igd.guestBdsm(), b.igd.guestAsls()]).toEqual([0xf000_0000, 0xf400_0000]);
    expect(sig(b, 0xf400_0000)).toBe('IntelGraphicsMem');
    expect(b.report.igd.hazards.map((h) => h.id)).toEqual(['fake-bar-moves', 'windows-igd-bar5', 'lpc-ids-missing']);
  });
});

describe('dummy-device: the fake BARs on a device the VMM adds', () => {
  it('plugs an unknown RAM-controller device in the first free slot with the two BARs', () => {
    const b = bootYaml(igdYaml('pc', '4G', '{ generation: skl }'), 'dummy-device');
    const d = b.report.pci.devices.find((x) => x.bdf === '00:03.0')!;
    expect(d).toMatchObject({ model: 'igd-stolen-dummy', vendor: '0x1b36', device: '0x00f0', class: '0x0500' });
    expect(d.bars.map((x) => [x.bar, x.size])).toEqual([[0, '0x4000000'], [1, '0x2000']]);
    expect([b.igd.guestBdsm(), b.igd.guestAsls()]).toEqual([parseInt(d.bars[0]!.address!, 16), parseInt(d.bars[1]!.address!, 16)]);
    expect(b.report.igd.hazards[1]).toEqual({ id: 'windows-unknown-device', message: 'the dummy device 00:03.0 (1b36:00f0) shows up in Windows as an unknown device' });
  });
});

describe('zero-gms: crosvm', () => {
  it('reads GMCH byte 0x51 as 0, publishes no fw_cfg files and places the OpRegion as VMM MMIO in ASLS', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: skl }'), 'zero-gms');
    expect(b.igd.configRead(0x50, 4) & 0xffff).toBe(0x00c0);
    expect(b.machine.fwcfg.file('etc/igd-opregion')).toBeUndefined();
    expect(b.machine.fwcfg.file('etc/igd-bdsm-size')).toBeUndefined();
    expect(b.report.igd).toMatchObject({ guestBdsm: null, guestAsls: '0xc0000000', stolenSize: '0x0', opregionMmio: { start: '0xc0000000', size: '0x2000' } });
    expect(sig(b, 0xc000_0000)).toBe('IntelGraphicsMem');
    b.machine.cpu.writeMem(0xc000_0000, 4, 0);
    expect(sig(b, 0xc000_0000)).toBe('IntelGraphicsMem'); // the host region is read-only
  });

  it('on gen 6 zeroes the GTT size instead and leaves GMS announcing stolen memory at BDSM 0', () => {
    const b = bootYaml(igdYaml('pc', '2G', '{ generation: snb }'), 'zero-gms');
    expect(b.report.igd).toMatchObject({ stolenSize: '0x4000000', gttSize: '0x0', guestBdsm: null });
    expect(b.report.igd.hazards[0]).toEqual({
      id: 'zero-gms-gen6-ggms',
      message: 'on gen 6 byte 0x51 holds GGMS, not GMS: clearing it zeroes the GTT size and leaves GMS announcing 64 MiB of stolen memory at BDSM 0x0',
    });
  });

  it('places the range at the lowest free page of the 32-bit window, clear of every BAR', () => {
    const b = bootYaml(igdYaml('pc', '4G', '{ generation: skl }'), 'zero-gms');
    const op = buildOpRegion(resolveHostIgd({ generation: 9, generationName: 'skl' }));
    expect(b.igd.guestAsls()).toBe(parseInt(b.report.pci.windows.mem32[0], 16));
    for (const r of b.machine.pci.regions(false)) expect(r.start >= b.igd.guestAsls() + op.length || r.start + r.size <= b.igd.guestAsls()).toBe(true);
  });
});
