import { describe, expect, it } from 'vitest';
import { IgdFunction } from '../../devices/igd/index.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { igdYaml, specOf } from './helpers.js';

// uefi-reserved is VfioIgdPkg under OVMF: the romfile carries IgdAssignmentDxe and the GOP (IntelGopDriver).
const VFIO_IGD_PKG = ['{ romfile-drivers: "IgdAssignmentDxe,PlatformGopPolicy,IntelGopDriver" }', 'firmware: { type: ovmf }\n'] as const;
const boot = (host: string, strategy: string, vbios?: string) => {
  const yaml = strategy === 'uefi-reserved' ? igdYaml('q35', '4G', host, ...VFIO_IGD_PKG) : igdYaml('q35', '4G', host);
  const res = bootSpec(specOf(yaml), { strategy, ...(vbios !== undefined ? { vbios } : {}) });
  const igd = [...res.machine.pci.functions()].find((f) => f instanceof IgdFunction) as IgdFunction;
  return { r: res.report, igd, notes: res.report.events.filter((e) => e.kind === 'igd-pre-os').map((e) => e.message) };
};

describe('pre-OS display: no invented vBIOS on gen 11+, the UEFI GOP instead', () => {
  it('gen 12 under VfioIgdPkg: the GOP programs the GTT through BAR0 from the guest BDSM (no BAR4 I/O)', () => {
    const { r, igd, notes } = boot('{ generation: tgl }', 'uefi-reserved');
    expect(r.rom).toEqual([{ bdf: '00:02.0', program: 'intel-gop', ok: true, iterations: 768 }]);
    expect(notes).toEqual([]);
    const bdsm = igd.guestBdsmBase();
    expect([igd.gtt.pageAddress(0), igd.gtt.pageAddress(767)]).toEqual([bdsm, bdsm + 767 * 4096]);
    expect(r.traps?.hits).toBe(0);
    expect(r.display?.[0]).toMatchObject({ mode: '1024x768', readPages: 768, faultedPages: 0, firstPage: `0x${bdsm.toString(16)}` });
  });

  it('gen 12 under SeaBIOS: nothing runs, the plane stays off, and the boot says why', () => {
    const { r, igd, notes } = boot('{ generation: tgl }', 'e820-reserved');
    expect(r.rom).toEqual([]);
    expect(igd.gtt.validEntries()).toEqual([]);
    expect(notes).toEqual(['no pre-OS display: gen 12 has no legacy VBIOS, and the UEFI GOP needs OVMF with a romfile carrying IntelGopDriver']);
  });

  it('a legacy VBIOS asked of a gen 12 device runs as asked, with a note that none exists', () => {
    const { r, notes } = boot('{ generation: tgl }', 'e820-reserved', 'reads-bdsm');
    expect(r.rom?.map((x) => x.program)).toEqual(['reads-bdsm']);
    expect(notes).toEqual(["a legacy VBIOS ('reads-bdsm') was asked of a gen 12 device: none exists from gen 11 (only the UEFI GOP)"]);
  });

  it('the GOP without stolen memory (GMS 0, BDSM never written) sets no mode', () => {
    const { igd } = boot('{ generation: tgl, gms: 0 }', 'uefi-reserved');
    expect(igd.guestBdsm()).toBe(0);
    expect(igd.gtt.validEntries()).toEqual([]);
  });

  it('gen 6-10 keep the legacy VBIOS (reads-bdsm by default)', () => {
    expect(boot('{ generation: skl }', 'e820-reserved').r.rom?.map((x) => x.program)).toEqual(['reads-bdsm']);
  });
});
