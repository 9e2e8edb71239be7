import { describe, expect, it } from 'vitest';
import { quirkedIgdMachine, type TrapEngineOf } from './helpers.js';
import { IgdFunction } from '../../devices/igd/index.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { cpuRomBus, parseRomProgram, runRomProgram } from '../../vmm/passthrough/rom/index.js';
import type { IoHandler, PairWriter } from '../../vmm/core/bus/address-space.js';
import { TrapEngine } from '../../vmm/passthrough/traps/index.js';
import { IgdBar4Quirk } from '../../vmm/passthrough/traps/igd-bar4.js';

/**
 * The BAR4 quirk's fused MMIO_Index + MMIO_Data operation (IgdBar4Handler.forPair, IgdBar4IndexData): the same trap
 * trace, counters, GTT and fatal stop as the two writes through the quirk's handler.
 */

type Engine = TrapEngineOf;

/** quirkedIgdMachine, and the handler that decodes BAR4's port now (the quirk's, wrapping the device's). */
function machine(): { m: Machine; igd: IgdFunction; engine: Engine; bar4: () => IoHandler } {
  const { m, igd, engine } = quirkedIgdMachine();
  const bar4 = (): IoHandler => {
    const port = igd.configRead(0x20, 4) & 0xfffc;
    if (!m.io.resolve(port)) throw new Error('BAR4 not decoded');
    expect(m.io.resolvedStart).toBe(port);
    return m.io.resolvedHandler!;
  };
  return { m, igd, engine, bar4 };
}

/** The engine's counters now: step, hits, rewrites, drops (outcome() reports the change since). */
const counters = (e: Engine): number[] => [e.step, e.hits, e.rewrites, e.drops];

/** counts: hits, rewrites, drops and steps since `before`, GTT writes, the fatal message. */
function outcome(igd: IgdFunction, engine: Engine, before: number[]): { trace: string[]; counts: (number | string | null)[]; gtt: number[] } {
  const now = counters(engine);
  const gtt: number[] = [];
  for (let off = 0; off < 0x1000 * 4; off += 4) gtt.push(igd.gtt.readDword(off));
  return { trace: [...engine.traceLines()], counts: [now[1]! - before[1]!, now[2]! - before[2]!, now[3]! - before[3]!, now[0]! - before[0]!, igd.gtt.writes, engine.fatal], gtt };
}

/** Index/data pairs: relocated low dwords, forced-0 high dwords, non-PTE indexes, indexes at and past gtt_max (0x1000). */
const PAIRS: [number, number][] = [
  [1, 0x8000_0001], [5, 0xdead_beef], [9, 0x7b80_1001], [2, 0xffff_ffff], [0xffd, 0x8000_3001], [0xfff, 0x1234],
  [0x1001, 0x8000_5001], [0x1005, 7], [0xffff_ffff, 0xffff_fff1], [0x11, 0], [0x15, 0x8000_0000],
];

