import { describe, expect, it } from 'vitest';
import { igdFwCfgFiles, FWCFG_BDSM_SIZE, FWCFG_OPREGION } from '../../devices/igd/fwcfg.js';
import { resolveHostIgd } from '../../devices/igd/host.js';
import { buildOpRegion, EXTENDED_VBT_SIZE, OPREGION_SIZE } from '../../devices/igd/opregion.js';
import type { HostIgdSpec } from '../../devices/igd/spec.js';

const MiB = 0x10_0000;
const Q35 = { machineType: 'q35', atIgdAddress: true, slot1f: 'ICH9-LPC', qemu: '10.1' } as const;
const pc = (qemu: string) => ({ machineType: 'pc', atIgdAddress: true, slot1f: undefined, qemu }) as const;
const PC = pc('10.1');
const bytes = (f: Map<string, Uint8Array>): number[] => [...f.get(FWCFG_BDSM_SIZE)!];
const u64 = (f: Map<string, Uint8Array>): number => Number(new DataView(f.get(FWCFG_BDSM_SIZE)!.buffer).getBigUint64(0, true));

describe('etc/igd-bdsm-size (docs/igd.md §11.5)', () => {
  it('QEMU 9.2: SNB with GGMS 2 and GMS 0 publishes the GTT only, 00 00 20 00 00 00 00 00', () => {
    const f = igdFwCfgFiles({ generation: 6, gms: 0, ggms: 2 }, {}, pc('9.2'));
    expect(bytes(f)).toEqual([0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00]);
  });

  it('QEMU ≤ 9.1: BDW with GGMS 3 and x-igd-gms 2 publishes 8 + 64 MiB = 0x4800000', () => {
    expect(u64(igdFwCfgFiles({ generation: 8, ggms: 3 }, { 'x-igd-gms': 2 }, pc('9.1')))).toBe(0x480_0000);
  });

  it('QEMU 9.2: GSM plus the host DSM (igd_get_stolen_mb; x-igd-gms no longer read)', () => {
    expect(u64(igdFwCfgFiles({ generation: 9, generationName: 'skl' }, {}, pc('9.2')))).toBe(72 * MiB);
    expect(u64(igdFwCfgFiles({ generation: 9, generationName: 'skl' }, { 'x-igd-gms': 1 }, pc('9.2')))).toBe(72 * MiB);
  });

  it('QEMU 9.2: nothing unless legacy mode comes up (q35: 1f.0 holds the ICH9 LPC)', () => {
    expect(igdFwCfgFiles({ generation: 9 }, {}, { ...Q35, qemu: '9.2' }).has(FWCFG_BDSM_SIZE)).toBe(false);
  });

  it('QEMU 10.1: the DSM only — SKL GMS 0x02 gives 0x4000000, GMS 0xFE gives 0x3C00000', () => {
    expect(u64(igdFwCfgFiles({ generation: 9, gms: 0x02, ggms: 3 }, {}, PC))).toBe(0x400_0000);
    for (const gen of [9, 11, 12]) expect(u64(igdFwCfgFiles({ generation: gen, gms: 0xfe }, {}, PC))).toBe(0x3c0_0000);
  });

  it('QEMU 10.1: published on q35 too, and 0 for a device ID it has no generation for (MTL)', () => {
    expect(u64(igdFwCfgFiles({ generation: 9 }, {}, Q35))).toBe(0x400_0000);
    expect(u64(igdFwCfgFiles({ generation: 12, deviceId: 0x7d55 }, {}, PC))).toBe(0);
  });

  it('QEMU 10.1: x-igd-gms replaces GMS within its range (BDW up to 0x40); out of range QEMU refuses to start', () => {
    expect(u64(igdFwCfgFiles({ generation: 8 }, { 'x-igd-gms': 0x20 }, PC))).toBe(1024 * MiB);
    expect(igdFwCfgFiles({ generation: 8 }, { 'x-igd-gms': 0x41 }, PC).has(FWCFG_BDSM_SIZE)).toBe(false);
  });
});

describe('etc/igd-opregion', () => {
  const spec = (version: '2.0' | '2.1'): HostIgdSpec => ({ generation: 9, generationName: 'skl', opregion: { version } });
  const text = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n));

  it('is an 8 KiB "IntelGraphicsMem" block, SIZE 8 (KiB), version 2.0, VBT in mailbox 4', () => {
    const op = igdFwCfgFiles(spec('2.0'), {}, PC).get(FWCFG_OPREGION)!;
    const dv = new DataView(op.buffer);
    expect(op.length).toBe(OPREGION_SIZE);
    expect(text(op, 0, 16)).toBe('IntelGraphicsMem');
    expect(dv.getUint32(0x10, true)).toBe(8);
    expect(dv.getUint16(0x16, true)).toBe(0x0200);
    expect(dv.getBigUint64(0x3ba, true)).toBe(0n);
    expect(dv.getUint32(0x3c2, true)).toBe(0);
    expect(text(op, 0x400, 4)).toBe('$VBT');
    expect(text(op, 0x430, 16)).toBe('BIOS_DATA_BLOCK ');
    const vbtSize = dv.getUint16(0x418, true);
    expect(op.subarray(0x400, 0x400 + vbtSize).reduce((s, b) => (s + b) & 0xff, 0)).toBe(0);
  });

  it('2.1 appends the extended VBT: version 0x0201, RVDA 0x2000 (relative), RVDS its size', () => {
    const op = buildOpRegion(resolveHostIgd(spec('2.1')));
    const dv = new DataView(op.buffer);
    expect(op.length).toBe(OPREGION_SIZE + EXTENDED_VBT_SIZE);
    expect(dv.getUint16(0x16, true)).toBe(0x0201);
    expect(dv.getBigUint64(0x3ba, true)).toBe(0x2000n);
    expect(dv.getUint32(0x3c2, true)).toBe(EXTENDED_VBT_SIZE);
    expect(text(op, 0x2000, 4)).toBe('$VBT');
  });

  it("a 2.0 host with an extended VBT (absolute RVDA) reaches the guest as the kernel's contiguous 2.1 layout: 0x4200 bytes", () => {
    const op = buildOpRegion(resolveHostIgd({ generation: 12, generationName: 'adl-n', opregion: { version: '2.0', vbtSize: 0x2200 } }));
    const dv = new DataView(op.buffer);
    expect([op.length, dv.getUint16(0x16, true), dv.getBigUint64(0x3ba, true), dv.getUint32(0x3c2, true)]).toEqual([0x4200, 0x0201, 0x2000n, 0x2200]);
    expect(text(op, 0x2000, 4)).toBe('$VBT');
    expect(buildOpRegion(resolveHostIgd({ generation: 12, generationName: 'adl-n' })).length).toBe(0x2000);
  });

  it('is published when the OpRegion feature is on (QEMU 10.1 default) and not with x-igd-opregion off outside legacy mode', () => {
    expect(igdFwCfgFiles({ generation: 9 }, {}, Q35).has(FWCFG_OPREGION)).toBe(true);
    expect(igdFwCfgFiles({ generation: 9 }, { 'x-igd-opregion': false }, Q35).has(FWCFG_OPREGION)).toBe(false);
    expect(igdFwCfgFiles({ generation: 9 }, { 'x-igd-opregion': false }, PC).has(FWCFG_OPREGION)).toBe(true); // pc: legacy mode turns it on
    expect(igdFwCfgFiles({ generation: 9 }, {}, { ...Q35, qemu: '10.0' }).has(FWCFG_OPREGION)).toBe(false); // 10.0: default off
  });
});
