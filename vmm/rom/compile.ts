/**
 * Compiles a validated ROM program into closures over a Float64Array of variable slots: no tree
 * walking, no maps, no allocation while it runs. Port and memory steps call the CPU view directly,
 * so every access still goes through the machine's dispatch and the trap layer.
 */
import type { FirmwareIo } from '../../firmware/io.js';
import { compileExpr, RomFault, type ExprFn } from './expr.js';
import type { Pos, RomProgram, RomStep, SrcExpr, Width } from './program.js';

/** What a running ROM touches: the CPU's ports and memory, config cycles, the debug console. */
export interface RomBus {
  readonly io: FirmwareIo;
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
  readonly slots: ReadonlyMap<string, number>;
  readonly size: number;
  /** Loop iterations run so far (the budget counts these). */
  iterations: number;
}

const TWO32 = 0x1_0000_0000;

/** The value a `width`-byte access carries (two's complement for negatives, as a CPU register would). */
export function truncate(v: number, width: Width): number {
  if (width === 4) return v >= 0 && v < TWO32 ? v : ((v % TWO32) + TWO32) % TWO32;
  const m = width === 2 ? 0x10000 : 0x100;
  return v >= 0 && v < m ? v : ((v % m) + m) % m;
}

export function compileRom(p: RomProgram, bus: RomBus, stop: RomStopSignal, maxIterations: number): CompiledRom {
  const slots = new Map<string, number>();
  const slotOf = (name: string): number => {
    let s = slots.get(name);
    if (s === undefined) slots.set(name, (s = slots.size));
    return s;
  };
  const state: CompiledRom = { run: () => {}, slots, size: 0, iterations: 0 };
  const io = bus.io;
  const ex = (e: SrcExpr): ExprFn => compileExpr(e.expr, slotOf);
  const bdfSlot = slotOf('bdf');

  const seq = (steps: readonly RomStep[]): Op => {
    const ops = steps.map(step);
    if (ops.length === 0) return () => {};
    if (ops.length === 1) return ops[0]!;
    if (ops.length === 2) {
      const [a, b] = ops as [Op, Op];
      return (env) => (a(env), b(env));
    }
    return (env) => {
      for (let i = 0; i < ops.length; i++) ops[i]!(env);
    };
  };

  const step = (s: RomStep): Op => {
    switch (s.op) {
      case 'set': {
        const pairs = s.assigns.map(([n, e]) => [slotOf(n), ex(e)] as const);
        if (pairs.length === 1) {
          const [slot, f] = pairs[0]!;
          return (env) => void (env[slot] = f(env));
        }
        return (env) => {
          for (const [slot, f] of pairs) env[slot] = f(env);
        };
      }
      case 'if': {
        const c = ex(s.cond);
        const t = seq(s.then);
        const e = seq(s.else);
        return (env) => (c(env) !== 0 ? t(env) : e(env));
      }
      case 'log': {
        const parts = s.parts.map((x) => (typeof x === 'string' ? x : ex(x)));
        return (env) => bus.log(parts.map((x) => (typeof x === 'string' ? x : `0x${truncate(x(env), 4).toString(16)}`)).join(''));
      }
      case 'loop':
        return loop(s);
      case 'config-read': {
        const b = s.bdf ? ex(s.bdf) : (env: Float64Array) => env[bdfSlot]!;
        const a = ex(s.addr);
        const into = slotOf(s.into);
        const w = s.width;
        return (env) => void (env[into] = bus.configRead(b(env), a(env), w));
      }
      case 'config-write': {
        const b = s.bdf ? ex(s.bdf) : (env: Float64Array) => env[bdfSlot]!;
        const a = ex(s.addr);
        const v = ex(s.value);
        const w = s.width;
        return (env) => bus.configWrite(b(env), a(env), w, truncate(v(env), w));
      }
      case 'io-read': {
        const a = ex(s.addr);
        const into = slotOf(s.into);
        const rd = s.width === 4 ? io.inl : s.width === 2 ? io.inw : io.inb;
        return (env) => void (env[into] = rd(a(env)));
      }
      case 'io-write': {
        const a = ex(s.addr);
        const v = ex(s.value);
        const w = s.width;
        if (w === 4) {
          const out = io.outl;
          return (env) => out(a(env), truncate(v(env), 4));
        }
        const out = w === 2 ? io.outw : io.outb;
        return (env) => out(a(env), truncate(v(env), w));
      }
      case 'mem-read': {
        const a = ex(s.addr);
        const into = slotOf(s.into);
        const w = s.width;
        return (env) => void (env[into] = io.readMem(a(env), w));
      }
      case 'mem-write': {
        const a = ex(s.addr);
        const v = ex(s.value);
        const w = s.width;
        return (env) => io.writeMem(a(env), w, truncate(v(env), w));
      }
    }
  };

  const loop = (s: RomStep & { op: 'loop' }): Op => {
    const v = slotOf(s.var);
    const from = ex(s.from);
    const stepF = ex(s.step);
    const count = s.count ? ex(s.count) : undefined;
    const to = s.to ? ex(s.to) : undefined;
    const body = seq(s.body);
    const at = s.at;
    return (env) => {
      const f = from(env);
      const d = stepF(env);
      let n: number;
      if (count !== undefined) n = Math.max(0, Math.floor(count(env)));
      else {
        if (d <= 0) throw new RomStepFault(`loop step must be positive with 'to' (got ${d})`, at);
        n = Math.max(0, Math.ceil((to!(env) - f) / d));
      }
      if (state.iterations + n > maxIterations) throw new RomStepFault(`loop of ${n} iterations exceeds the ROM's budget of ${maxIterations}`, at);
      state.iterations += n;
      for (let i = 0; i < n; i++) {
        env[v] = f + i * d;
        body(env);
        if (stop.fatal !== null) return;
      }
    };
  };

  // Top-level steps keep their position so a fault names the step it happened in.
  const top = p.steps.map((s) => ({ op: step(s), at: s.at }));
  state.run = (env: Float64Array): void => {
    for (const t of top) {
      if (stop.fatal !== null) return;
      try {
        t.op(env);
      } catch (e) {
        if (e instanceof RomFault) throw new RomStepFault(e.message, t.at);
        throw e;
      }
    }
  };
  // Reserve every slot now (compilation assigned them) so env can be sized.
  (state as { size: number }).size = slots.size;
  return state;
}
