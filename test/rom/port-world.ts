import type { FirmwareIo } from '../../firmware/io.js';
import { AddressSpace, type IoHandler, type PairWriter, type RegionDesc } from '../../vmm/core/bus/address-space.js';
import { parseRomProgram, type RomBus, type RomProgram } from '../../vmm/passthrough/rom/index.js';

/** A ROM program from YAML text; a test bug (not a test result) when it does not load. */
export function program(text: string): RomProgram {
  const r = parseRomProgram(text, 'p.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.program;
}

export interface PortWorld {
  sp: AddressSpace;
  /** `name:offset/width=value` per handler write, and `moved` when 0x2000 rearranges the space. */
  log: string[];
  /** [forPair offers asked, writePair calls] (both stay 0 unless A offers pairs). */
  pairs: [number, number];
  /** The ROM's bus: bound (port writes keep a binding through `ioSpace`) or not (every write through `io.outl`). */
  bus: (bound: boolean) => RomBus;
}

/**
 * An IO space whose PCI tier the test rearranges: handler A at 0x1000 (8 ports); a write to the control port
 * 0x2000, as a config cycle reprogramming a BAR would, moves A to 0x3000 and puts B (which never pairs) where A was.
 * With `pairing`, A offers IoHandler.forPair for dword writes at offsets (0, 4) and logs a pair as the two writes.
 */
export function portWorld(pairing = false): PortWorld {
  const log: string[] = [];
  const pairs: [number, number] = [0, 0];
  const logger = (name: string, offersPairs: boolean): IoHandler => {
    const h: IoHandler = {
      read: () => 0,
      write: (o, w, v) => void log.push(`${name}:${o}/${w}=${v.toString(16)}`),
    };
    if (!offersPairs) return h;
    return {
      ...h,
      forPair: (a, wa, b, wb): PairWriter | undefined => {
        pairs[0]++;
        if (a !== 0 || b !== 4 || wa !== 4 || wb !== 4) return undefined;
        return {
          writePair: (x, y) => {
            pairs[1]++;
            h.write(a, 4, x >>> 0);
            h.write(b, 4, y >>> 0);
          },
        };
      },
    };
  };
  const a = logger('A', pairing);
  const b = logger('B', false);
  let moved = false;
  const regions = (): RegionDesc[] =>
    moved
      ? [{ start: 0x3000, size: 8, handler: a, name: 'A' }, { start: 0x1000, size: 8, handler: b, name: 'B' }]
      : [{ start: 0x1000, size: 8, handler: a, name: 'A' }];
  const sp: AddressSpace = new AddressSpace('io', regions);
  sp.addFixed(0x2000, 4, {
    read: () => 0,
    write: () => {
      moved = true;
      sp.invalidatePci();
      log.push('moved');
    },
  }, 'control');
  const io: FirmwareIo = {
    inb: (p) => sp.read(p, 1), inw: (p) => sp.read(p, 2), inl: (p) => sp.read(p, 4),
    outb: (p, v) => sp.write(p, 1, v), outw: (p, v) => sp.write(p, 2, v), outl: (p, v) => sp.write(p, 4, v),
    readMem: () => 0, writeMem: () => {}, readBytes: () => {}, writeBytes: () => {},
    cpuid: () => [0, 0, 0, 0],
  };
  const bus = (bound: boolean): RomBus => ({ io, ...(bound ? { ioSpace: sp } : {}), configRead: () => 0, configWrite: () => {}, log: () => {} });
  return { sp, log, pairs, bus };
}
