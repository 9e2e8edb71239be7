import { describe, expect, it } from 'vitest';
import { runRomProgram, type RomRunResult } from '../../vmm/passthrough/rom/index.js';
import { portWorld, program, type PortWorld as World } from './port-world.js';

/**
 * Two port writes in a row inside a ROM loop bind to one operation when the handler decoding both ports offers it
 * (IoHandler.forPair; vmm/passthrough/rom/codegen.ts ioWritePair). These tests run the same programs bound and
 * unbound (every write through `io.outl`) and require the same accesses in the same order, and count the pair calls.
 */

const INV = { bdf: 0, romAddr: 0, romSize: 0 };

type Fault = RomRunResult['error'];

function runBoth(text: string): { bound: World; unbound: World; ok: [boolean, boolean]; errors: [Fault, Fault] } {
  const p = program(text);
  const w1 = portWorld(true);
  const r1 = runRomProgram(p, w1.bus(true), INV);
  const w2 = portWorld(true);
  const r2 = runRomProgram(p, w2.bus(false), INV);
  return { bound: w1, unbound: w2, ok: [r1.ok, r2.ok], errors: [r1.error, r2.error] };
}

describe('ROM port pairs (IoHandler.forPair)', () => {
  it('an index/data pair of one handler becomes one call after its first iteration, values above 2^31 intact', () => {
    const r = runBoth(`name: t
steps:
  - loop:
      var: k
      count: 4
      do:
        - io-write: { port: 0x1000, value: "(k << 3) | 1" }
        - io-write: { port: 0x1004, value: "0xfffff000 + k" }
`);
    expect(r.ok).toEqual([true, true]);
    expect(r.bound.log).toEqual(['A:0/4=1', 'A:4/4=fffff000', 'A:0/4=9', 'A:4/4=fffff001', 'A:0/4=11', 'A:4/4=fffff002', 'A:0/4=19', 'A:4/4=fffff003']);
    expect(r.unbound.log).toEqual(r.bound.log);
    expect(r.bound.pairs).toEqual([1, 3]); // bound in the first iteration's two plain writes, then three pair calls
    expect(r.unbound.pairs).toEqual([0, 0]);
  });

  it('a BAR moved mid-loop drops the pair: the writes follow the ports to the new handlers and the pair is bound again', () => {
    const r = runBoth(`name: t
vars: { base: 0x1000 }
steps:
  - loop:
      var: k
      count: 5
      do:
        - if: "k == 2"
          then:
            - io-write: { port: 0x2000, value: 1 }
        - if: "k == 4"
          then:
            - set: { base: 0x3000 }
        - io-write: { port: base, value: k }
        - io-write: { port: "base + 4", value: "k + 0x80000000" }
`);
    expect(r.ok).toEqual([true, true]);
    expect(r.bound.log).toEqual([
      'A:0/4=0', 'A:4/4=80000000', 'A:0/4=1', 'A:4/4=80000001', 'moved',
      'B:0/4=2', 'B:4/4=80000002', 'B:0/4=3', 'B:4/4=80000003', 'A:0/4=4', 'A:4/4=80000004',
    ]);
    expect(r.unbound.log).toEqual(r.bound.log);
    // Offered at k = 0 (then one pair call at k = 1); B offers nothing; A is offered again at k = 4 after the move.
    expect(r.bound.pairs).toEqual([2, 1]);
  });

  it('a pair the handler does not offer, or of two handlers, stays two bound writes', () => {
    const r = runBoth(`name: t
steps:
  - loop:
      var: k
      count: 3
      do:
        - io-write: { port: 0x1004, value: k }
        - io-write: { port: 0x1000, value: k }
        - io-write: { port: 0x1000, value: k }
        - io-write: { port: 0x2004, value: k }
`);
    expect(r.ok).toEqual([true, true]);
    expect(r.bound.log).toEqual(['A:4/4=0', 'A:0/4=0', 'A:0/4=0', 'A:4/4=1', 'A:0/4=1', 'A:0/4=1', 'A:4/4=2', 'A:0/4=2', 'A:0/4=2']);
    expect(r.unbound.log).toEqual(r.bound.log);
    // (4, 0) asked once and refused, not again at the same ports and generation; (0, 0x2004) spans two regions.
    expect(r.bound.pairs).toEqual([1, 0]);
    expect(r.bound.sp.unassignedWrites).toBe(3);
  });

  it('a second write that can fault is not fused: the first write happens before the fault', () => {
    const r = runBoth(`name: t
vars: { z: 0 }
steps:
  - loop:
      var: k
      count: 3
      do:
        - io-write: { port: 0x1000, value: k }
        - io-write: { port: 0x1004, value: "k == 1 ? 5 / z : k" }
`);
    expect(r.ok).toEqual([false, false]);
    expect(r.errors[0]).toEqual({ message: 'division by zero', file: 'p.yaml', line: 9, col: 11 });
    expect(r.errors[1]).toEqual(r.errors[0]);
    expect(r.bound.log).toEqual(['A:0/4=0', 'A:4/4=0', 'A:0/4=1']);
    expect(r.unbound.log).toEqual(r.bound.log);
    expect(r.bound.pairs).toEqual([0, 0]);
  });
});
