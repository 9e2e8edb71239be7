import { describe, expect, it } from 'vitest';
import { bootYaml, igdYaml } from './helpers.js';

const igdEvents = (b: ReturnType<typeof bootYaml>): string[] =>
  b.report.events.filter((e) => e.source === 'vfio-igd 00:02.0').map((e) => `${e.kind}: ${e.message}`);
const dev = (b: ReturnType<typeof bootYaml>, bdf: string) => b.report.pci.devices.find((d) => d.bdf === bdf);

describe("QEMU's LPC and host-bridge ID copy (docs/igd.md §1.4)", () => {
  it('pc: creates vfio-pci-igd-lpc-bridge at 00:1f.0 with the host PCH IDs, and copies revision/prog-if and subsystem into the i440FX', () => {
    const b = bootYaml(igdYaml('pc', '4G', '{ generation: skl }'));
    const lpc = b.machine.pci.root.slots[0xf8]!;
    expect(dev(b, '00:1f.0')).toMatchObject({ model: 'vfio-pci-igd-lpc-bridge', vendor: '0x8086', device: '0xa146', class: '0x0601', bars: [] });
    expect([lpc.get8(0x08), lpc.get8(0x09), lpc.get16(0x2c), lpc.get16(0x2e)]).toEqual([0x31, 0x00, 0x8086, 0x2212]);
    const host = b.machine.pci.root.slots[0]!;
    expect([host.get16(0x02), host.get8(0x08), host.get16(0x2c), host.get16(0x2e)]).toEqual([0x1237, 0x07, 0x8086, 0x2212]);
    expect(b.fw.log).toContain('PCI: init bdf=00:1f.0 id=8086:a146\n');
    expect(igdEvents(b)).toEqual([
      'qemu-info: OpRegion detected on Intel display 1912.',
      'qemu-info: IGD legacy mode enabled, use x-igd-legacy-mode=off to disable it if unwanted.',
    ]);
    expect(b.report.igd.hazards.map((h) => h.id)).not.toContain('lpc-ids-missing');
  });

  it('q35 with x-igd-lpc=on: QEMU refuses to start (1f.0 holds the ICH9 LPC), the IDs stay and the hazard says why that matters', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: skl }', '{ x-igd-lpc: on }'));
    expect(dev(b, '00:1f.0')).toMatchObject({ model: 'ICH9-LPC', device: '0x2918' });
    expect(b.machine.pci.root.slots[0]!.get8(0x08)).toBe(0);
    expect(igdEvents(b)).toContain('qemu-refused: QEMU refuses to start: vfio 0000:00:02.0: Cannot create LPC bridge due to existing device at 1f.0');
    expect(b.report.igd.refused).toBe('QEMU refuses to start: vfio 0000:00:02.0: Cannot create LPC bridge due to existing device at 1f.0');
    expect(b.report.igd.hazards).toContainEqual({
      id: 'lpc-ids-missing',
      message: '00:1f.0 holds ICH9-LPC (8086:2918), not the host PCH (8086:a146): the vBIOS, GOP and Windows driver check these IDs',
    });
  });

  it('QEMU 9.2 on q35: "cannot support legacy mode due to existing devices at address 1f.0", no bdsm-size, BDSM passes through', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: skl }', '', '', '9.2'));
    expect(igdEvents(b)).toEqual(['qemu-error: IGD device 0000:00:02.0 cannot support legacy mode due to existing devices at address 1f.0']);
    expect(b.report.igd).toMatchObject({ legacyMode: false, guestBdsm: '0x8b800000', fwcfg: { 'etc/igd-bdsm-size': null } });
    expect(b.report.igd.hazards.map((h) => h.id)).toContain('host-bdsm-visible');
  });

  it('pc with another device at 1f.0: QEMU 9.2 refuses legacy mode, QEMU 10.1 drops automatic legacy mode with its LPC error', () => {
    const extra = '  - { model: e1000, addr: "1f.0" }\n';
    const old = bootYaml(igdYaml('pc', '2G', '{ generation: snb }', '', extra, '9.2'));
    expect(igdEvents(old)).toEqual(['qemu-error: IGD device 0000:00:02.0 cannot support legacy mode due to existing devices at address 1f.0']);
    const neu = bootYaml(igdYaml('pc', '2G', '{ generation: snb }', '', extra));
    expect(igdEvents(neu)).toEqual([
      'qemu-info: OpRegion detected on Intel display 112.',
      'qemu-info: IGD legacy mode enabled, use x-igd-legacy-mode=off to disable it if unwanted.',
      'qemu-error: Cannot create LPC bridge due to existing device at 1f.0',
      'qemu-error: IGD legacy mode disabled',
      'qemu-skipped: automatic legacy mode failed (Cannot create LPC bridge due to existing device at 1f.0): QEMU skips the rest of the IGD setup',
    ]);
    expect(neu.report.igd.legacyMode).toBe(false);
  });
});

