import { describe, expect, it } from 'vitest';
import { buildOpRegion, resolveHostIgd } from '../../devices/igd/index.js';
import { bootYaml, igdYaml, MiB, type IgdBoot } from './helpers.js';

const cpuBytes = (b: IgdBoot, addr: number, n: number): Uint8Array => {
  const out = new Uint8Array(n);
  b.machine.cpu.readBytes(addr, out);
  return out;
};
const e820At = (b: IgdBoot, start: number) => b.fw.e820.find((e) => e.start === start);
const skl = buildOpRegion(resolveHostIgd({ generation: 9, generationName: 'skl' }));

describe('e820-reserved: SeaBIOS intel_igd_setup', () => {
  const b = bootYaml(igdYaml('q35', '4G', '{ generation: skl }'), 'e820-reserved');

  it('copies the OpRegion into ZoneHigh, top-down and 4 KiB aligned, and writes ASLS', () => {
    expect(b.igd.guestAsls()).toBe(0x7fff_e000);
    expect(cpuBytes(b, 0x7fff_e000, skl.length)).toEqual(skl);
    expect(b.fw.log).toContain('PCI: init bdf=00:02.0 id=8086:1912\nIntel IGD OpRegion enabled at 0x7fffe000, size 8KB, dev 00:02.0\n');
  });

  it('puts the stolen memory 1 MiB aligned at the top of ZoneTmpHigh, e820 reserved, and writes it to 0x5C', () => {
    expect(b.machine.pci.root.slots[0x10]!.get32(0x5c)).toBe(0x7af0_0000);
    expect(e820At(b, 0x7af0_0000)).toEqual({ start: 0x7af0_0000, end: 0x7ef0_0000, type: 'reserved' });
    expect(b.fw.log).toContain('Intel IGD BDSM enabled at 0x7af00000, size 64MB, dev 00:02.0\n');
    // the OpRegion stays reserved in ZoneHigh with the ACPI tables; the rest of ZoneHigh returns to RAM
    expect(e820At(b, 0x7ffd_e000)).toEqual({ start: 0x7ffd_e000, end: 0x8000_0000, type: 'reserved' });
  });

  it('reserves what etc/igd-bdsm-size says: GTT + DSM with QEMU 9.x on pc (72 MiB)', () => {
    const old = bootYaml(igdYaml('pc', '4G', '{ generation: skl }', '{ x-igd-behaviour: legacy }'), 'e820-reserved');
    expect(old.fw.log).toContain('Intel IGD BDSM enabled at 0xba700000, size 72MB, dev 00:02.0\n');
    expect(e820At(old, 0xba70_0000)).toEqual({ start: 0xba70_0000, end: 0xbef0_0000, type: 'reserved' });
  });

  it('on gen 11+ still writes 0x5C, which the device ignores: 0xC0 stays 0', () => {
    const t = bootYaml(igdYaml('q35', '4G', '{ generation: tgl }'), 'e820-reserved');
    expect(t.fw.log).toContain('Intel IGD BDSM enabled at 0x7b300000, size 60MB, dev 00:02.0\n');
    expect([t.igd.configRead(0x5c, 4), t.igd.guestBdsm()]).toEqual([0, 0]);
    expect(t.report.igd.hazards.map((h) => h.id)).toEqual(['bdsm-0xc0-unset', 'gen11-stolen-reserved', 'lpc-ids-missing']);
  });

  it('warns like SeaBIOS when the stolen memory cannot be allocated', () => {
    const big = bootYaml(igdYaml('q35', '256M', '{ generation: bdw }', '{ x-igd-gms: 0x10 }'), 'e820-reserved');
    expect(big.fw.log).toContain('WARNING - Unable to allocate resource at intel_igd_setup:319!\n');
    expect(big.igd.guestBdsm()).toBe(0);
  });
});

