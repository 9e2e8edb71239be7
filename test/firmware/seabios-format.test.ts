import { describe, expect, it } from 'vitest';
import type { FirmwareIo } from '../../firmware/io.js';
import { DebugOutput } from '../../firmware/seabios/debug.js';
import { format } from '../../firmware/seabios/printf.js';
import { seabiosFormat, SeabiosFormat } from '../../firmware/seabios/printf-length.js';
import { DebugCon } from '../../vmm/core/machine/debugcon.js';

const stub = (extra: Partial<FirmwareIo>): FirmwareIo => ({
  inb: () => 0xe9, inw: () => 0, inl: () => 0, outb: () => {}, outw: () => {}, outl: () => {},
  readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {}, cpuid: () => [0, 0, 0, 0], ...extra,
});

/** A DebugOutput on a deferred console: the lengths charged, the console and the log. */
function deferred() {
  const charged: number[] = [];
  const con = new DebugCon((n) => (charged.push(n), true));
  const d = new DebugOutput(stub({ outsbDeferred: (_p, text, index, length) => con.writeDeferred(text, index, length) }));
  return { d, con, charged };
}

describe('SeaBIOS dprintf formats as call-site constants', () => {
  it('carries its length plan, made in the constructor: the fixed part, the conversions and each one packed', () => {
    const f = seabiosFormat('PCI: map device bdf=%pP  bar %d, addr %08llx, size %08llx [%s]\n');
    // 'PCI: map device bdf=' 20 + %pP 7 + '  bar ' 6 + ', addr ' 7 + ', size ' 7 + ' [' 2 + ']\n' 2 = 51.
    // %pP skips (0), %d (1), %08llx zero width 8 (3 | 8 | 8 << 4 = 139) twice, %s (4).
    expect(f.plan).toEqual([51, 5, 0, 1, 139, 139, 4]);
    expect(f.text).toBe('PCI: map device bdf=%pP  bar %d, addr %08llx, size %08llx [%s]\n');
    expect(Object.isFrozen(f)).toBe(true);
    expect(f).toBeInstanceOf(SeabiosFormat);
  });

  it('has no plan for an empty format or one with more conversions than a plan holds, and still prints their lengths', () => {
    expect(seabiosFormat('').plan).toBeUndefined();
    const wide = seabiosFormat('%d%d%d%d%d%d%d%d%d\n');
    expect(wide.plan).toBeUndefined();
    const { d, con, charged } = deferred();
    d.printf(wide, 1, 22, 333, 4444, 55555, 666666);
    d.printf(seabiosFormat(''));
    expect(d.log).toBe('122333444455555666666NaNNaNNaN\n');
    expect(con.text()).toBe(d.log);
    expect(charged).toEqual([31, 0]);
  });

  it('prints, charges and renders exactly what the same format as a string does', () => {
    const formats = ['PCI: map device bdf=%pP  bar %d, addr %08llx, size %08llx [%s]\n', 'x%5dy %-3u %X %%\n', '%s|%c|%p\n', 'e820 %016llx\n'];
    const a = deferred();
    const b = deferred();
    const constants = formats.map(seabiosFormat);
    for (let i = 0; i < 24; i++) {
      const args = [i * 8 - 40, i % 3 ? 'mem' : i, 0xfe00_0000 + i * 4096, 2 ** 40 + i, i % 2 ? 'io' : -i, i - 12];
      a.d.printf(constants[i % 4]!, ...args);
      b.d.printf(formats[i % 4]!, ...args);
    }
    expect(a.d.log).toBe(b.d.log);
    expect(a.con.text()).toBe(b.d.log);
    expect(a.charged).toEqual(b.charged);
    expect(a.charged[0]).toBe(format(formats[0]!, [-40, 0, 0xfe00_0000, 2 ** 40, -0, -12]).length);
    expect(a.charged.slice(0, 4)).toEqual([72, 19, 17, 22]);
  });
});
