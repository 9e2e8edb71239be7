/**
 * Compiles a validated ROM program into one JavaScript function over a Float64Array of variable
 * slots (codegen.ts): no tree walking, no maps, no allocation while it runs. Port and memory steps
 * call the CPU view, so every access still goes through the machine's dispatch and the trap layer.
 */
import type { FirmwareIo } from '../../../firmware/io.js';
import type { AddressSpace } from '../../core/bus/address-space.js';
import { CodeGen, HELPERS } from './codegen.js';
import { applyBinary, RomFault } from './expr.js';
import type { Pos, RomProgram, Width } from './program.js';

/** What a running ROM touches: the CPU's ports and memory, config cycles, the debug console. */
export interface RomBus {
  readonly io: FirmwareIo;
  /**
   * The machine's IO address space behind `io`, when known: port writes then keep a binding to the
   * decoding handler (trap wrappers included) until the space's generation changes, instead of
   * looking the port up on every access. Same semantics, fewer lookups.
   */
  readonly ioSpace?: AddressSpace;
  configRead(bdf: number, offset: number, width: Width): number;
  configWrite(bdf: number, offset: number, width: Width, value: number): void;
  log(text: string): void;
}

/** Checked between loop iterations: a quirk's fatal error (the VM died) stops the ROM. */
export interface RomStopSignal {
  readonly fatal: string | null;
}

export type Op = (env: Float64Array) => void;

/** Raised inside the compiled program; carries the step that faulted. */
export class RomStepFault extends Error {
  constructor(message: string, readonly at: Pos) {
    super(message);
  }
}

export interface CompiledRom {
  run: Op;
  /** Id of the last step that could fault (codegen positions). */
  at: number;
  readonly slots: ReadonlyMap<string, number>;
  readonly size: number;
  /** Loop iterations run so far (the budget counts these). */
  iterations: number;
  /** Which budget ended the run, when one did. */
  overBudget: 'steps' | 'ms' | undefined;
  /** The wall-clock check loops call every 65536 iterations. */
  readonly inTime: () => boolean;
}

const TWO32 = 0x1_0000_0000;

/** The value a `width`-byte access carries (two's complement for negatives, as a CPU register would). */
export function truncate(v: number, width: Width): number {
  if (width === 4) return v >= 0 && v < TWO32 ? v : ((v % TWO32) + TWO32) % TWO32;
  const m = width === 2 ? 0x10000 : 0x100;
  return v >= 0 && v < m ? v : ((v % m) + m) % m;
}

const TWO53 = 2 ** 53;
const u53 = (x: number): number => (x >= 0 && x < TWO53 ? x : ((x % TWO53) + TWO53) % TWO53);
/** The helpers generated code calls; small, so V8 inlines them into the loop. */
const HELPER_IMPLS = {
  U: u53,
  AND: (x: number, y: number): number => (x >= 0 && y >= 0 && x < TWO32 && y < TWO32 ? (x & y) >>> 0 : applyBinary('&', x, y)),
  OR: (x: number, y: number): number => (x >= 0 && y >= 0 && x < TWO32 && y < TWO32 ? (x | y) >>> 0 : applyBinary('|', x, y)),
  XOR: (x: number, y: number): number => (x >= 0 && y >= 0 && x < TWO32 && y < TWO32 ? (x ^ y) >>> 0 : applyBinary('^', x, y)),
  NOT: (x: number): number => TWO53 - 1 - u53(x),
  SHL: (x: number, n: number): number => applyBinary('<<', x, n),
  SHR: (x: number, n: number): number => applyBinary('>>', x, n),
  DIV: (x: number, y: number): number => applyBinary('/', x, y),
  MOD: (x: number, y: number): number => applyBinary('%', x, y),
  T4: (x: number): number => (x >= 0 && x < TWO32 ? x : truncate(x, 4)),
  T2: (x: number): number => truncate(x, 2),
  T1: (x: number): number => truncate(x, 1),
  HEX: (x: number): string => `0x${truncate(x, 4).toString(16)}`,
} satisfies Record<(typeof HELPERS)[number], unknown>;

/**
 * Compiles the program to one JavaScript function (codegen.ts) over a slot array. Port writes go
 * through `bus.ioSpace` bindings when the bus has one, else through the CPU view's out*.
 */
export function compileRom(p: RomProgram, bus: RomBus, stop: RomStopSignal, maxIterations: number, inTime: () => boolean = () => true): CompiledRom {
  const slots = new Map<string, number>();
  const slotOf = (name: string): number => {
    let s = slots.get(name);
    if (s === undefined) slots.set(name, (s = slots.size));
    return s;
  };
  slotOf('bdf');
  const gen = new CodeGen(slotOf, bus.ioSpace !== undefined);
  gen.steps(p.steps, 1, true);
  const source = gen.source();
  const slot = gen.decls.length > 0 ? ['const xs = new Float64Array(1);'] : [];
  const body = [...slot, ...gen.decls, 'return function run(v) {', gen.tempDecl(), source, '};'].join('\n');
  const state: CompiledRom = { run: () => {}, slots, size: slots.size, iterations: 0, at: -1, overBudget: undefined, inTime };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- source built from a validated AST only (see codegen.ts)
  const factory = new Function('bus', 'io', 'sp', 'stop', 'st', 'MAX', 'F', ...HELPERS, body) as (...args: unknown[]) => Op;
  const inner = factory(bus, bus.io, bus.ioSpace, stop, state, maxIterations, RomFault, ...HELPERS.map((h) => HELPER_IMPLS[h]));
  const positions = gen.positions;
  state.run = (env: Float64Array): void => {
    try {
      inner(env);
    } catch (e) {
      if (!(e instanceof RomFault)) throw e;
      const at = positions[state.at] ?? p.steps[0]?.at ?? { line: 1, col: 1 };
      throw new RomStepFault(e.message, at);
    }
  };
  return state;
}
