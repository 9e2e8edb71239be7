import { describe, expect, it } from 'vitest';
import { igdProps, type LegacyFacts } from '../../devices/igd/behaviour.js';
import { IgdFunction } from '../../devices/igd/device.js';
import { resolveHostIgd } from '../../devices/igd/host.js';
import type { HostIgdSpec } from '../../devices/igd/spec.js';

const PC: LegacyFacts = { machineType: 'pc', atIgdAddress: true, slot1f: undefined, qemu: '10.1' };
const Q35: LegacyFacts = { machineType: 'q35', atIgdAddress: true, slot1f: 'ICH9-LPC', qemu: '10.1' };

function igd(spec: HostIgdSpec, props: Record<string, string | number | boolean> = {}, facts: LegacyFacts = PC): IgdFunction {
  return new IgdFunction(resolveHostIgd(spec), igdProps(props), facts);
}
const skl = (props = {}, facts = PC) => igd({ generation: 9, generationName: 'skl' }, props, facts);
const tgl = (props = {}, facts = PC) => igd({ generation: 12, generationName: 'tgl' }, props, facts);

describe('vfio-igd config space as QEMU virtualizes it', () => {
  it('shows the host IGD: 8086:1912, VGA class, BAR0 16 MiB 64-bit, BAR2 256 MiB prefetchable, BAR4 64 I/O ports, a 64 KiB ROM', () => {
    const f = skl();
    expect([f.configRead(0, 2), f.configRead(2, 2), f.configRead(0x0a, 2)]).toEqual([0x8086, 0x1912, 0x0300]);
    expect(f.bars[0]).toEqual({ size: 16 * 2 ** 20, space: 'mem', is64: true, prefetch: false });
    expect(f.bars[2]).toEqual({ size: 256 * 2 ** 20, space: 'mem', is64: true, prefetch: true });
    expect(f.bars[4]).toEqual({ size: 0x40, space: 'io', is64: false, prefetch: false });
    expect(f.romSize).toBe(0x1_0000);
    expect(igd({ generation: 6, generationName: 'snb' }).bars[0]!.size).toBe(4 * 2 ** 20);
  });

  it('keeps GMCH read-only with the host GMS (x-igd-gms replaces it)', () => {
    const f = skl();
    expect(f.configRead(0x50, 2)).toBe(0x02c0);
    f.configWrite(0x50, 2, 0xffff);
    expect(f.configRead(0x50, 2)).toBe(0x02c0);
    expect(skl({ 'x-igd-gms': 0xf0 }).configRead(0x50, 2)).toBe(0xf0c0);
    expect(skl({ 'x-igd-gms': 0xf0 }).stolenSize()).toBe(4 * 2 ** 20);
  });

  it('makes BDSM (0x5C) a scratch register that reads 0 until written, all 32 bits writable', () => {
    const f = skl();
    expect(f.configRead(0x5c, 4)).toBe(0);
    expect(f.configRead(0x5e, 2)).toBe(0); // the vBIOS's word
    f.configWrite(0x5c, 4, 0x7af0_0001);
    expect(f.configRead(0x5c, 4)).toBe(0x7af0_0001);
    expect(f.guestBdsmBase()).toBe(0x7af0_0000);
    expect(f.configRead(0x5e, 2)).toBe(0x7af0);
  });

  it('moves BDSM to a 64-bit scratch register at 0xC0 on gen 11+, leaving 0x5C read-only 0', () => {
    const f = tgl();
    expect([f.configRead(0xc0, 4), f.configRead(0xc4, 4)]).toEqual([0, 0]);
    f.configWrite(0xc0, 4, 0x7b30_0000);
    f.configWrite(0xc4, 4, 0x1);
    expect(f.guestBdsm()).toBe(0x1_7b30_0000);
    f.configWrite(0x5c, 4, 0x7b30_0000);
    expect(f.configRead(0x5c, 4)).toBe(0);
  });

  it('makes ASLS (0xFC) a scratch register that reads 0 until written', () => {
    const f = skl();
    expect(f.configRead(0xfc, 4)).toBe(0);
    f.configWrite(0xfc, 4, 0x7fff_e000);
    expect(f.guestAsls()).toBe(0x7fff_e000);
  });

  it('passes BDSM through when QEMU 9.2 has no legacy mode (q35): the guest reads the host base, writes are lost', () => {
    const f = skl({ 'x-igd-behaviour': 'legacy' }, Q35);
    expect(f.features.legacyMode).toBe(false);
    expect(f.configRead(0x5c, 4)).toBe(0x8b80_0000);
    f.configWrite(0x5c, 4, 0x1000_0000);
    expect(f.configRead(0x5c, 4)).toBe(0x8b80_0000);
  });

  it('passes BGSM (0xF0) through on gen 11+: the host GTT base', () => {
    expect(tgl().configRead(0xf0, 4)).toBe(0x4c00_0000);
  });

  it('with the zero-GMS quirk reads byte 0x51 as 0: GMS on gen 8+, GGMS on gen 6/7', () => {
    const f = skl();
    f.zeroGmsQuirk = true;
    expect([f.configRead(0x50, 4) & 0xffff, f.configRead(0x51, 1), f.configRead(0x50, 1)]).toEqual([0x00c0, 0, 0xc0]);
    expect([f.stolenSize(), f.gttSize()]).toEqual([0, 8 * 2 ** 20]);
    const s = igd({ generation: 6, generationName: 'snb' });
    s.zeroGmsQuirk = true;
    expect(s.configRead(0x50, 2)).toBe(0x0010);
    expect([s.stolenSize(), s.gttSize()]).toEqual([64 * 2 ** 20, 0]);
  });
});

