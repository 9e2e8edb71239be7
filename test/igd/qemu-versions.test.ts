import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { igdFeatures, igdProps, type IgdFeatures, type LegacyFacts } from '../../devices/igd/behaviour.js';
import { resolveHostIgd } from '../../devices/igd/host.js';
import { igdQemuLine } from '../../devices/igd/qemu-lines.js';
import type { HostIgdSpec } from '../../devices/igd/spec.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { runCli } from '../cli/run-cli.js';
import { igdYaml, specOf } from './helpers.js';

const MiB = 0x10_0000;
const pc = (qemu: string): LegacyFacts => ({ machineType: 'pc', atIgdAddress: true, slot1f: undefined, qemu });
const q35 = (qemu: string): LegacyFacts => ({ machineType: 'q35', atIgdAddress: true, slot1f: 'ICH9-LPC', qemu });
const feat = (host: HostIgdSpec, props: Record<string, string | number | boolean>, facts: LegacyFacts): IgdFeatures =>
  igdFeatures(resolveHostIgd(host), igdProps(props), facts);
const RPL = { generation: 12, generationName: 'rpl' } as const; // 8086:a780
const SKL = { generation: 9, generationName: 'skl' } as const; // GMS 0x02, GGMS 3
const MTL = { generation: 12, generationName: 'mtl' } as const; // 8086:7d55
const ADLN = { generation: 12, generationName: 'adl-n' } as const; // 8086:46d1 (N100)
const texts = (f: IgdFeatures): string[] => f.messages.map((m) => m.text);

describe('the IGD behaviour follows the QEMU version', () => {
  it('maps every QEMU version to its line: 7.2 and 9.1 → ≤ 9.1, 9.2, 10.0, 10.1 (and later) → 10.1+', () => {
    expect(['7.2', '9.0', '9.1', '9.2', '10.0', '10.1', '11.1'].map((v) => igdQemuLine(v).label)).toEqual(['≤ 9.1', '≤ 9.1', '≤ 9.1', '9.2', '10.0', '10.1+', '10.1+']);
  });

  it('says which recorded placement a stand-in version uses (9.x → 7.2, 10.1 → 10.0) and its IGD line', () => {
    const r = bootSpec(specOf(igdYaml('pc', '4G', '{ generation: skl }', '', '', '10.1'))).report;
    expect(r.profile).toMatchObject({ qemu: '10.1', placement: '10.0' });
    expect(r.igd?.qemuLine).toBe('10.1+');
    const old = bootSpec(specOf(igdYaml('pc', '4G', '{ generation: skl }', '', '', '9.2'))).report;
    expect(old.profile).toMatchObject({ qemu: '9.2', placement: '7.2', firmware: { type: 'seabios', version: '1.16.2' } });
    expect(bootSpec(specOf(igdYaml('pc', '4G', '{ generation: skl }', '', '', '10.0'))).report.profile).not.toHaveProperty('placement');
  });
});

describe('QEMU ≤ 9.1 (vfio_probe_igd_bar4_quirk, 2016 design)', () => {
  it('takes unknown IDs as gen 8 ("Assume newer is compatible"): Raptor Lake gets legacy mode', () => {
    const f = feat(RPL, {}, pc('9.1'));
    expect([f.qgen, f.legacyMode, f.bar4Quirk, f.lpc, f.opregion]).toEqual([8, true, true, true, true]);
  });

  it('clears GMS in the emulated GMCH unless x-igd-gms (1..0x10): bdsm-size = GSM only (8 MiB), or GSM + x-igd-gms × 32 MiB', () => {
    const f = feat(SKL, {}, pc('9.1'));
    expect([f.guestGmch, f.gmchEmulated, f.bdsmSize]).toEqual([0x00c0, true, 8 * MiB]);
    const g = feat(SKL, { 'x-igd-gms': 2 }, pc('9.1'));
    expect([g.guestGmch, g.bdsmSize]).toEqual([0x02c0, 72 * MiB]);
  });

  it('counts GGMS 0 as 1 MiB (`if (gen > 6) ggms_mb = 1 << ggms_mb`)', () => {
    expect(feat({ generation: 8, ggms: 0 }, {}, pc('9.1')).bdsmSize).toBe(1 * MiB);
  });

  it('emulates BDSM at 0x5C only, even on a gen 12 device (the driver reads 0xC0: the host value)', () => {
    expect(feat(RPL, {}, pc('9.1')).bdsmEmulatedAt).toBe(0x5c);
  });

  it('has no x-igd-lpc / x-igd-legacy-mode: QEMU refuses the unknown property', () => {
    expect(feat(SKL, { 'x-igd-legacy-mode': 'off' }, pc('9.1')).refused).toBe("Property 'vfio-pci.x-igd-legacy-mode' not found");
  });
});