describe('the BAR4 quirk\'s index/data pair', () => {
  it('is offered for dword MMIO_Index then MMIO_Data only', () => {
    const h = machine().bar4();
    expect(h.forPair?.(0, 4, 4, 4)).toBeDefined();
    expect(h.forPair?.(4, 4, 0, 4)).toBeUndefined();
    expect(h.forPair?.(0, 2, 4, 4)).toBeUndefined();
    expect(h.forPair?.(0, 4, 4, 2)).toBeUndefined();
    expect(h.forPair?.(0, 4, 8, 4)).toBeUndefined();
  });

  for (const bdsm of [undefined, 0]) {
    it(`leaves the trace, counters and GTT of the two writes${bdsm === 0 ? ', including the fatal write with guest BDSM 0 and every write after it' : ''}`, () => {
      const runs = [true, false].map((paired) => {
        const { igd, engine, bar4 } = machine();
        if (bdsm !== undefined) igd.configWrite(0x5c, 4, bdsm);
        const before = counters(engine);
        const h = bar4();
        const pair = h.forPair!(0, 4, 4, 4)!;
        for (const [i, d] of PAIRS) {
          if (paired) pair.writePair(i | 0, d | 0);
          else {
            h.write(0, 4, i);
            h.write(4, 4, d);
          }
        }
        return outcome(igd, engine, before);
      });
      expect(runs[0]).toEqual(runs[1]);
      expect(runs[0]!.counts[3]).toBe(PAIRS.length * 2);
      if (bdsm === 0) {
        expect(runs[0]!.counts[5]).toMatch(/Guest attempted to program IGD GTT/);
        expect(runs[0]!.counts.slice(0, 3)).toEqual([1, 0, 1]); // the fatal write is traced and dropped, later ones dropped silently
      } else {
        expect(runs[0]!.counts.slice(0, 3)).toEqual([6, 6, 0]); // indexes 1, 5, 9, 0xffd, 0x11, 0x15
        expect(runs[0]!.gtt[1]).not.toBe(0x8000_0001); // relocated
        expect(runs[0]!.gtt[5]).toBe(0); // gen 8+ high dword forced to 0
      }
    });
  }

  for (const offersPair of [true, false]) {
    it(`hands the device ${offersPair ? 'one pair call per pass-through pair (its own pair writer)' : 'two writes per pair when it offers no pair'}, and a relocated pair as two writes`, () => {
      const { igd } = machine(); // only its config space: GMCH (gtt_max 0x1000) and the guest BDSM
      const seen: string[] = [];
      const inner: IoHandler = {
        read: () => 0,
        write: (o, w, v) => void seen.push(`w${o}/${w}=${v.toString(16)}`),
        ...(offersPair ? { forPair: (a: number, wa: 1 | 2 | 4, b: number, wb: 1 | 2 | 4): PairWriter => ({ writePair: (x, y) => void seen.push(`pair${a}/${wa},${b}/${wb}=${x},${y}`) }) } : {}),
      };
      const quirk = new IgdBar4Quirk(igd, { generation: 9, hostBdsm: 0x8000_0000, hostStolenSize: 0x400_0000 });
      const engine = new TrapEngine([]);
      quirk.attach(engine);
      const pair = quirk.wrap(inner).forPair!(0, 4, 4, 4)!;
      const guest = igd.configRead(0x5c, 4);
      pair.writePair(0x1001, 0x8000_5001 | 0); // at gtt_max: passes
      pair.writePair(2, -1); // not a PTE dword: passes
      pair.writePair(1, 0x8000_1001 | 0); // relocated
      pair.writePair(5, 7); // gen 8+ high dword: forced 0
      const passes = offersPair
        ? ['pair0/4,4/4=4097,-2147463167', 'pair0/4,4/4=2,-1']
        : ['w0/4=1001', 'w4/4=80005001', 'w0/4=2', 'w4/4=ffffffff'];
      expect(seen).toEqual([...passes, 'w0/4=1', `w4/4=${(guest + 0x1001).toString(16)}`, 'w0/4=5', 'w4/4=0']);
      expect([engine.step, engine.hits, engine.rewrites, quirk.index]).toEqual([8, 2, 2, 0xffff_ffff]);
    });
  }

  it('a ROM moving BAR4 mid-loop leaves the trace, counters and GTT of the unbound run', () => {
    const text = `name: t
steps:
  - config-read: { bdf: "00:02.0", offset: 0x20, width: 4, into: bar4 }
  - set: { io: "bar4 & 0xfffc" }
  - loop:
      var: k
      count: 0x200
      do:
        - if: "k == 0x100"
          then:
            - config-write: { bdf: "00:02.0", offset: 0x20, width: 4, value: 0xe001 }
            - set: { io: 0xe000 }
        - io-write: { port: io, value: "(k << 3) | 1" }
        - io-write: { port: "io + 4", value: "0x80000000 + (k << 12) | 1" }
        - io-write: { port: io, value: "(k << 3) | 5" }
        - io-write: { port: "io + 4", value: k }
`;
    const p = parseRomProgram(text, 't.yaml');
    if (!p.ok) throw new Error(p.errors[0]!.message);
    const runs = [true, false].map((bound) => {
      const { m, igd, engine } = machine();
      const old = igd.configRead(0x20, 4) & 0xfffc;
      expect(old).not.toBe(0xe000);
      const before = counters(engine);
      const res = runRomProgram(p.program, cpuRomBus(m.cpu, () => {}, bound ? m.io : undefined), { bdf: 0x10, romAddr: 0, romSize: 0 }, { stop: engine });
      expect(res.ok).toBe(true);
      expect(igd.configRead(0x20, 4) & 0xfffc).toBe(0xe000);
      return outcome(igd, engine, before);
    });
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]!.counts[3]).toBe(0x200 * 4);
    expect(runs[0]!.counts.slice(0, 3)).toEqual([0x400, 0x3ff, 0]); // k = 0's high dword is already 0: traced, not rewritten
    expect(runs[0]!.gtt[0x1ff * 2]).not.toBe(0); // written after the move
    expect(runs[0]!.gtt[0x1ff * 2 + 1]).toBe(0);
  });
});
