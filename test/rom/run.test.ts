import { describe, expect, it } from 'vitest';
import { cpuRomBus, parseRomProgram, runRomProgram, type RomProgram } from '../../vmm/passthrough/rom/index.js';
import { bootRegs } from '../traps/helpers.js';

function program(text: string): RomProgram {
  const r = parseRomProgram(text, 'p.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.program;
}

const INV = { bdf: 0x20, romAddr: 0, romSize: 0 };

describe('running ROM programs through the CPU view', () => {
  it('reads its BAR from config space and writes registers through port IO in a loop', () => {
    const { m, dev } = bootRegs([]);
    const p = program(`name: t
vars: { n: 3 }
steps:
  - config-read: { offset: 0x14, into: bar1 }
  - set: { io: "bar1 & 0xfffc" }
  - loop:
      var: k
      count: n
      do:
        - io-write: { port: io, value: "1 + k * 4" }
        - io-write: { port: "io + 4", value: "0x7e000000 + (k << 12) | 1" }
  - io-read: { port: "io + 4", into: last }
`);
    const r = runRomProgram(p, cpuRomBus(m.cpu), INV);
    expect(r.ok).toBe(true);
    expect(r.iterations).toBe(3);
    expect(r.vars['last']).toBe(0x7e002001);
    expect(dev.seen).toEqual(['w1:0/4=1', 'w1:4/4=7e000001', 'w1:0/4=5', 'w1:4/4=7e001001', 'w1:0/4=9', 'w1:4/4=7e002001', 'r1:4/4']);
  });

  it('lets callers override declared vars, truncates values to the access width, writes MMIO and config', () => {
    const { m, dev } = bootRegs([]);
    const p = program(`name: t
vars: { v: 1 }
steps:
  - mem-write: { addr: ${dev.barAddress(0)}, width: 2, value: "v - 2" }
  - config-write: { offset: 0x40, value: "v << 8" }
  - config-read: { offset: 0x41, width: 1, into: b }
  - if: "b == 0x55"
    then: [ { log: "b is {b}\\n" } ]
    else: [ { set: { b: 0 } } ]
`);
    const logs: string[] = [];
    const r = runRomProgram(p, cpuRomBus(m.cpu, (t) => logs.push(t)), INV, { vars: { v: 0x55, undeclared: 9 } });
    expect(r.ok).toBe(true);
    expect(dev.seen).toEqual(['w0:0/2=53']);
    expect(dev.get32(0x40)).toBe(0x5500);
    expect(logs).toEqual(['b is 0x55\n']);
  });

  it('ends with the faulting step on division by zero, and with the loop on a runaway count', () => {
    const { m } = bootRegs([]);
    const bus = cpuRomBus(m.cpu);
    const r = runRomProgram(program('name: t\nvars: { z: 0 }\nsteps:\n  - set: { a: 1 }\n  - set: { b: "a / z" }\n'), bus, INV);
    expect(r).toMatchObject({ ok: false, error: { message: 'division by zero', file: 'p.yaml', line: 5, col: 5 } });
    const big = runRomProgram(program('name: t\nsteps:\n  - loop: { var: k, count: 1000000, do: [ { set: { a: k } } ] }\n'), bus, INV, { maxIterations: 1000 });
    expect(big).toMatchObject({ ok: false, iterations: 0, error: { message: 'loop of 1000000 iterations exceeds the ROM\'s budget of 1000', line: 3, col: 5 } });
  });

  it('stops between loop iterations once the stop signal carries a fatal error', () => {
    const { m } = bootRegs([]);
    const stop = { fatal: null as string | null };
    const p = program('name: t\nsteps:\n  - loop: { var: k, count: 10, do: [ { set: { a: k } } ] }\n  - set: { after: 1 }\n');
    let n = 0; // checks: before the step, then after each iteration; the 4th sees the VM dead
    const r = runRomProgram(p, cpuRomBus(m.cpu), INV, { stop: new Proxy(stop, { get: (t, k) => (k === 'fatal' && ++n > 3 ? 'dead' : Reflect.get(t, k)) }) });
    expect(r.ok).toBe(false);
    expect(r.stoppedBy).toBe('dead');
    expect(r.vars['a']).toBe(2);
    expect(r.vars['after']).toBe(0);
  });
});