describe('QEMU 9.2 (Corvin Köhne series: 7bafcd176729, 11b5ce95beec, 971ca22f041b)', () => {
  it('breaks Raptor Lake legacy mode on upgrade: unknown ID → -1 → "unsupported in legacy mode", no bdsm-size', () => {
    const f = feat(RPL, {}, pc('9.2'));
    expect([f.qgen, f.legacyMode, f.bdsmSize, f.bar4Quirk]).toEqual([-1, false, null, false]);
    expect(texts(f)).toEqual(['IGD device 0000:00:02.0 is unsupported in legacy mode, try SandyBridge or newer']);
  });

  it('keeps the host GMS: bdsm-size = GSM + host DSM (SKL: 8 + 64 MiB); x-igd-gms is accepted but no longer read', () => {
    expect(feat(SKL, {}, pc('9.2')).bdsmSize).toBe(72 * MiB);
    expect(feat(SKL, { 'x-igd-gms': 1 }, pc('9.2'))).toMatchObject({ bdsmSize: 72 * MiB, guestGmch: 0x02c0, refused: null });
  });

  it('igd_get_stolen_mb: GMS above 0x10 below gen 9 is "Unsupported IGD GMS value" and counts 0', () => {
    const f = feat({ generation: 8, gms: 0x20, ggms: 3 }, {}, pc('9.2'));
    expect(texts(f)).toEqual(['Unsupported IGD GMS value 0x20']);
    expect([f.bdsmSize, f.guestGmch & 0xff00]).toEqual([8 * MiB, 0x2000]);
  });

  it('gen 11+: BDSM at 0xC0 (64-bit), mirrored at BAR0+0x1080C0 whenever the IGD is at 00:02.0, legacy or not', () => {
    const f = feat({ generation: 12, generationName: 'tgl' }, {}, q35('9.2'));
    expect([f.legacyMode, f.bdsmEmulatedAt, f.bdsmMirror, f.ggcMirror]).toEqual([false, null, true, false]);
    expect(feat({ generation: 12, generationName: 'tgl' }, {}, pc('9.2')).bdsmEmulatedAt).toBe(0xc0);
  });
});

describe('QEMU 10.0 (Tomita Moeko rework: 5aed8b0f0be2, 5faec6a5e220)', () => {
  it('no BAR4 quirk; bdsm-size is the DSM only; GMCH emulated; GGC and BDSM mirrors always (gen ≥ 6)', () => {
    const f = feat(SKL, {}, pc('10.0'));
    expect([f.legacyMode, f.bar4Quirk, f.bdsmSize, f.gmchEmulated, f.ggcMirror, f.bdsmMirror]).toEqual([true, false, 64 * MiB, true, true, true]);
  });

  it('Meteor Lake is unknown: "unsupported in legacy mode" and no IGD setup at all (no OpRegion, no bdsm-size)', () => {
    const f = feat(MTL, { 'x-igd-opregion': true }, pc('10.0'));
    expect([f.qgen, f.opregion, f.bdsmSize, f.emulateAsls]).toEqual([-1, false, null, false]);
    expect(f.skipped).toBe('QEMU 10.0 knows no generation for 7d55');
  });

  it('x-igd-lpc=on outside legacy mode (an N100 on i440fx): the LPC bridge and host-bridge IDs without legacy mode; 9.2 has no such option', () => {
    expect(feat(ADLN, { 'x-igd-lpc': true }, pc('10.0'))).toMatchObject({ legacyMode: false, lpc: true, refused: null });
    expect(feat(ADLN, { 'x-igd-lpc': true }, pc('9.2')).refused).toBe("Property 'vfio-pci.x-igd-lpc' not found");
    const r = bootSpec(specOf(igdYaml('pc', '4G', '{ generation: adl-n }', '{ x-igd-lpc: on }', '', '10.0'))).report;
    expect(r.pci.devices.find((d) => d.bdf === '00:1f.0')).toMatchObject({ model: 'vfio-pci-igd-lpc-bridge', device: '0x5481' });
  });

  it('x-igd-opregion defaults off: an N100 outside legacy mode gets no OpRegion file and no ASLS emulation', () => {
    const f = feat(ADLN, {}, q35('10.0'));
    expect([f.qgen, f.opregion, f.emulateAsls, f.bdsmSize, f.bdsmEmulatedAt]).toEqual([12, false, false, 60 * MiB, 0xc0]);
  });

  it('x-igd-gms above 0x40 (even 0xF0..0xFE on gen 9+) is reported and ignored: the host GMS stays', () => {
    const f = feat(SKL, { 'x-igd-gms': 0xf0 }, q35('10.0'));
    expect(texts(f)).toEqual(["Parameter 'x-igd-gms' expects 0~0x40"]);
    expect([f.guestGmch, f.refused]).toEqual([0x02c0, null]);
  });

  it('a display-class (0x0380) iGPU is not VGA: no IGD setup', () => {
    expect(feat({ ...ADLN, classCode: 0x0380 }, {}, q35('10.0')).skipped).toBe('class 0380 is not VGA (0300): QEMU 10.0 does no IGD setup');
  });
});

