import { describe, expect, it } from 'vitest';
import { CharLog } from '../../firmware/char-log.js';
import type { FirmwareIo } from '../../firmware/io.js';
import { DebugOutput } from '../../firmware/seabios/debug.js';
import { CharBuffer, format, formatInto } from '../../firmware/seabios/printf.js';
import { DebugCon } from '../../vmm/core/machine/debugcon.js';

// The texts below are what the string-building printf (before formatting into a reused buffer) printed
// for the same arguments, edge cases included: the buffer must not change one character.
describe("SeaBIOS's printf into a reused character buffer", () => {
  it.each([
    ['%d|%5d|%05d|%3d', [-42, -42, -42, 7], '-42|  -42|-0042|  7'],
    ['%d %u %x %X', [-0, -5, -1, 0xabcdef], '0 -5 ffffffff ABCDEF'],
    ['%08x|%4x|%X', [-2, 0x1_0000_0000 * 0x1000, 2 ** 70], 'fffffffe|100000000000|400000000000000000'],
    ['%d %x %u', [NaN, 1.5, Infinity], 'NaN 1.8 Infinity'],
    ['%05d|%03u|%08X', [NaN, -7, -255.5], '  NaN|0-7|FFFFFF01'],
    ['%d', [2 ** 60], '1152921504606847000'],
    ['%s|%6s|%c%c%c', ['io', 'ab', 65, 0x263a, -1], 'io|    ab|A\u263a\uffff'],
    ['%pP %p %%', [0x1fa, 0xfebd8000], '01:1f.2 0xfebd8000 %'],
    ['%q %', [1], '%q %'],
    ['%ld %llu %lld', [123456789012, 9007199254740991, -9007199254740991], '123456789012 9007199254740991 -9007199254740991'],
    ['%s %d', [], 'undefined NaN'],
    ['%08d|%-5d', [-1.25, 3], '-0001.25|%-5d'],
  ] as const)('formats %j', (fmt, args, text) => {
    expect(format(fmt, args)).toBe(text);
  });

  it('appends to what the buffer holds and grows past its first size', () => {
    const b = new CharBuffer();
    formatInto(b, 'PCI: map device bdf=%pP  bar %d, addr %08llx, size %08llx [%s]\n', [0x18, 0, 0xfebf_0000, 0x1_0000, 'mem']);
    formatInto(b, '%0300x', [1]);
    expect(b.n).toBe(71 + 300);
    expect(b.text()).toBe(`PCI: map device bdf=00:03.0  bar 0, addr febf0000, size 00010000 [mem]\n${'0'.repeat(299)}1`);
  });
});

describe('the byte log of the debug console', () => {
  it('reads back exactly what was appended, across reads, growth and text beyond Latin-1', () => {
    const log = new CharLog(16);
    log.appendString('Found 1 cpu(s)\n');
    expect(log.text()).toBe('Found 1 cpu(s)\n');
    log.appendByte(0x41);
    log.appendString('x'.repeat(40));
    log.appendString('caf\u00e9 \u263a!');
    const line = new CharBuffer();
    line.pushString('\u00ff\u0100z');
    log.appendChars(line.chars, line.n);
    expect(log.text()).toBe(`Found 1 cpu(s)\nA${'x'.repeat(40)}caf\u00e9 \u263a!\u00ff\u0100z`);
    expect(log.length).toBe(15 + 1 + 40 + 7 + 3);
  });

  it('gives the machine console the same text as the firmware log, and the budget the same lengths', () => {
    const charged: number[] = [];
    const con = new DebugCon((n) => (charged.push(n), true));
    const io: FirmwareIo = {
      inb: () => 0xe9, inw: () => 0, inl: () => 0, outb: (_p, v) => con.write(0, 1, v), outw: () => {}, outl: () => {},
      readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {}, cpuid: () => [0, 0, 0, 0],
      outsbFrom: (_p, chars, count) => con.writeChars(chars, count),
    };
    const d = new DebugOutput(io);
    d.printf('PCI: init bdf=%pP id=%04x:%04x\n', 0x10, 0x8086, 0x100e);
    d.write('ROM says \u263a\n');
    expect(d.log).toBe('PCI: init bdf=00:02.0 id=8086:100e\nROM says \u263a\n');
    expect(con.text()).toBe(d.log);
    expect(charged).toEqual([35, 11]);
  });

  it('hands an io that watches outsb the line as a string', () => {
    const seen: string[] = [];
    const io: FirmwareIo = {
      inb: () => 0xe9, inw: () => 0, inl: () => 0, outb: () => {}, outw: () => {}, outl: () => {},
      readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {}, cpuid: () => [0, 0, 0, 0],
      outsb: (_p, s) => seen.push(s),
      outsbFrom: () => seen.push('buffer'),
    };
    const d = new DebugOutput(io);
    d.printf('Found %d PCI devices (max PCI bus is %02x)\n', 7, 0);
    expect(seen).toEqual(['Found 7 PCI devices (max PCI bus is 00)\n']);
  });
});
