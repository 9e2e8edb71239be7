import { once } from 'node:events';
import type { Command } from 'commander';
import type { PciFunction } from '../../../devices/pci/function.js';
import { ROM_BAR } from '../../../devices/pci/function.js';
import { bootSpec } from '../../core/boot/index.js';
import { DEFAULT_BUDGET } from '../../core/budget/budget.js';
import type { IoHandler } from '../../core/bus/address-space.js';
import { EXIT_USAGE, UsageError } from './errors.js';
import { budgetOption } from './guard.js';
import { loadSpecs } from './load.js';

interface DumpOptions {
  bdf: string;
  bar: string;
  offset?: string;
  length?: string;
  format?: string;
  budget?: string;
}

/** A device that can hand out the raw bytes behind a BAR (QXL's RAM, VRAM and ROM). */
interface Dumpable {
  dump(bar: number, offset?: number, length?: number): Uint8Array;
}

function isDumpable(fn: PciFunction): fn is PciFunction & Dumpable {
  return typeof (fn as Partial<Dumpable>).dump === 'function';
}

function parseNumber(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name}: not a non-negative integer: ${text}`);
  return n;
}

/** The bytes of BAR `bar` in [offset, offset+length) after boot, as the guest sees them. */
export function dumpBar(fn: PciFunction, bar: number, offset: number, length: number | undefined, access?: IoHandler): Uint8Array {
  const size = bar === ROM_BAR ? fn.romSize : (fn.bars[bar]?.size ?? 0);
  if (size === 0) throw new UsageError(`${fn.bdf} has no BAR ${bar}`);
  if (offset >= size) throw new UsageError(`--offset 0x${offset.toString(16)} is past the end of BAR ${bar} (size 0x${size.toString(16)})`);
  const len = Math.min(length ?? size - offset, size - offset);
  if (isDumpable(fn)) return fn.dump(bar, offset, len);
  if (bar === ROM_BAR) {
    const image = fn.romImage() ?? new Uint8Array(0);
    const out = new Uint8Array(len).fill(0xff);
    out.set(image.subarray(offset, offset + len));
    return out;
  }
  // Through the machine's decorators when given (a fake BAR reads its backing memory, as the guest would).
  const h = access ?? { read: (o: number, w: 1 | 2 | 4) => fn.barRead(bar, o, w) };
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = h.read(offset + i, 1);
  return out;
}

/** Bytes per read of a dump: output streams in pieces this big, whatever the BAR's size. */
const DUMP_CHUNK = 1 << 20;

/**
 * The bytes of BAR `bar` in [offset, offset+length), DUMP_CHUNK at a time: a dump of a multi-GiB BAR
 * holds one chunk in memory, not the whole BAR.
 */
export function* dumpBarChunks(fn: PciFunction, bar: number, offset: number, length: number | undefined, access?: IoHandler): Generator<Uint8Array> {
  const size = bar === ROM_BAR ? fn.romSize : (fn.bars[bar]?.size ?? 0);
  if (size === 0) throw new UsageError(`${fn.bdf} has no BAR ${bar}`);
  if (offset >= size) throw new UsageError(`--offset 0x${offset.toString(16)} is past the end of BAR ${bar} (size 0x${size.toString(16)})`);
  const end = offset + Math.min(length ?? size - offset, size - offset);
  for (let at = offset; at < end; at += DUMP_CHUNK) yield dumpBar(fn, bar, at, Math.min(DUMP_CHUNK, end - at), access);
}

export function registerDumpCommand(program: Command, setCode: (c: number) => void): void {
  program
    .command('dump')
    .description("print a BAR's bytes after boot (compare QXL's ROM and RAM header with QEMU's)")
    .argument('<config>', 'YAML machine config')
    .requiredOption('--bdf <BB:DD.F>', 'the function, as numbered after boot')
    .requiredOption('--bar <n>', 'BAR index 0..5, or 6 for the expansion ROM')
    .option('--offset <x>', 'start offset inside the BAR (decimal or 0x hex)', '0')
    .option('--length <n>', 'number of bytes (default: to the end of the BAR)')
    .option('--format <fmt>', 'hex (offset column, 32 bytes a line in 4-byte groups), plain (bare lowercase hex, as xxd -p, to diff against QEMU) or raw', 'hex')
    .option('--budget <list>', 'limits of the boot and the dump, e.g. bytes=1G (steps, bytes, pixels, pages, log, ms)')
    .action(async (path: string, opts: DumpOptions) => {
      if (opts.format !== 'hex' && opts.format !== 'plain' && opts.format !== 'raw') throw new UsageError(`--format must be hex, plain or raw, not ${opts.format}`);
      if (!/^[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/i.test(opts.bdf)) throw new UsageError(`--bdf must look like 00:02.0, not ${opts.bdf}`);
      const bar = parseNumber('bar', opts.bar);
      if (bar > 6) throw new UsageError('--bar must be 0..6');
      const length = opts.length === undefined ? undefined : parseNumber('length', opts.length);
      const offset = parseNumber('offset', opts.offset ?? '0');
      const budget = { ...DEFAULT_BUDGET, ...budgetOption(opts.budget) };
      const specs = loadSpecs([path]);
      if (specs === undefined) return setCode(EXIT_USAGE);
      const { machine } = bootSpec(specs[0]!.spec, { configPath: path, budget });
      const fn = [...machine.pci.functions()].find((f) => f.bdf === opts.bdf.toLowerCase());
      if (fn === undefined) throw new UsageError(`no function at ${opts.bdf} after boot`);
      const size = bar === ROM_BAR ? fn.romSize : (fn.bars[bar]?.size ?? 0);
      const total = Math.max(0, Math.min(length ?? size - offset, size - offset));
      // Reading a BAR costs time per byte: the bytes budget bounds one dump as it bounds one copy.
      if (total > budget.bytes) throw new UsageError(`dumping ${total} bytes exceeds the bytes budget of ${budget.bytes}: give --length, or raise it with --budget bytes=N`);
      // An I/O BAR is ports, not memory: each byte is what the guest's inb would read (QXL answers 0xff).
      if (bar !== ROM_BAR && fn.bars[bar]?.space === 'io') {
        const base = fn.barAddress(bar);
        process.stderr.write(`${fn.bdf} BAR${bar} is I/O space (ports 0x${base.toString(16)}-0x${(base + fn.bars[bar]!.size - 1).toString(16)}): each byte is a port read as the guest would do it\n`);
      }
      const access = bar === ROM_BAR ? undefined : machine.pci.barAccess(fn, bar);
      let at = offset;
      for (const bytes of dumpBarChunks(fn, bar, offset, length, access)) {
        const out = opts.format === 'raw' ? bytes : opts.format === 'plain' ? hexLines(bytes) : offsetHexLines(bytes, at, offset + total);
        at += bytes.length;
        // Backpressure: a slow reader must not make the whole dump pile up in stdout's buffer.
        if (!process.stdout.write(out)) await once(process.stdout, 'drain');
      }
    });
}

function hexLines(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 32) lines.push(Buffer.from(bytes.subarray(i, i + 32)).toString('hex'));
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}

/**
 * `OFFSET:  xxxxxxxx xxxxxxxx ...`, 32 bytes a line; offsets are from the start of the BAR, as --offset counts, with
 * as many digits as the dump's last offset (`end`) needs, so streamed chunks line up.
 */
export function offsetHexLines(bytes: Uint8Array, start: number, end = start + bytes.length): string {
  const digits = Math.max(4, (end > 0 ? end - 1 : 0).toString(16).length);
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 32) {
    const groups: string[] = [];
    for (let g = i; g < Math.min(i + 32, bytes.length); g += 4) groups.push(Buffer.from(bytes.subarray(g, Math.min(g + 4, i + 32, bytes.length))).toString('hex'));
    lines.push(`0x${(start + i).toString(16).padStart(digits, '0')}:  ${groups.join(' ')}`);
  }
  return lines.join('\n') + (lines.length > 0 ? '\n' : '');
}