describe('QEMU 10.1 (vfio_pci_igd_opregion_detect, x-pci-class-code, GGC.IVD)', () => {
  it('Meteor Lake: OpRegion detected, OpRegion only, etc/igd-bdsm-size 0, no BDSM emulation', () => {
    const f = feat(MTL, {}, q35('10.1'));
    expect(texts(f)).toEqual(['OpRegion detected on Intel display 7d55.']);
    expect([f.opregion, f.emulateAsls, f.bdsmSize, f.bdsmEmulatedAt, f.legacyMode]).toEqual([true, true, 0, null, false]);
  });

  it('GMS 0xF0..0xFE accepted from gen 9; the GGC mirror only with x-igd-gms', () => {
    const f = feat(SKL, { 'x-igd-gms': 0xf0 }, q35('10.1'));
    expect([f.guestGmch, f.bdsmSize, f.ggcMirror, f.gmchEmulated]).toEqual([0xf0c0, 4 * MiB, true, true]);
    expect(feat(SKL, {}, q35('10.1'))).toMatchObject({ ggcMirror: false, gmchEmulated: false, bdsmMirror: true });
  });

  it('a 0x0380 iGPU gets the OpRegion but no legacy mode; x-pci-class-code=0x030000 makes it VGA (and older QEMUs refuse the option)', () => {
    const host = { generation: 9, generationName: 'skl', classCode: 0x0380 } as const;
    expect(feat(host, {}, pc('10.1'))).toMatchObject({ legacyMode: false, opregion: true, classCode: 0x0380 });
    expect(feat(host, { 'x-pci-class-code': 0x030000 }, pc('10.1'))).toMatchObject({ legacyMode: true, classCode: 0x0300 });
    expect(feat(host, { 'x-pci-class-code': 0x030000 }, pc('10.0')).refused).toBe("Property 'vfio-pci.x-pci-class-code' not found");
  });

  it('legacy mode needs GGC.IVD clear (VGA decode)', () => {
    expect(feat({ ...SKL, gmch: 0x02c2 }, {}, pc('10.1')).legacyMode).toBe(false);
    expect(feat({ ...SKL, gmch: 0x02c2 }, {}, pc('10.0')).legacyMode).toBe(true);
  });

  it('a host without an OpRegion (ASLS 0) or an SR-IOV VF: every IGD quirk skipped, the VM boots', () => {
    expect(feat({ ...SKL, asls: 0 }, {}, pc('10.1'))).toMatchObject({ skipped: 'the host kernel exposes no OpRegion (host ASLS 0): QEMU skips every IGD quirk', opregion: false, bdsmSize: null, legacyMode: false });
    expect(feat({ ...ADLN, sriovVf: true }, {}, q35('10.1')).skipped).toBe('an SR-IOV VF has no OpRegion: QEMU skips every IGD quirk');
    // The same host asked for x-igd-opregion on QEMU 10.0 / 9.2: realize fails.
    expect(feat({ ...SKL, asls: 0 }, { 'x-igd-opregion': true }, q35('10.0')).refused).toBe('vfio 0000:00:02.0: Device does not supports IGD OpRegion feature: No such device');
    expect(feat({ ...SKL, asls: 0 }, { 'x-igd-opregion': true }, q35('9.2')).refused).toBe('vfio 0000:00:02.0: does not support requested IGD OpRegion feature: No such device');
  });
});

describe("QEMU's error paths end the boot", () => {
  it('boot says "QEMU refuses to start: …" as the panic, publishes no IGD files and exits 1', async () => {
    const yaml = igdYaml('q35', '4G', '{ generation: skl }', '{ x-igd-legacy-mode: on }');
    const r = bootSpec(specOf(yaml)).report;
    const msg = "QEMU refuses to start: vfio 0000:00:02.0: Machine is not i440fx, assigned BDF is not 00:02.0, or device 1912 (gen 9) doesn't support legacy mode";
    expect(r.panic).toBe(msg);
    expect(r.igd?.fwcfg['etc/igd-bdsm-size']).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), 'igd-refuse-'));
    writeFileSync(join(dir, 'm.yaml'), yaml);
    const run = await runCli('boot', join(dir, 'm.yaml'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`  ${msg}\n`);
    expect(run.stdout).not.toContain('FIRMWARE PANIC');
  });
});
