import { describe, expect, it } from 'vitest';
import { IGD_FATAL_MESSAGE, quirkGttMax } from '../../vmm/passthrough/traps/index.js';
import { bootStandIn, type StandInIgd } from './igd-standin.js';
import type { Machine } from '../../vmm/core/machine/machine.js';

const HOST = 0xcf800000; // docs/igd.md §11.4
const GUEST = 0x7e000000;
const GEN8_GMCH_8M = 3 << 6; // GGMS 3 → 8 MiB GSM
const GEN6_GMCH_2M = 2 << 8; // GGMS 2 → 2 MiB GSM

function setBdsm(m: Machine, v: number): void {
  m.cpu.outl(0xcf8, 0x8000_105c);
  m.cpu.outl(0xcfc, v);
}

/** index/data through the guest's port IO; returns what reached the device's GTT slot. */
function gttWrite(m: Machine, igd: StandInIgd, index: number, data: number): number {
  const io = igd.barAddress(4);
  m.cpu.outl(io, index);
  m.cpu.outl(io + 4, data);
  return igd.gtt[(index >>> 2) % igd.gtt.length]!;
}

describe('QEMU <= 9.x IGD BAR4 quirk', () => {
  it('computes gtt_max per generation from the guest-visible GGMS (docs/igd.md §11.2)', () => {
    expect(quirkGttMax(6, 2 << 8)).toBe(0x800);
    expect(quirkGttMax(6, 1 << 8)).toBe(0x400);
    expect(quirkGttMax(8, 3 << 6)).toBe(0x4000);
    expect(quirkGttMax(8, 1 << 6)).toBe(0x1000);
    expect(quirkGttMax(7, 2 << 8)).toBe(0x800); // HSW was QEMU's gen 6: linear
    expect(quirkGttMax(9, 0)).toBe(0x800); // 9.x gave GGMS 0 one MiB (fixed in 10.0)
  });

  it('relocates host stolen addresses to the guest BDSM (docs/igd.md §11.4)', () => {
    const { m, igd, t } = bootStandIn(8, HOST, GEN8_GMCH_8M, { trace: true });
    setBdsm(m, GUEST);
    expect(gttWrite(m, igd, 1, 0xcf800001)).toBe(0x7e000001);
    expect(t.engine.hits).toBe(1);
    expect(t.engine.rewrites).toBe(1);
    expect(t.engine.trace!.record(0, t.engine.ruleNames)).toMatchObject({ bdf: '00:02.0', region: 'BAR4', offset: '0x4', access: 'write', before: '0xcf800001', after: '0x7e000001', rule: 'igd-bar4-quirk' });
  });

  it('classifies gen 8 indices: low dwords relocated, high dwords forced to 0, others and >= gtt_max passed through (docs/igd.md §11.3)', () => {
    const { m, igd } = bootStandIn(8, HOST, GEN8_GMCH_8M);
    setBdsm(m, GUEST);
    for (const i of [1, 9, 0x11]) expect(gttWrite(m, igd, i, HOST + 0x1001), `index ${i}`).toBe(GUEST + 0x1001);
    for (const i of [5, 0xd]) expect(gttWrite(m, igd, i, 0x12345678), `index ${i}`).toBe(0);
    expect(gttWrite(m, igd, 0x4001, HOST + 1)).toBe(HOST + 1); // gtt_max = 0x4000
    const io = igd.barAddress(4);
    for (const i of [0, 2, 4]) {
      m.cpu.outl(io, i);
      m.cpu.outl(io + 4, HOST + 1);
    }
    expect(igd.gtt[0]).toBe(GUEST + 0x1001); // index 1's PTE untouched by the non-GTT writes
  });

  it('relocates every index = 1 mod 4 below gtt_max before gen 8', () => {
    const { m, igd } = bootStandIn(6, HOST, GEN6_GMCH_2M);
    setBdsm(m, GUEST);
    expect(gttWrite(m, igd, 5, HOST + 0x1001)).toBe(GUEST + 0x1001);
    expect(gttWrite(m, igd, 0x7fd, HOST + 0x1ff001)).toBe(GUEST + 0x1ff001);
    expect(gttWrite(m, igd, 0x801, HOST + 1)).toBe(HOST + 1);
  });

  it("with relocation 'host-range' (a what-if) moves only values inside the host stolen range; a guest address is double-relocated only where the ranges overlap", () => {
    const { m, igd } = bootStandIn(9, 0x8b800000, GEN8_GMCH_8M, { quirkRelocation: 'host-range' }); // host DSM [0x8b800000, +64 MiB)
    setBdsm(m, GUEST);
    expect(gttWrite(m, igd, 1, GUEST + 1)).toBe(GUEST + 1);
    setBdsm(m, 0x8a000000); // guest range overlaps the host's from 0x8b800000 on
    expect(gttWrite(m, igd, 9, 0x8a000001)).toBe(0x8a000001);
    expect(gttWrite(m, igd, 0x11, 0x8b800001)).toBe(0x8a000001); // relocated again: now the wrong page
  });

  it("by default applies QEMU's formula to every classified value (vfio_igd_quirk_data_write: data - host BDSM + guest BDSM)", () => {
    const { m, igd } = bootStandIn(9, 0x8b800000, GEN8_GMCH_8M);
    setBdsm(m, GUEST);
    expect(gttWrite(m, igd, 1, GUEST + 1)).toBe((GUEST + 1 - 0x8b800000 + GUEST) >>> 0);
    expect(gttWrite(m, igd, 9, 0x8b800001)).toBe(GUEST + 1);
  });

  it('forgets the index after any read and after a data write', () => {
    const { m, igd } = bootStandIn(8, HOST, GEN8_GMCH_8M);
    setBdsm(m, GUEST);
    const io = igd.barAddress(4);
    m.cpu.outl(io, 1);
    m.cpu.inl(io);
    m.cpu.outl(io + 4, HOST + 1);
    expect(igd.gtt[0]).toBe(HOST + 1); // not relocated: the read reset the quirk's index
    m.cpu.outl(io, 9);
    m.cpu.outl(io + 4, HOST + 1);
    m.cpu.outl(io + 4, HOST + 1); // second data write: index is all ones now
    expect(igd.gtt[2]).toBe(HOST + 1);
  });

  it('uses the 64-bit BDSM at 0xC0 on gen 11+', () => {
    const { m, igd } = bootStandIn(12, 0x4c800000, GEN8_GMCH_8M);
    m.cpu.outl(0xcf8, 0x8000_10c0);
    m.cpu.outl(0xcfc, 0x7c000000);
    expect(gttWrite(m, igd, 1, 0x4c800001)).toBe(0x7c000001);
  });

  it("records QEMU's fatal error when the guest BDSM is still 0, drops that write and everything after it", () => {
    const { m, igd, t } = bootStandIn(8, HOST, GEN8_GMCH_8M);
    expect(() => gttWrite(m, igd, 1, HOST + 1)).not.toThrow();
    expect(igd.gtt[0]).toBe(0);
    expect(t.engine.fatal).toBe(IGD_FATAL_MESSAGE);
    expect(m.events).toEqual([{ source: '00:02.0', kind: 'fatal', message: IGD_FATAL_MESSAGE }]);
    setBdsm(m, GUEST);
    gttWrite(m, igd, 9, HOST + 1);
    expect(igd.gtt[2]).toBe(0);
    expect(t.engine.drops).toBe(1);
  });

  it('clears the GTT low dwords below gtt_max at install, as QEMU realize did', () => {
    const { igd } = bootStandIn(6, HOST, GEN6_GMCH_2M);
    expect(igd.index).not.toBe(0); // the clear went through the device's own index register
    // The stand-in starts zeroed; what matters is that the clear ended at the last index below gtt_max.
    expect(igd.index).toBe(0x7fd);
  });

  it('is absent with quirks off (QEMU 10.0): values reach the GTT unchanged and nothing is counted', () => {
    const { m, igd, t } = bootStandIn(8, HOST, GEN8_GMCH_8M, { quirks: false });
    setBdsm(m, GUEST);
    expect(gttWrite(m, igd, 1, HOST + 1)).toBe(HOST + 1);
    expect(gttWrite(m, igd, 5, 7)).toBe(7);
    expect(t.engine.hits).toBe(0);
    expect(t.igdQuirk).toBeUndefined();
  });
});

