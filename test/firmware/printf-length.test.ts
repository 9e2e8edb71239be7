import { describe, expect, it } from 'vitest';
import { seabiosFixtureSpecs } from './helpers.js';
import type { DeferredText, FirmwareIo } from '../../firmware/io.js';
import { ConvSpec, format, type PrintfArg } from '../../firmware/seabios/printf.js';
import { LengthPlans, formattedLength } from '../../firmware/seabios/printf-length.js';
import { resolveProfile } from '../../vmm/core/profile/index.js';
import { Machine } from '../../vmm/core/machine/machine.js';
import { mulberry32 } from '../helpers/prng.js';


const scratch = new Uint16Array(256);
const spec = new ConvSpec();
/** One plan cache for the whole file: formats share and evict its slots, as a boot's do. */
const plans = new LengthPlans();
/** The length by both ways (parsing the format each time, and from its cached plan); -1 when they disagree. */
function lengthOf(fmt: string, args: readonly (PrintfArg | undefined)[]): number {
  const a = formattedLength(fmt, args, scratch, spec);
  return plans.lengthOf(fmt, args) === a ? a : -1;
}

describe('the length of a printf line, computed without formatting it', () => {
  it('equals the rendered length of every line SeaBIOS prints on every fixture topology', () => {
    let lines = 0;
    let chars = 0;
    for (const { spec } of seabiosFixtureSpecs()) {
      const m = new Machine(spec, resolveProfile(spec));
      const seen: [DeferredText, number, number][] = [];
      const io: FirmwareIo = { ...m.cpu, outsbDeferred: (_p, text, index, length) => seen.push([text, index, length]) };
      const fw = m.profile.firmware.post(io);
      let own = 0;
      for (const [text, index, length] of seen) {
        expect(text.textOf(index, index + 1).length).toBe(length);
        own += length;
      }
      // Every character of the log went through the deferred port (no line was formatted eagerly).
      expect(own).toBe(fw.log.length);
      chars += own;
      lines += seen.length;
    }
    expect([lines, chars]).toEqual([12935, 604823]);
  });

  it('equals the rendered length on widths, padding, signs, big and odd numbers', () => {
    const cases: [string, (PrintfArg | undefined)[]][] = [
      ['%d|%5d|%05d|%-3d', [-7, -7, -7, 3]],
      ['%08x %llx %016llx %X %4X', [0xdead, 2 ** 40 + 5, 2 ** 52, 255, 0xabcdef]],
      ['%x %d %u', [-1, 2 ** 53 + 2, 2 ** 70]],
      ['%d %x %u %05d', [1.5, NaN, Infinity, -Infinity]],
      ['%s|%10s|%2s|%s', ['abc', 'x', 'long text', undefined]],
      ['%c%c %pP %p %%', [65, 0x263a, 0x10, 0x1234]],
      ['%q %', [1]],
      ['%d %d %d', []],
      ['%05d %03d', ['12', '-4']],
      ['%0d %00x', [-0, 0]],
    ];
    for (const [fmt, args] of cases) expect(lengthOf(fmt, args), fmt).toBe(format(fmt, args as PrintfArg[]).length);
    // A width too big to plan (and to print) is still counted.
    expect(lengthOf('%3d %9999999999d', [1, 2])).toBe(3 + 1 + 9_999_999_999);
  });

  it('equals the rendered length on 20,000 fuzzed formats and arguments', () => {
    const rng = mulberry32(0x5eab1095);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
    const convs = ['d', 'u', 'x', 'X', 's', 'c', 'p', 'pP', '%', 'q', 'ld', 'llx', 'lu', ''];
    const numbers = [0, 1, -1, 9, 10, -10, 255, 0x7fffffff, 0x80000000, -0x80000000, 0xffffffff, 2 ** 32, 2 ** 52 + 1,
      2 ** 53, 2 ** 64, -(2 ** 40), 0.5, -2.25, NaN, Infinity, -Infinity, -0, 1e21, 1e-7];
    let mismatches = 0;
    for (let t = 0; t < 20_000; t++) {
      let fmt = '';
      const args: (PrintfArg | undefined)[] = [];
      const parts = 1 + Math.floor(rng() * 6);
      for (let p = 0; p < parts; p++) {
        if (rng() < 0.5) fmt += pick(['PCI: ', ' ', '\n', 'bdf=', '=== x ===', '']);
        const zero = rng() < 0.4 ? '0' : '';
        const width = rng() < 0.6 ? String(Math.floor(rng() * 20)) : '';
        fmt += `%${zero}${width}${pick(convs)}`;
      }
      const argc = Math.floor(rng() * 7);
      for (let a = 0; a < argc; a++) {
        const r = rng();
        args.push(r < 0.6 ? pick(numbers) : r < 0.75 ? Math.floor(rng() * 2 ** 48) - 2 ** 47 : r < 0.9 ? pick(['', 'a', 'qxl', '\u263a', '12']) : undefined);
      }
      if (lengthOf(fmt, args) !== format(fmt, args as PrintfArg[]).length) mismatches++;
      // The same format with other arguments.
      const other = args.map((a) => (typeof a === 'number' ? -a * 3 : a));
      if (lengthOf(fmt, other) !== format(fmt, other as PrintfArg[]).length) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});
