import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { formatConfigError, parseConfig } from '../../vmm/frontends/config/index.js';
import { guestView, igdState, type GuestMessage } from '../../vmm/passthrough/igd/index.js';
import { bootYaml, igdYaml, specOf } from './helpers.js';

const config = (name: string): string => readFileSync(new URL(`../../configs/${name}.yaml`, import.meta.url), 'utf8');
const said = (g: readonly GuestMessage[], driver: string): string[] => g.filter((m) => m.driver === driver).map((m) => m.message);

describe("the guest driver's view, predicted per boot", () => {
  it('gen 9 with e820-reserved stolen memory: early quirks reserve it, i915 finds STOLEN_RESERVED at the host address', () => {
    const b = bootYaml(igdYaml('pc', '4G', '{ generation: skl }'), 'e820-reserved');
    const g = b.report.igd.guest;
    expect(said(g, 'linux-early-quirks')).toEqual(['Reserving Intel graphics memory at [mem 0xbaf00000-0xbeefffff]']);
    // bdw_get_stolen_reserved reads the host value from gen 8 on (the host default reserves the top 2 MiB of its DSM).
    expect(said(g, 'i915')).toEqual(['Stolen reserved area [mem 0x8f600000-0x8f7fffff] outside stolen memory [mem 0xbaf00000-0xbeefffff]']);
  });

  it('gen 6/7: "DMAR active, disabling use of stolen memory", conditional on a guest vIOMMU', () => {
    const g = bootYaml(igdYaml('pc', '2G', '{ generation: snb }'), 'e820-reserved').report.igd.guest;
    expect(g).toContainEqual({ driver: 'i915', message: 'DMAR active, disabling use of stolen memory', cause: 'gen 6 i915 refuses stolen memory behind VT-d', conditional: 'with a guest vIOMMU (intel-iommu) enabled' });
  });

  it('a BDSM in usable RAM or over a BAR: "conflict detected with stolen region"', () => {
    // 2G: no RAM above 4 GiB, so SeaBIOS 1.16.3 keeps the 64-bit BARs below 4 GiB where a 32-bit BDSM can point at them.
    const b = bootYaml(igdYaml('pc', '2G', '{ generation: skl }'), 'none');
    b.igd.configWrite(0x5c, 4, 0x4000_0000); // a guest that points BDSM at RAM no firmware reserved
    const g = guestView(b.machine, igdState(b.machine)!, b.fw.e820);
    expect(g).toContainEqual({ driver: 'i915', message: 'conflict detected with stolen region: [mem 0x40000000-0x43ffffff]', cause: 'the stolen range is usable RAM in the e820 map (no firmware reserved it)' });
    const bar = b.igd.barAddress(2); // the aperture
    expect(bar).toBeLessThan(0x1_0000_0000);
    b.igd.configWrite(0x5c, 4, bar);
    expect(guestView(b.machine, igdState(b.machine)!, b.fw.e820).find((m) => m.message.startsWith('conflict'))?.cause).toBe('the stolen range overlaps 00:02.0 BAR2');
  });

  it('a 0x0380 iGPU: early quirks skip it (only PCI_CLASS_DISPLAY_VGA), nothing keeps the kernel off the range', () => {
    const g = bootYaml(igdYaml('q35', '4G', '{ generation: tgl, class: 0x0380 }'), 'uefi-reserved').report.igd.guest;
    expect(g[0]).toEqual({
      driver: 'linux-early-quirks', message: '(no "Reserving Intel graphics memory" line)',
      cause: 'class 0x380 is not PCI_CLASS_DISPLAY_VGA: early quirks skip the device, nothing keeps the kernel off the stolen range (x-pci-class-code=0x030000 on QEMU 10.1+)',
    });
  });

  it('no OpRegion (host ASLS 0 on QEMU 10.1: every quirk skipped): "Failed to find VBIOS tables (VBT)" and Windows Code 43', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: tgl, asls: 0 }'), 'uefi-reserved');
    expect(b.report.igd.skipped).toBe('the host kernel exposes no OpRegion (host ASLS 0): QEMU skips every IGD quirk');
    expect(said(b.report.igd.guest, 'i915')).toContain('Failed to find VBIOS tables (VBT)');
    expect(said(b.report.igd.guest, 'windows')).toContain('Code 43 (the driver stops the device)');
  });

  it("gen 11+ on QEMU ≤ 9.1 outside legacy mode: no OpRegion (Code 43), the host's BDSM read through the unmirrored 0x1080C0", () => {
    const g = bootYaml(igdYaml('q35', '4G', '{ generation: tgl }', '', '', '9.1'), 'uefi-reserved').report.igd.guest;
    expect(said(g, 'windows')).toEqual(['Code 43 (the driver stops the device)', 'reads BDSM 0x4c800000 at BAR0+0x1080c0', 'may not load, or loads without outputs']);
  });

  it("gen 11+ with the guest's own stolen memory: GSMBASE still shows the host's address", () => {
    const g = bootYaml(igdYaml('q35', '4G', '{ generation: tgl }'), 'uefi-reserved').report.igd.guest;
    expect(said(g, 'windows')).toContain("GSMBASE (BAR0+0x108100) reads the host's 0x4c000000");
  });

  it('gen 11+ under SeaBIOS: no legacy VBIOS, no pre-OS display; under VfioIgdPkg the GOP uses the guest BDSM', () => {
    const sea = bootYaml(igdYaml('pc', '4G', '{ generation: tgl }'), 'e820-reserved').report.igd.guest;
    expect(said(sea, 'firmware')).toEqual(['no pre-OS display (no legacy VBIOS exists for gen 11+)']);
    // VfioIgdPkg: OVMF with IgdAssignmentDxe and the GOP in the romfile.
    const efi = bootYaml(igdYaml('q35', '4G', '{ generation: tgl }', '{ romfile-drivers: "IgdAssignmentDxe,PlatformGopPolicy,IntelGopDriver" }', 'firmware: { type: ovmf }\n'), 'uefi-reserved').report;
    expect(efi.igd.guestBdsm).not.toBeNull();
    expect(said(efi.igd.guest, 'firmware')).toEqual([`GOP: framebuffer in stolen memory at ${efi.igd.guestBdsm}`]);
  });
});

