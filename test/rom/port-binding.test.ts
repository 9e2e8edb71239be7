import { describe, expect, it } from 'vitest';
import type { FirmwareIo } from '../../firmware/io.js';
import { AddressSpace, type IoHandler } from '../../vmm/core/bus/address-space.js';
import { runRomProgram } from '../../vmm/passthrough/rom/index.js';
import { portWorld, program } from './port-world.js';

/**
 * Port writes of a compiled ROM keep a binding to the handler that decodes the port (vmm/passthrough/rom/codegen.ts):
 * these tests run the same programs with the binding (a bus with `ioSpace`) and without it (every write through
 * `io.outl`, looked up each time) and require the same accesses in the same order at the same handlers.
 */

const INV = { bdf: 0, romAddr: 0, romSize: 0 };

function runBoth(text: string): { bound: string[]; unbound: string[]; unassigned: [number, number] } {
  const p = program(text);
  const w1 = portWorld();
  const r1 = runRomProgram(p, w1.bus(true), INV);
  const w2 = portWorld();
  const r2 = runRomProgram(p, w2.bus(false), INV);
  expect(r1.ok).toBe(true);
  expect(r2.ok).toBe(true);
  return { bound: w1.log, unbound: w2.log, unassigned: [w1.sp.unassignedWrites, w2.sp.unassignedWrites] };
}

describe('ROM port bindings', () => {
  it('a binding made before a BAR moves reaches the handler decoding the port after the move', () => {
    const r = runBoth(`name: t
steps:
  - loop:
      var: k
      count: 4
      do:
        - io-write: { port: 0x1000, value: k }
        - if: "k == 1"
          then:
            - io-write: { port: 0x2000, value: 1 }
`);
    expect(r.bound).toEqual(['A:0/4=0', 'A:0/4=1', 'moved', 'B:0/4=2', 'B:0/4=3']);
    expect(r.unbound).toEqual(r.bound);
  });

  it('one step alternating between two ports of a region, an access crossing its end and an unassigned port match unbound writes', () => {
    const r = runBoth(`name: t
steps:
  - loop:
      var: k
      count: 6
      do:
        - io-write: { port: "0x1000 + (k & 1) * 4", value: "0xfffffff0 + k" }
        - io-write: { port: 0x1006, value: k }
        - io-write: { port: 0x1800, value: k }
`);
    expect(r.bound.slice(0, 4)).toEqual(['A:0/4=fffffff0', 'A:6/4=0', 'A:4/4=fffffff1', 'A:6/4=1']);
    expect(r.bound).toHaveLength(12);
    expect(r.unbound).toEqual(r.bound);
    expect(r.unassigned).toEqual([6, 6]);
  });

  it('a step whose port moves into another region follows it', () => {
    const r = runBoth(`name: t
steps:
  - loop:
      var: k
      count: 3
      do:
        - io-write: { port: "k == 1 ? 0x2000 : 0x1000 + k", value: k }
`);
    expect(r.bound).toEqual(['A:0/4=0', 'moved', 'B:2/4=2']);
    expect(r.unbound).toEqual(r.bound);
  });

  it('a handler narrowed to the bound offset (IoHandler.forOffset) takes the step\'s writes, and is narrowed again for a new port', () => {
    const log: string[] = [];
    const narrowed: number[] = [];
    const whole: IoHandler = {
      read: () => 0,
      write: (o, w, v) => void log.push(`whole:${o}/${w}=${v}`),
      forOffset: (o) => {
        narrowed.push(o);
        return { read: () => 0, write: (o2, w, v) => void log.push(`at${o}:${o2}/${w}=${v}`) };
      },
    };
    const sp = new AddressSpace('io', () => [{ start: 0x1000, size: 16, handler: whole, name: 'W' }]);
    const io: FirmwareIo = {
      inb: () => 0, inw: () => 0, inl: () => 0, outb: () => {}, outw: () => {}, outl: (p, v) => sp.write(p, 4, v),
      readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {}, cpuid: () => [0, 0, 0, 0],
    };
    const p = program(`name: t
steps:
  - loop:
      var: k
      count: 4
      do:
        - io-write: { port: "k < 2 ? 0x1004 : 0x1008", value: k }
        - io-write: { port: 0x100e, value: k }
`);
    const r = runRomProgram(p, { io, ioSpace: sp, configRead: () => 0, configWrite: () => {}, log: () => {} }, INV);
    expect(r.ok).toBe(true);
    // 0x100e + 4 crosses the region's end: never narrowed, the whole handler every time.
    expect(log).toEqual(['at4:4/4=0', 'whole:14/4=0', 'at4:4/4=1', 'whole:14/4=1', 'at8:8/4=2', 'whole:14/4=2', 'at8:8/4=3', 'whole:14/4=3']);
    expect(narrowed).toEqual([4, 8]);
  });
});
