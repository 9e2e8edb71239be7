import { describe, expect, it } from 'vitest';
import { quirkedIgdMachine } from './helpers.js';
import { cpuRomBus, parseRomProgram, runRomProgram } from '../../vmm/passthrough/rom/index.js';

/**
 * A ROM's port steps bind to the quirk's MMIO_Index / MMIO_Data handlers (IoHandler.forOffset) and, behind them, to
 * the IGD's own index / data handlers. The same program run without the binding (every write looked up and sent
 * through the quirk's whole handler) must leave the same trap trace, counters, GTT and outcome.
 */

/** Index/data pairs over the first 0x800 dwords (gtt_max is 0x1000 for GGMS 1): relocated, forced-0 and passed writes. */
const FILL = (prefix: string): string => `name: t
vars: { n: 0x300 }
steps:
${prefix}  - config-read: { bdf: "00:02.0", offset: 0x20, width: 4, into: bar4 }
  - set: { io: "bar4 & 0xfffc" }
  - loop:
      var: k
      count: n
      do:
        - io-write: { port: io, value: "(k << 2) | 1" }
        - io-write: { port: "io + 4", value: "0x80000000 + (k << 12) | 1" }
        - io-write: { port: io, value: "k << 2" }
        - io-write: { port: "io + 4", value: k }
`;

function run(bound: boolean, prefix = ''): { res: ReturnType<typeof runRomProgram>; trace: string[]; counts: number[]; gtt: number[] } {
  const { m, igd, engine } = quirkedIgdMachine();
  const p = parseRomProgram(FILL(prefix), 't.yaml');
  if (!p.ok) throw new Error(p.errors[0]!.message);
  const steps0 = engine.step;
  const res = runRomProgram(p.program, cpuRomBus(m.cpu, () => {}, bound ? m.io : undefined), { bdf: 0x10, romAddr: 0, romSize: 0 }, { stop: engine });
  const gtt: number[] = [];
  for (let off = 0; off < 0x1000 * 4; off += 4) gtt.push(igd.gtt.readDword(off));
  return { res, trace: [...engine.traceLines()], counts: [engine.hits, engine.rewrites, engine.drops, engine.step - steps0, igd.gtt.writes], gtt };
}

describe('the BAR4 quirk under a bound ROM port step', () => {
  it('leaves the trace, counters and GTT of the unbound run', () => {
    const bound = run(true);
    const unbound = run(false);
    expect(bound.res.ok).toBe(true);
    expect(bound.counts).toEqual(unbound.counts);
    expect(bound.counts[3]).toBe(0x300 * 4);
    expect(bound.counts[0]).toBeGreaterThan(0x100); // relocations and forced zeros were traced
    expect(bound.trace).toEqual(unbound.trace);
    expect(bound.gtt).toEqual(unbound.gtt);
  });

  it('stops at the same write with the same trace when the guest BDSM is 0 (the quirk\'s fatal path)', () => {
    const prefix = '  - config-write: { bdf: "00:02.0", offset: 0x5c, width: 4, value: 0 }\n';
    const bound = run(true, prefix);
    const unbound = run(false, prefix);
    expect(bound.res.ok).toBe(false);
    expect(bound.res.stoppedBy).toMatch(/Guest attempted to program IGD GTT/);
    expect(bound.res).toEqual(unbound.res);
    expect(bound.counts).toEqual(unbound.counts);
    expect(bound.trace).toEqual(unbound.trace);
    expect(bound.gtt).toEqual(unbound.gtt);
  });
});