describe("Cherryview's GGC encoding", () => {
  it('QEMU decodes a CHV GGC as gen 8 (bits 15:8): GMS 0x13 (16 MiB for i915) becomes a 96 MiB etc/igd-bdsm-size', () => {
    const b = bootYaml(igdYaml('pc', '4G', '{ generation: chv, gms: 0x13, ggms: 3 }'), 'e820-reserved');
    expect([b.igd.guestGmch(), b.igd.stolenSize(), b.igd.gttSize()]).toEqual([0x0398, 16 * 0x10_0000, 8 * 0x10_0000]);
    expect(b.report.igd.fwcfg['etc/igd-bdsm-size']).toBe('0x6000000');
    expect(b.report.igd.guest).toContainEqual({
      driver: 'i915', message: 'stolen memory 16 MiB (GMS 0x13, Cherryview table) vs 96 MiB in etc/igd-bdsm-size',
      cause: 'Cherryview keeps GMS in the SNB field (bits 7:3) with its own sizes; QEMU decodes it as gen 8 (bits 15:8 × 32 MiB), so firmware reserves the wrong amount',
    });
  });
});

describe('bundled 2026 machines', () => {
  it('igd-adln-q35 (N100, QEMU 10.1, VfioIgdPkg): 60 MiB DSM at 0xC0, OpRegion 2.1 copied, BDSM mirrored, GGC not', () => {
    // OVMF 2025.02 (QEMU 10.1's): IgdAssignmentDxe allocates top-down below DXE's free top (0x80000000 - 0x16c1000).
    const r = bootSpec(specOf(config('igd-adln-q35'))).report;
    expect(r.panic).toBeNull();
    expect(r.igd).toMatchObject({
      deviceId: '0x46d1', qemuLine: '10.1+', legacyMode: false, mirrors: { ggc: false, bdsm: true }, guestBdsm: '0x7ad00000',
      stolenSize: '0x3c00000', fwcfg: { 'etc/igd-bdsm-size': '0x3c00000' }, opregionSize: '0x4400',
    });
    expect(r.events.filter((e) => e.kind.startsWith('qemu-')).map((e) => e.message)).toEqual(['OpRegion detected on Intel display 46d1.']);
  });

  it('igd-mtl-q35 (Meteor Lake, QEMU 10.1): OpRegion only, bdsm-size 0, DSM at LMEMBAR + 8 MiB, xe as the driver', () => {
    // 8G puts RAM above 4 GiB, so SeaBIOS 1.16.3 (QEMU 10.x) places the 64-bit LMEMBAR (BAR2) in the 64-bit window.
    const r = bootSpec(specOf(config('igd-mtl-q35'))).report;
    expect(r.igd).toMatchObject({ deviceId: '0x7d55', guestBdsm: null, fwcfg: { 'etc/igd-bdsm-size': '0x0' }, lmembarDsm: '0x7040800000' });
    expect(r.igd?.hazards.map((h) => h.id)).toEqual(['lpc-ids-missing']);
    expect(said(r.igd!.guest, 'xe')).toEqual(['stolen memory at [mem 0x7040800000-0x70447fffff] (LMEMBAR + 8 MiB)']);
  });

  it('a Meteor Lake host must have GGMS 3 and a GMS mtl_get_gms_size accepts: FILE:LINE:COL messages', () => {
    const r = parseConfig('machine: { type: q35, memory: 4G, qemu: "10.1" }\nhost:\n  igd: { generation: mtl, gms: 0x10, ggms: 2 }\ndevices:\n  - model: vfio-igd\n', 'mtl.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatConfigError)).toEqual([
      'mtl.yaml:3:32: host.igd.gms: 0x10 is not a valid MTL GMS (valid: 0x00..0x04 or 0xf0..0xfe)',
      'mtl.yaml:3:44: host.igd.ggms: MTL requires GGMS 3 (8 MiB)',
    ]);
  });

  it('igd-mtl-q35 on QEMU 10.0: no IGD setup at all (no OpRegion file), the VM still boots', () => {
    const r = bootSpec(specOf(config('igd-mtl-q35').replace('qemu: "10.1"', 'qemu: "10.0"'))).report;
    expect(r.panic).toBeNull();
    // ASLS is not emulated: the guest reads the host's OpRegion address, and no copy exists.
    expect(r.igd).toMatchObject({ qemuLine: '10.0', skipped: 'QEMU 10.0 knows no generation for 7d55', guestAsls: '0x7b7fe018', opregionSize: null, fwcfg: { 'etc/igd-bdsm-size': null } });
  });
});