describe('BAR0 mirrors (docs/igd.md §1.3)', () => {
  it('QEMU 10.1 mirrors BDSM at 0x1080C0 (4 bytes before gen 11) in both directions', () => {
    const f = skl();
    f.configWrite(0x5c, 4, 0x7af0_0000);
    expect(f.barRead(0, 0x10_80c0, 4)).toBe(0x7af0_0000);
    f.barWrite(0, 0x10_80c0, 4, 0x6000_0000);
    expect(f.configRead(0x5c, 4)).toBe(0x6000_0000);
  });

  it('QEMU 10.1 mirrors the 64-bit BDSM on gen 11+', () => {
    const f = tgl();
    f.configWrite(0xc0, 4, 0x7b30_0000);
    expect([f.barRead(0, 0x10_80c0, 4), f.barRead(0, 0x10_80c4, 4)]).toEqual([0x7b30_0000, 0]);
  });

  it('QEMU 9.2 mirrors BDSM only from gen 11: on SKL the mirror shows the host base', () => {
    const f = skl({ 'x-igd-behaviour': 'legacy' });
    f.configWrite(0x5c, 4, 0x7af0_0000);
    expect(f.barRead(0, 0x10_80c0, 4)).toBe(0x8b80_0000);
  });

  it('shows GGC at 0x108040, BGSM at 0x108100 and STOLEN_RESERVED at 0x1082C0 as the host set them', () => {
    const f = tgl();
    expect(f.barRead(0, 0x10_8040, 2)).toBe(0xfec0);
    expect([f.barRead(0, 0x10_8100, 4), f.barRead(0, 0x10_8104, 4)]).toEqual([0x4c00_0000, 0]);
    expect(f.barRead(0, 0x10_82c0, 4)).toBe(0x5020_0087);
    f.barWrite(0, 0x10_82c0, 4, 0);
    expect(f.barRead(0, 0x10_82c0, 4)).toBe(0x5020_0087);
  });

  it('mirrors GGC from the emulated config only with x-igd-gms (QEMU 10.1)', () => {
    expect(skl({ 'x-igd-gms': 1 }).barRead(0, 0x10_8040, 2)).toBe(0x01c0);
    expect(skl().barRead(0, 0x10_8040, 2)).toBe(0x02c0);
  });
});

describe('GTT and the BAR4 index/data window (docs/igd.md §4)', () => {
  it('writes gen 9 PTEs through BAR4: index 1 + 8k selects entry k low dword, +4 its high dword', () => {
    const f = skl();
    f.barWrite(4, 0, 4, 1);
    f.barWrite(4, 4, 4, 0x7af0_0001);
    f.barWrite(4, 0, 4, 5);
    f.barWrite(4, 4, 4, 0x1);
    f.barWrite(4, 0, 4, 9);
    f.barWrite(4, 4, 4, 0x7af0_1001);
    expect([f.gtt.entry(0), f.gtt.pageAddress(0), f.gtt.pageAddress(1)]).toEqual([0x1_7af0_0001, 0x1_7af0_0000, 0x7af0_1000]);
    expect(f.barRead(0, 0x80_0000, 4)).toBe(0x7af0_0001); // the same entry through BAR0's second half
    f.barWrite(4, 0, 4, 1);
    expect(f.barRead(4, 4, 4)).toBe(0x7af0_0001);
  });

  it('writes gen 6 PTEs of 4 bytes (index 1 + 4k) and reaches MMIO registers with bit 0 clear', () => {
    const f = igd({ generation: 6, generationName: 'snb' });
    f.barWrite(4, 0, 4, 5);
    f.barWrite(4, 4, 4, 0x7ae0_1001);
    expect([f.gtt.entries, f.gtt.pageAddress(1), f.barRead(0, 0x20_0004, 4)]).toEqual([0x8_0000, 0x7ae0_1000, 0x7ae0_1001]);
    f.barWrite(4, 0, 4, 0x7_0180);
    f.barWrite(4, 4, 4, 0x1234);
    expect(f.barRead(0, 0x7_0180, 4)).toBe(0x1234);
  });

  it('costs nothing until written and ignores entries past the GTT', () => {
    const f = skl();
    expect(f.gtt.entries).toBe(0x10_0000);
    expect(f.gtt.writes).toBe(0);
    f.barWrite(0, 0x80_0000 + 8 * 2 ** 20, 4, 1); // past an 8 MiB GTT: BAR0 ends there anyway
    expect(f.gtt.writes).toBe(0);
  });
});