const GEN8_GMCH_2M = 1 << 6; // GGMS 1: gtt_max 0x1000

/** A guest config write to 00:02.0 through CF8/CFC. */
function configWrite(m: Machine, off: number, v: number): void {
  m.cpu.outl(0xcf8, 0x8000_1000 | off);
  m.cpu.outl(0xcfc, v);
}

/** The quirk keeps the guest BDSM and gtt_max on itself, keyed by the registers' raw dwords (docs/performance.md §8.4). */
describe('IGD BAR4 quirk: cached guest BDSM and gtt_max', () => {
  it('a guest BDSM write between GTT writes moves the next relocated write to the new base', () => {
    const { m, igd } = bootStandIn(8, HOST, GEN8_GMCH_8M);
    configWrite(m, 0x5c, 0x7e000000);
    expect(gttWrite(m, igd, 1, HOST + 0x3001)).toBe(0x7e003001);
    expect(gttWrite(m, igd, 9, HOST + 0x4001)).toBe(0x7e004001);
    configWrite(m, 0x5c, 0x5a000000);
    expect(gttWrite(m, igd, 0x11, HOST + 0x5001)).toBe(0x5a005001);
  });

  it('sees a BDSM changed without a config cycle (device-internal or VMM write to the register bytes)', () => {
    const { m, igd } = bootStandIn(8, HOST, GEN8_GMCH_8M);
    configWrite(m, 0x5c, 0x7e000000);
    expect(gttWrite(m, igd, 1, HOST + 1)).toBe(0x7e000001);
    igd.set32(0x5c, 0x6c000000);
    expect(gttWrite(m, igd, 9, HOST + 1)).toBe(0x6c000001);
    igd.set32(0x5c, 0);
    gttWrite(m, igd, 0x11, HOST + 1);
    expect(m.events).toEqual([{ source: '00:02.0', kind: 'fatal', message: IGD_FATAL_MESSAGE }]);
  });

  it('on gen 11+ keys the 64-bit BDSM by both dwords: a high dword alone keeps the VM alive, clearing it is fatal', () => {
    const { m, igd, t } = bootStandIn(12, 0x4c800000, GEN8_GMCH_8M);
    configWrite(m, 0xc4, 1); // BDSM = 4 GiB: not 0, and relocation is modulo 2^32
    expect(gttWrite(m, igd, 1, 0x4c800001)).toBe(1);
    configWrite(m, 0xc0, 0x7c000000);
    expect(gttWrite(m, igd, 9, 0x4c800001)).toBe(0x7c000001);
    configWrite(m, 0xc0, 0);
    configWrite(m, 0xc4, 0);
    expect(t.engine.fatal).toBeNull();
    gttWrite(m, igd, 0x11, 0x4c800001);
    expect(t.engine.fatal).toBe(IGD_FATAL_MESSAGE);
  });

  it('recomputes gtt_max when the GMCH bytes change (the VMM re-deciding the guest GGMS)', () => {
    const { m, igd } = bootStandIn(8, HOST, GEN8_GMCH_8M);
    configWrite(m, 0x5c, 0x7e000000);
    expect(gttWrite(m, igd, 0x1001, HOST + 1)).toBe(0x7e000001); // below 0x4000
    igd.set32(0x50, GEN8_GMCH_2M);
    expect(gttWrite(m, igd, 0x1009, HOST + 1)).toBe(HOST + 1); // now at or above gtt_max 0x1000: untouched
    expect(gttWrite(m, igd, 0xff9, HOST + 1)).toBe(0x7e000001);
  });

  it('counts and traces a relocation the same way whether or not the base was cached', () => {
    const { m, igd, t } = bootStandIn(8, HOST, GEN8_GMCH_8M, { trace: true });
    configWrite(m, 0x5c, 0x7e000000);
    gttWrite(m, igd, 1, HOST + 1); // base read and cached
    gttWrite(m, igd, 9, HOST + 1); // cached base
    gttWrite(m, igd, 0x4001, HOST + 1); // at gtt_max: not a hit
    expect([t.engine.hits, t.engine.rewrites]).toEqual([2, 2]);
    expect([0, 1].map((i) => t.engine.trace!.record(i, t.engine.ruleNames).after)).toEqual(['0x7e000001', '0x7e000001']);
  });
});
