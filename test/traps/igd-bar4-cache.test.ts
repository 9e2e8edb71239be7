import { describe, expect, it } from 'vitest';
import { IGD_FATAL_MESSAGE } from '../../vmm/passthrough/traps/index.js';
import { bootStandIn, type StandInIgd } from './igd-standin.js';
import type { Machine } from '../../vmm/core/machine/machine.js';

const HOST = 0xcf800000;
const GEN8_GMCH_8M = 3 << 6; // GGMS 3: gtt_max 0x4000
const GEN8_GMCH_2M = 1 << 6; // GGMS 1: gtt_max 0x1000

function configWrite(m: Machine, off: number, v: number): void {
  m.cpu.outl(0xcf8, 0x8000_1000 | off);
  m.cpu.outl(0xcfc, v);
}

function gttWrite(m: Machine, igd: StandInIgd, index: number, data: number): number {
  const io = igd.barAddress(4);
  m.cpu.outl(io, index);
  m.cpu.outl(io + 4, data);
  return igd.gtt[(index >>> 2) % igd.gtt.length]!;
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