describe("QEMU's legacy-mode requirements and messages (docs/igd.md §3.2, §3.6)", () => {
  it('no ROM: QEMU 9.2 "has no ROM, legacy mode disabled"; QEMU 10.1 "Device has no ROM", disables it and skips all IGD setup (the VM boots)', () => {
    const old = bootYaml(igdYaml('pc', '2G', '{ generation: bdw }', '{ rombar: 0 }', '', '9.2'));
    expect(igdEvents(old)).toEqual(['qemu-error: IGD device 0000:00:02.0 has no ROM, legacy mode disabled']);
    const neu = bootYaml(igdYaml('pc', '2G', '{ generation: bdw }', '{ rombar: 0 }'));
    expect(igdEvents(neu).slice(1, 4)).toEqual([
      'qemu-info: IGD legacy mode enabled, use x-igd-legacy-mode=off to disable it if unwanted.',
      'qemu-error: Device has no ROM',
      'qemu-error: IGD legacy mode disabled',
    ]);
    expect(neu.machine.pci.root.slots[0xf8]).toBeUndefined();
    // No OpRegion file, no ASLS/BDSM emulation, no bdsm-size: the host's values show through.
    expect(neu.report.panic).toBeNull();
    expect(neu.report.igd).toMatchObject({ refused: null, fwcfg: { 'etc/igd-bdsm-size': null }, opregionSize: null, guestBdsm: '0x8b800000' });
    expect(neu.machine.fwcfg.file('etc/igd-opregion')).toBeUndefined();
  });

  it('QEMU 9.2 does not know Ice Lake: "unsupported in legacy mode, try SandyBridge or newer"', () => {
    const b = bootYaml(igdYaml('pc', '4G', '{ generation: icl }', '', '', '9.2'));
    expect(igdEvents(b)).toEqual(['qemu-error: IGD device 0000:00:02.0 is unsupported in legacy mode, try SandyBridge or newer']);
    expect(b.report.igd.guestBdsm).toBe('0x4c800000'); // 0xC0 passes the host value through
  });

  it('QEMU 10.1 enables legacy mode automatically only for gen 6..9 on i440fx with GGC.IVD clear', () => {
    expect(bootYaml(igdYaml('pc', '4G', '{ generation: tgl }')).report.igd.legacyMode).toBe(false);
    expect(bootYaml(igdYaml('pc', '4G', '{ generation: skl, gmch: 0x02c2 }')).report.igd.legacyMode).toBe(false);
    expect(bootYaml(igdYaml('q35', '4G', '{ generation: skl }')).report.igd.legacyMode).toBe(false);
    expect(bootYaml(igdYaml('pc', '4G', '{ generation: hsw }')).report.igd.legacyMode).toBe(true);
    expect(bootYaml(igdYaml('pc', '4G', '{ generation: skl }', '{ x-igd-legacy-mode: off }')).report.igd.legacyMode).toBe(false);
  });

  it('QEMU 10.1 with x-igd-legacy-mode=on where it cannot hold refuses to start', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: tgl }', '{ x-igd-legacy-mode: on }'));
    expect(b.report.igd.refused).toBe("QEMU refuses to start: vfio 0000:00:02.0: Machine is not i440fx, assigned BDF is not 00:02.0, or device 9a49 (gen 12) doesn't support legacy mode");
  });

  it('x-igd-gms out of range: ≤ 9.1 "Unsupported IGD GMS value" and GMS 0; 10.0 reports and keeps the host GMS; 10.1 refuses to start', () => {
    const q91 = bootYaml(igdYaml('pc', '4G', '{ generation: snb }', '{ x-igd-gms: 0x11 }', '', '9.1'));
    expect(igdEvents(q91)).toContain('qemu-error: Unsupported IGD GMS value 0x11');
    expect(q91.report.igd.stolenSize).toBe('0x0');
    const q100 = bootYaml(igdYaml('pc', '4G', '{ generation: snb }', '{ x-igd-gms: 0x11 }', '', '10.0'));
    expect(igdEvents(q100)).toContain("qemu-error: Parameter 'x-igd-gms' expects 0~0x10");
    expect(q100.report.igd.stolenSize).toBe('0x4000000');
    const q101 = bootYaml(igdYaml('pc', '4G', '{ generation: snb }', '{ x-igd-gms: 0x11 }'));
    expect(q101.report.igd.refused).toBe("QEMU refuses to start: vfio 0000:00:02.0: Parameter 'x-igd-gms' expects 0~0x10");
  });
});
