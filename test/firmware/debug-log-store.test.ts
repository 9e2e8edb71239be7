import { describe, expect, it } from 'vitest';
import { CharLog } from '../../firmware/char-log.js';
import type { FirmwareIo } from '../../firmware/io.js';
import { DebugOutput } from '../../firmware/seabios/debug.js';
import { digitsOf, format } from '../../firmware/seabios/printf.js';
import { digitCount } from '../../firmware/seabios/printf-length.js';
import { DebugCon } from '../../vmm/core/machine/debugcon.js';

const stub = (extra: Partial<FirmwareIo>): FirmwareIo => ({
  inb: () => 0xe9, inw: () => 0, inl: () => 0, outb: () => {}, outw: () => {}, outl: () => {},
  readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {}, cpuid: () => [0, 0, 0, 0], ...extra,
});

describe('the record store of the SeaBIOS log', () => {
  it('keeps each argument as it was passed: undefined between defined ones, strings, numbers past 2^31, -0 and NaN', () => {
    const charged: number[] = [];
    const con = new DebugCon((n) => (charged.push(n), true));
    const d = new DebugOutput(stub({ outsbDeferred: (_p, text, index, length) => con.writeDeferred(text, index, length) }));
    d.printf('a=%d b=%s c=%08x d=%d\n', 1, undefined, 0xfebf_0000, -3);
    d.printf('%s %s|%5d|%x\n', 'qxl', '\u263a', -0, NaN);
    d.write('as is %d\n');
    d.printf('%llx %u %c%c\n', 2 ** 40 + 5, 2 ** 53 + 2, 65, 66, 67, 68);
    d.printf('no args %d\n');
    const expected = 'a=1 b=undefined c=febf0000 d=-3\nqxl \u263a|    0|NaN\nas is %d\n10000000005 9007199254740994 AB\nno args NaN\n';
    expect(d.log).toBe(expected);
    expect(con.text()).toBe(expected);
    expect(charged).toEqual([32, 16, 9, 32, 12]);
  });

  it('charges each line its rendered length, the first time a format is printed and every time after, formats in turn', () => {
    const charged: number[] = [];
    const con = new DebugCon((n) => (charged.push(n), true));
    const d = new DebugOutput(stub({ outsbDeferred: (_p, text, index, length) => con.writeDeferred(text, index, length) }));
    const formats = ['PCI: map device bdf=%pP  bar %d, addr %08llx, size %08llx [%s]\n', 'x%dy\n', '%d%d%d%d%d%d%d%d%d\n', '%s\n'];
    const want: number[] = [];
    for (let i = 0; i < 40; i++) {
      const fmt = formats[i % formats.length]!;
      const args = [i * 8, i, 0xfe00_0000 + i * 4096, 4096 << (i % 20), i % 2 ? 'mem' : 'io', i - 20];
      d.printf(fmt, ...args);
      want.push(format(fmt, args).length);
    }
    expect(charged).toEqual(want);
    expect(con.text()).toBe(d.log);
    expect(d.log.length).toBe(want.reduce((a, b) => a + b, 0));
  });
});

describe('digit counts without writing the digits', () => {
  it('equals the count digitsOf writes, at every boundary of its three cases', () => {
    const scratch = new Uint16Array(256);
    const values = [0, 1, 9, 10, 15, 16, 99, 100, 255, 256, 999_999_999, 1_000_000_000, 0x7fff_ffff, 0x8000_0000,
      0xfff_ffff, 0x1000_0000, 0xffff_ffff, 2 ** 32, 2 ** 52 + 1, 2 ** 53, 2 ** 64, 1e21, 1e300];
    for (let k = 1; k < 10; k++) values.push(10 ** k - 1, 10 ** k);
    const mismatches: string[] = [];
    for (const v of values) {
      for (const radix of [10, 16]) {
        if (digitCount(v, radix) !== digitsOf(v, radix, false, scratch)) mismatches.push(`${v} radix ${radix}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect([digitCount(0, 16), digitCount(0xffff_ffff, 16), digitCount(2 ** 32, 16), digitCount(0x7fff_ffff, 10), digitCount(2 ** 53, 10)]).toEqual([1, 8, 9, 10, 16]);
  });
});

describe('the console byte log', () => {
  it('reads back empty until its first append, then keeps what was appended past its first capacity', () => {
    const log = new CharLog(16);
    expect([log.text(), log.length]).toEqual(['', 0]);
    log.appendByte(0x41);
    log.appendString('y'.repeat(40));
    expect(log.text()).toBe(`A${'y'.repeat(40)}`);
    expect(log.length).toBe(41);
  });
});
