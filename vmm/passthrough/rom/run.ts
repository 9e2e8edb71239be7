/**
 * Runs a ROM program on a machine. Faults (division by zero, a runaway loop) end the run and come
 * back as values; so does a quirk's fatal error stopping the VM.
 */
import type { FirmwareContext } from '../../../firmware/igd-hook.js';
import type { FirmwareIo } from '../../../firmware/io.js';
import type { AddressSpace } from '../../core/bus/address-space.js';
import { compileRom, RomStepFault, type RomBus, type RomStopSignal } from './compile.js';
import type { RomProgram, Width } from './program.js';
import { DEFAULT_BUDGET } from '../../core/budget/budget.js';

export interface RomRunOptions {
  /** Overrides for the program's declared vars (undeclared names are ignored). */
  readonly vars?: Readonly<Record<string, number>>;
  /** Stops the run when its `fatal` becomes non-null (the trap engine). */
  readonly stop?: RomStopSignal;
  /** Most loop iterations a run may take (default: DEFAULT_BUDGET.steps). */
  readonly maxIterations?: number;
  /** Wall-clock check, called every 65536 iterations of a loop; false ends the run. */
  readonly inTime?: () => boolean;
}

export interface RomRunResult {
  readonly program: string;
  readonly ok: boolean;
  /** Loop iterations run. */
  readonly iterations: number;
  /** Why the run ended early: a program fault (with its place) or the VM dying under it. */
  readonly error?: { readonly message: string; readonly file: string; readonly line: number; readonly col: number };
  readonly stoppedBy?: string;
  /** Set when a budget (loop iterations, wall clock) ended the run. */
  readonly overBudget?: 'steps' | 'ms';
  /** Final variable values (for tests and reports). */
  readonly vars: Readonly<Record<string, number>>;
}

export interface RomInvocation {
  readonly bdf: number;
  readonly romAddr: number;
  readonly romSize: number;
}

const NEVER: RomStopSignal = { fatal: null };

export function runRomProgram(p: RomProgram, bus: RomBus, inv: RomInvocation, options: RomRunOptions = {}): RomRunResult {
  const stop = options.stop ?? NEVER;
  const rom = compileRom(p, bus, stop, options.maxIterations ?? DEFAULT_BUDGET.steps, options.inTime);
  const env = new Float64Array(rom.size);
  const init = (name: string, v: number): void => {
    const s = rom.slots.get(name);
    if (s !== undefined) env[s] = v;
  };
  const given = options.vars;
  for (const [k, v] of Object.entries(p.vars)) init(k, given !== undefined && Object.hasOwn(given, k) ? given[k]! : v);
  init('bdf', inv.bdf);
  init('romAddr', inv.romAddr);
  init('romSize', inv.romSize);
  let error: RomRunResult['error'];
  try {
    rom.run(env);
  } catch (e) {
    if (!(e instanceof RomStepFault)) throw e;
    error = { message: e.message, file: p.file, line: e.at.line, col: e.at.col };
  }
  const vars: Record<string, number> = {};
  for (const [k, s] of rom.slots) vars[k] = env[s]!;
  const stoppedBy = stop.fatal ?? undefined;
  return {
    program: p.name,
    ok: error === undefined && stoppedBy === undefined,
    iterations: rom.iterations,
    vars,
    ...(error !== undefined ? { error } : {}),
    ...(stoppedBy !== undefined ? { stoppedBy } : {}),
    ...(rom.overBudget !== undefined ? { overBudget: rom.overBudget } : {}),
  };
}

/**
 * The RomBus of an option ROM run by the firmware: its config accessors, the CPU view, dprintf;
 * `ioSpace` is the machine's IO space behind ctx.io (lets port writes keep their binding).
 */
export function romBusOf(ctx: FirmwareContext, ioSpace?: AddressSpace): RomBus {
  return {
    io: ctx.io,
    ...(ioSpace !== undefined ? { ioSpace } : {}),
    configRead: (bdf, off, w: Width) => (w === 4 ? ctx.configRead32(bdf, off) : w === 2 ? ctx.configRead16(bdf, off) : ctx.configRead8(bdf, off)),
    configWrite: (bdf, off, w: Width, v) => (w === 4 ? ctx.configWrite32(bdf, off, v) : w === 2 ? ctx.configWrite16(bdf, off, v) : ctx.configWrite8(bdf, off, v)),
    log: (t) => ctx.log(t),
  };
}

/**
 * A RomBus over a bare CPU view (no firmware context): config cycles through CF8/CFC (mechanism #1,
 * offsets below 256), as a real-mode option ROM does them. For running ROMs after POST and in benches.
 */
export function cpuRomBus(io: FirmwareIo, log: (text: string) => void = () => {}, ioSpace?: AddressSpace): RomBus {
  const select = (bdf: number, off: number): number => {
    io.outl(0xcf8, (0x8000_0000 | (bdf << 8) | (off & 0xfc)) >>> 0);
    return 0xcfc + (off & 3);
  };
  return {
    io,
    ...(ioSpace !== undefined ? { ioSpace } : {}),
    configRead: (bdf, off, w) => {
      const port = select(bdf, off);
      return w === 4 ? io.inl(port) : w === 2 ? io.inw(port) : io.inb(port);
    },
    configWrite: (bdf, off, w, v) => {
      const port = select(bdf, off);
      if (w === 4) io.outl(port, v);
      else if (w === 2) io.outw(port, v);
      else io.outb(port, v);
    },
    log,
  };
}