describe('uefi-reserved: OVMF + VfioIgdPkg IgdAssignmentDxe', () => {
  // The real path: OVMF runs IgdAssignmentDxe from the IGD's romfile (vfio-sim's OVMF model, firmware/ovmf), on a
  // QEMU that publishes etc/igd-opregion by default and emulates the 64-bit BDSM at 0xC0 (10.1), with the OVMF Debian
  // ships with it (2025.02). On QEMU 7.2 (the <= 9.1 line) there is no etc/igd-opregion without x-igd-opregion=on
  // and 0xC0 is not emulated: IgdAssignmentDxe would return EFI_UNSUPPORTED.
  const ovmfYaml = (type: 'pc' | 'q35', host: string, props = ''): string =>
    `machine: { type: ${type}, memory: 4G, qemu: '10.1' }\nhost:\n  igd: ${host}\ndevices:\n  - model: vfio-igd\n    props: { romfile-drivers: IgdAssignmentDxe${props} }\n` +
    "firmware: { type: ovmf, version: '2025.02', igd-strategy: uefi-reserved }\n";

  it('puts the OpRegion in ACPI NVS pages and the stolen memory in reserved memory, 1 MiB aligned, below 4 GiB', () => {
    const b = bootYaml(ovmfYaml('q35', '{ generation: skl }'));
    expect(b.igd.guestAsls()).toBe(0x7e93_d000);
    expect(e820At(b, 0x7e93_d000)).toEqual({ start: 0x7e93_d000, end: 0x7e93_f000, type: 'nvs' });
    expect(cpuBytes(b, 0x7e93_d000, skl.length)).toEqual(skl);
    expect(b.igd.guestBdsm()).toBe(0x7a90_0000);
    expect(b.igd.guestBdsm() % MiB).toBe(0);
    expect(e820At(b, 0x7a90_0000)).toEqual({ start: 0x7a90_0000, end: 0x7e90_0000, type: 'reserved' });
    expect(b.fw.log).toContain('SetupOpRegion: 0000:00:02.0: OpRegion @ 0x7e93d000 size 0x2000 version 2.0.0\n');
  });

  it('writes a 64-bit BDSM at 0xC0 on gen 11+', () => {
    const b = bootYaml(ovmfYaml('pc', '{ generation: tgl }'));
    expect([b.igd.configRead(0xc0, 4), b.igd.configRead(0xc4, 4)]).toEqual([0xbad0_0000, 0]);
    expect(b.fw.log).toContain('SetupStolenMemory: 0000:00:02.0: stolen memory @ 0xbad00000, size 60 MB\n');
  });

  it("sizes the stolen memory from the device's GMCH, not from etc/igd-bdsm-size", () => {
    const b = bootYaml(ovmfYaml('pc', '{ generation: skl }', ', x-igd-behaviour: legacy'));
    expect(b.report.igd.fwcfg['etc/igd-bdsm-size']).toBe('0x4800000');
    const r = e820At(b, b.igd.guestBdsm())!;
    expect(r.end - r.start).toBe(64 * MiB);
  });

  it('does nothing without etc/igd-opregion (EFI_UNSUPPORTED)', () => {
    const b = bootYaml(ovmfYaml('q35', '{ generation: skl }', ', x-igd-opregion: off'));
    expect([b.igd.guestBdsm(), b.igd.guestAsls()]).toEqual([0, 0]);
  });
});

describe('identity: the host stolen range itself', () => {
  it('reserves the host range in the e820 QEMU hands the firmware and writes the host base to BDSM', () => {
    const b = bootYaml(igdYaml('pc', '4G', '{ generation: skl }'), 'identity');
    expect(b.igd.guestBdsm()).toBe(0x8b80_0000);
    expect(e820At(b, 0x8b80_0000)).toEqual({ start: 0x8b80_0000, end: 0x8f80_0000, type: 'reserved' });
    expect(b.machine.fwcfg.file('etc/igd-stolen-base')).toEqual(new Uint8Array([0, 0, 0x80, 0x8b, 0, 0, 0, 0]));
    expect(b.report.igd.hazards.map((h) => h.id)).toEqual(['identity-leaks-host-layout']);
  });

  it('writes 0xC0 on gen 11+', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: tgl }'), 'identity');
    expect([b.igd.configRead(0xc0, 4), b.igd.configRead(0xc4, 4)]).toEqual([0x4c80_0000, 0]);
    expect(e820At(b, 0x4c80_0000)).toEqual({ start: 0x4c80_0000, end: 0x5040_0000, type: 'reserved' });
  });

  it('is refused with the reason when the host range is not guest RAM (q35 keeps 2 GiB below 4 GiB)', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: skl }'), 'identity');
    expect(b.igd.guestBdsm()).toBe(0);
    expect(b.report.igd.hazards[0]).toEqual({
      id: 'identity-refused',
      message: 'identity refused: host stolen range [0x8b800000, 0x8f800000) is not guest RAM: guest RAM below 4 GiB ends at 0x80000000 (q35, 0x100000000 of memory)',
    });
    expect(b.machine.fwcfg.file('etc/igd-stolen-base')).toBeUndefined();
  });
});

describe('none: the baseline', () => {
  it('allocates nothing: BDSM and ASLS read 0 and the e820 map is the machine without an IGD', () => {
    const b = bootYaml(igdYaml('q35', '4G', '{ generation: skl }'), 'none');
    const plain = bootYaml('machine: { type: q35, memory: 4G }\ndevices: []\n');
    expect([b.igd.guestBdsm(), b.igd.guestAsls()]).toEqual([0, 0]);
    expect(b.fw.e820).toEqual(plain.fw.e820);
    expect(b.report.igd.hazards.map((h) => h.id)).toEqual(['no-stolen-memory', 'no-opregion', 'lpc-ids-missing']);
  });
});
