import { describe, expect, it } from 'vitest';
import { seabiosFixtureSpecs } from './helpers.js';
import type { FirmwareIo } from '../../firmware/io.js';
import { DebugOutput } from '../../firmware/seabios/debug.js';
import { resolveProfile } from '../../vmm/core/profile/index.js';
import { DebugCon } from '../../vmm/core/machine/debugcon.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';


/** One POST on a fresh machine; `eager` hides the deferred port, so every line is formatted as it is printed. */
function run(spec: MachineSpec, eager: boolean, log?: number) {
  const m = new Machine(spec, resolveProfile(spec), log === undefined ? {} : { log });
  const { outsbDeferred: _deferred, ...plain } = m.cpu;
  const fw = m.profile.firmware.post(eager ? plain : m.cpu);
  return { log: fw.log, console: m.debugcon.text(), used: m.budget.usedOf('log'), events: m.events, panic: fw.panic };
}

const stub = (extra: Partial<FirmwareIo>): FirmwareIo => ({
  inb: () => 0xe9, inw: () => 0, inl: () => 0, outb: () => {}, outw: () => {}, outl: () => {},
  readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {}, cpuid: () => [0, 0, 0, 0], ...extra,
});

describe('the SeaBIOS log made when read', () => {
  const specs = seabiosFixtureSpecs();

  it('reads back the eagerly formatted text, log and console, on every fixture topology', () => {
    expect(specs.length).toBe(168);
    for (const { name, spec } of specs) {
      const lazy = run(spec, false);
      const eager = run(spec, true);
      expect(lazy, name).toEqual(eager);
      expect(lazy.console, name).toBe(lazy.log);
    }
  });

  it('stops the console at the same line with the same event when the log budget runs out', () => {
    let cut = 0;
    for (const { name, spec } of specs.filter((_, i) => i % 4 === 0)) {
      for (const limit of [0, 100, 1000, 5000]) {
        const lazy = run(spec, false, limit);
        expect(lazy, `${name} log=${limit}`).toEqual(run(spec, true, limit));
        if (lazy.console.length < lazy.log.length) cut++;
      }
    }
    // The budget did cut the console short (the firmware's own log is not budgeted).
    expect(cut).toBe(129);
  });

  it('keeps bytes written to port 0x402 in order with the firmware lines around them', () => {
    const charged: number[] = [];
    const con = new DebugCon((n) => (charged.push(n), true));
    const d = new DebugOutput(stub({ outsbDeferred: (_p, text, index, length) => con.writeDeferred(text, index, length) }));
    d.printf('PCI: init bdf=%pP id=%04x:%04x\n', 0x10, 0x8086, 0x100e);
    for (const c of 'rom!') con.write(0, 1, c.charCodeAt(0));
    d.printf('Found %d cpu(s) max supported %d cpu(s)\n', 1, 1);
    d.write('ROM says \u263a\n');
    expect(con.text()).toBe('PCI: init bdf=00:02.0 id=8086:100e\nrom!Found 1 cpu(s) max supported 1 cpu(s)\nROM says \u263a\n');
    expect(d.log).toBe('PCI: init bdf=00:02.0 id=8086:100e\nFound 1 cpu(s) max supported 1 cpu(s)\nROM says \u263a\n');
    expect(charged).toEqual([35, 1, 1, 1, 1, 38, 11]);
  });

  it('drops a line past the budget from the console only, and keeps the lines after it in place', () => {
    const con = new DebugCon((n) => n < 10);
    const d = new DebugOutput(stub({ outsbDeferred: (_p, text, index, length) => con.writeDeferred(text, index, length) }));
    d.write('a\n');
    d.printf('too long: %d\n', 12345);
    d.printf('%x\n', 255);
    con.write(0, 1, 0x21);
    expect(con.text()).toBe('a\nff\n!');
    expect(d.log).toBe('a\ntoo long: 12345\nff\n');
  });

  it('reads the same text again, and the text of lines printed after a read', () => {
    const con = new DebugCon();
    const d = new DebugOutput(stub({ outsbDeferred: (_p, text, index, length) => con.writeDeferred(text, index, length) }));
    d.printf('%s=%d\n', 'one', 1);
    expect(d.log).toBe('one=1\n');
    expect(con.text()).toBe('one=1\n');
    d.printf('%s=%d\n', 'two', 2);
    expect(d.log).toBe('one=1\ntwo=2\n');
    expect(d.log).toBe('one=1\ntwo=2\n');
    expect(con.text()).toBe('one=1\ntwo=2\n');
  });
});
