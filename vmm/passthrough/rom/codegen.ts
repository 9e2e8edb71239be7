/**
 * ROM programs to JavaScript source: one function whose loops are plain `for` loops and whose
 * expressions are inline arithmetic over the slot array `v`, so V8 compiles a GTT fill into a tight
 * loop. Only validated ASTs reach here: identifiers become slot indexes and numbers numeric literals,
 * so no program text is ever pasted into the source.
 */
import { applyBinary, type Expr } from './expr.js';
import type { RomStep, SrcExpr, WriteStep } from './program.js';

/** Helper names the generated code calls (see compile.ts for their definitions). */
export const HELPERS = ['U', 'AND', 'OR', 'XOR', 'NOT', 'SHL', 'SHR', 'DIV', 'MOD', 'T4', 'T2', 'T1', 'HEX'] as const;

const lit = (n: number): string => (n < 0 || Object.is(n, -0) ? `(${n})` : String(n));

function hasDivision(e: Expr): boolean {
  if (e.k === 'bin') return e.op === '/' || e.op === '%' || hasDivision(e.a) || hasDivision(e.b);
  if (e.k === 'un') return hasDivision(e.a);
  if (e.k === 'cond') return hasDivision(e.c) || hasDivision(e.a) || hasDivision(e.b);
  return false;
}

export class CodeGen {
  private readonly lines: string[] = [];
  /** Per-op binding caches declared at function scope. */
  readonly decls: string[] = [];
  /** Source positions by step id (faults report the step they happened in). */
  readonly positions: RomStep['at'][] = [];
  private nextOp = 0;

  constructor(private readonly slotOf: (name: string) => number, private readonly bound: boolean) {}

  expr(e: Expr): string {
    switch (e.k) {
      case 'num':
        return lit(e.v);
      case 'var':
        return `v[${this.slotOf(e.name)}]`;
      case 'cond':
        return `(${this.expr(e.c)} !== 0 ? ${this.expr(e.a)} : ${this.expr(e.b)})`;
      case 'un': {
        if (e.a.k === 'num') return lit(e.op === '-' ? -e.a.v : e.op === '!' ? (e.a.v === 0 ? 1 : 0) : 2 ** 53 - 1 - e.a.v);
        const a = this.expr(e.a);
        return e.op === '-' ? `(-${a})` : e.op === '!' ? `(${a} === 0 ? 1 : 0)` : `NOT(${a})`;
      }
      case 'bin':
        return this.binary(e.op, e.a, e.b);
    }
  }

  private binary(op: string, ea: Expr, eb: Expr): string {
    if (ea.k === 'num' && eb.k === 'num' && op !== '/' && op !== '%') return lit(applyBinary(op, ea.v, eb.v));
    const a = this.expr(ea);
    const b = this.expr(eb);
    switch (op) {
      case '+': case '-': case '*':
        return `(${a} ${op} ${b})`;
      case '==': return `(${a} === ${b} ? 1 : 0)`;
      case '!=': return `(${a} !== ${b} ? 1 : 0)`;
      case '<': case '<=': case '>': case '>=':
        return `(${a} ${op} ${b} ? 1 : 0)`;
      case '&&': return `(${a} !== 0 && ${b} !== 0 ? 1 : 0)`;
      case '||': return `(${a} !== 0 || ${b} !== 0 ? 1 : 0)`;
      case '&': return this.bitwise('AND', '&', a, b);
      case '|': return this.bitwise('OR', '|', a, b);
      case '^': return this.bitwise('XOR', '^', a, b);
      case '/': return `DIV(${a}, ${b})`;
      case '%': return `MOD(${a}, ${b})`;
      case '<<':
        return eb.k === 'num' ? (eb.v >= 0 && eb.v < 64 ? this.u53(`${a} * ${2 ** eb.v}`) : '0') : `SHL(${a}, ${b})`;
      case '>>':
        return eb.k === 'num' ? (eb.v >= 0 && eb.v < 64 ? `Math.floor(${this.u53(a)} / ${2 ** eb.v})` : '0') : `SHR(${a}, ${b})`;
    }
    throw new Error(`bug: operator ${op}`);
  }

  /**
   * The helpers' common case spelled out in the generated code, the helper called only outside it: each call
   * inlined into the program costs V8's per-function inlining budget (TurboFan's cumulative bytecode limit), which
   * the port handlers behind a loop's writes need more (docs/performance.md §15). Operands go
   * through function-local temporaries, evaluated once and in order, so the value is the helper's, bit for bit.
   */
  private temp(): string {
    return `t${this.temps++}`;
  }
  private temps = 0;

  /** u53 (compile.ts): x when 0 ≤ x < 2^53, else U(x). */
  private u53(a: string): string {
    const t = this.temp();
    return `(${t} = ${a}, ${t} >= 0 && ${t} < ${2 ** 53} ? ${t} : U(${t}))`;
  }

  /** AND/OR/XOR (compile.ts): the 32-bit operation when both operands are uint32, else the helper. */
  private bitwise(helper: string, op: string, a: string, b: string): string {
    const ta = this.temp();
    const tb = this.temp();
    return `(${ta} = ${a}, ${tb} = ${b}, ${ta} >= 0 && ${tb} >= 0 && ${ta} < ${2 ** 32} && ${tb} < ${2 ** 32} ? (${ta} ${op} ${tb}) >>> 0 : ${helper}(${ta}, ${tb}))`;
  }

  /** T4 (compile.ts): x when it is already a uint32, else the truncation. */
  private t4(a: string): string {
    const t = this.temp();
    return `(${t} = ${a}, ${t} >= 0 && ${t} < ${2 ** 32} ? ${t} : T4(${t}))`;
  }

  /** Function-local temporaries the inlined helpers use (declared at the top of the generated function). */
  tempDecl(): string {
    return this.temps === 0 ? '' : `let ${Array.from({ length: this.temps }, (_, i) => `t${i} = 0`).join(', ')};`;
  }

  private x(e: SrcExpr): string {
    return this.expr(e.expr);
  }

  private emit(indent: number, text: string): void {
    this.lines.push('  '.repeat(indent) + text);
  }

  /** Marks the current step for fault positions when it can fault. */
  private mark(indent: number, s: RomStep, canFault: boolean): void {
    if (!canFault) return;
    this.positions.push(s.at);
    this.emit(indent, `st.at = ${this.positions.length - 1};`);
  }

  steps(list: readonly RomStep[], indent: number, top: boolean): void {
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      const next = list[i + 1];
      if (top) this.emit(indent, 'if (stop.fatal !== null) return;');
      if (!top && this.bound && s.op === 'io-write' && next?.op === 'io-write' && !stepExprs(next).some((e) => hasDivision(e.expr))) {
        this.mark(indent, s, stepExprs(s).some((e) => hasDivision(e.expr)));
        this.ioWritePair(s, next, indent);
        i++;
      } else this.step(s, indent);
    }
  }

  private step(s: RomStep, ind: number): void {
    const exprs = stepExprs(s);
    this.mark(ind, s, s.op === 'loop' || exprs.some((e) => hasDivision(e.expr)));
    switch (s.op) {
      case 'set':
        for (const [n, e] of s.assigns) this.emit(ind, `v[${this.slotOf(n)}] = ${this.x(e)};`);
        return;
      case 'if':
        this.emit(ind, `if (${this.x(s.cond)} !== 0) {`);
        this.steps(s.then, ind + 1, false);
        this.emit(ind, '} else {');
        this.steps(s.else, ind + 1, false);
        this.emit(ind, '}');
        return;
      case 'log': {
        const parts = s.parts.map((p) => (typeof p === 'string' ? JSON.stringify(p) : `HEX(${this.x(p)})`));
        this.emit(ind, `bus.log(${parts.join(' + ') || '""'});`);
        return;
      }
      case 'loop': {
        const id = this.positions.length - 1;
        this.emit(ind, '{');
        this.emit(ind + 1, `const f = ${this.x(s.from)}, d = ${this.x(s.step)};`);
        if (s.count !== undefined) this.emit(ind + 1, `const n = Math.max(0, Math.floor(${this.x(s.count)}));`);
        else {
          this.emit(ind + 1, `if (!(d > 0)) { st.at = ${id}; throw new F('loop step must be positive with \\'to\\' (got ' + d + ')'); }`);
          this.emit(ind + 1, `const n = Math.max(0, Math.ceil((${this.x(s.to!)} - f) / d));`);
        }
        // NaN or Infinity (a count computed from a huge product) would make the budget comparison false
        // and the iteration counter NaN for every later loop: refuse it as a fault.
        this.emit(ind + 1, `if (!Number.isFinite(n) || !Number.isFinite(f) || !Number.isFinite(d)) { st.at = ${id}; throw new F('loop bounds are not finite numbers (from ' + f + ', step ' + d + ', ' + n + ' iterations)'); }`);
        this.emit(ind + 1, `if (st.iterations + n > MAX) { st.at = ${id}; st.overBudget = 'steps'; throw new F('loop of ' + n + ' iterations exceeds the ROM\\'s budget of ' + MAX); }`);
        this.emit(ind + 1, 'st.iterations += n;');
        this.emit(ind + 1, 'for (let i = 0; i < n; i++) {');
        this.emit(ind + 2, `if ((i & 0xffff) === 0xffff && !st.inTime()) { st.at = ${id}; st.overBudget = 'ms'; throw new F('ROM ran out of its wall-clock budget'); }`);
        this.emit(ind + 2, `v[${this.slotOf(s.var)}] = f + i * d;`);
        this.steps(s.body, ind + 2, false);
        this.emit(ind + 2, 'if (stop.fatal !== null) return;');
        this.emit(ind + 1, '}');
        this.emit(ind, '}');
        return;
      }
      case 'config-read': {
        const b = s.bdf ? this.x(s.bdf) : `v[${this.slotOf('bdf')}]`;
        this.emit(ind, `v[${this.slotOf(s.into)}] = bus.configRead(${b}, ${this.x(s.addr)}, ${s.width});`);
        return;
      }
      case 'config-write': {
        const b = s.bdf ? this.x(s.bdf) : `v[${this.slotOf('bdf')}]`;
        this.emit(ind, `bus.configWrite(${b}, ${this.x(s.addr)}, ${s.width}, T${s.width}(${this.x(s.value)}));`);
        return;
      }
      case 'io-read':
        this.emit(ind, `v[${this.slotOf(s.into)}] = io.${s.width === 4 ? 'inl' : s.width === 2 ? 'inw' : 'inb'}(${this.x(s.addr)});`);
        return;
      case 'mem-read':
        this.emit(ind, `v[${this.slotOf(s.into)}] = io.readMem(${this.x(s.addr)}, ${s.width});`);
        return;
      case 'mem-write':
        this.emit(ind, `io.writeMem(${this.x(s.addr)}, ${s.width}, T${s.width}(${this.x(s.value)}));`);
        return;
      case 'io-write':
        this.ioWrite(s, ind);
        return;
    }
  }

  /**
   * Two port writes in a row inside a loop (the vBIOS's index then data): each keeps its own binding (ioBinding), and
   * when both ports last landed in one handler at the same generation and the handler offers the pair
   * (IoHandler.forPair), the loop body checks both exact ports and the generation and makes one call with the values'
   * int32 bit patterns (PairWriter: not boxed). Otherwise the two bound writes run as before, and pair<k> (out of the
   * loop body) tries to bind the pair once per ports and generation: a handler that offers no pair costs one check.
   * The second step's operands are evaluated before the first write: they read only slots, which a port write does
   * not change, and they cannot fault (steps() fuses only such a step).
   */
  private ioWritePair(s1: WriteStep, s2: WriteStep, ind: number): void {
    const a = this.ioBinding(s1);
    const b = this.ioBinding(s2);
    const j = this.nextPair++;
    // pp/pq: the ports last tried; pt: the generation they were tried at; pg: the generation P is bound at (or -1).
    this.decls.push(`let pg${j} = -1, pt${j} = -1, pp${j} = NaN, pq${j} = NaN, P${j} = null;`);
    this.decls.push(`function pair${j}(p, q) {`);
    this.decls.push(`  pp${j} = p; pq${j} = q; pg${j} = -1; pt${j} = -1;`);
    this.decls.push(`  if (p !== pk${a.k} || q !== pk${b.k} || g${a.k} !== sp.generation || g${b.k} !== g${a.k}) return;`);
    this.decls.push(`  pt${j} = g${a.k};`);
    this.decls.push(`  if (h${a.k} !== h${b.k} || h${a.k}.forPair === undefined) return;`);
    this.decls.push(`  const f = h${a.k}.forPair(ok${a.k}, ${a.w}, ok${b.k}, ${b.w});`);
    this.decls.push(`  if (f !== undefined) { P${j} = f; pg${j} = g${a.k}; }`);
    this.decls.push('}');
    this.emit(ind, `{ const p = ${this.x(s1.addr)}, x = ${a.value}, q = ${this.x(s2.addr)}, y = ${b.value};`);
    this.emit(ind + 1, `if (p === pp${j} && q === pq${j} && pg${j} === sp.generation) P${j}.writePair(x | 0, y | 0);`);
    this.emit(ind + 1, 'else {');
    this.emit(ind + 2, `if (p === pk${a.k} && g${a.k} === sp.generation) n${a.k}.write(ok${a.k}, ${a.w}, x);`);
    this.emit(ind + 2, `else { xs[0] = x; bind${a.k}(p); }`);
    this.emit(ind + 2, `if (q === pk${b.k} && g${b.k} === sp.generation) n${b.k}.write(ok${b.k}, ${b.w}, y);`);
    this.emit(ind + 2, `else { xs[0] = y; bind${b.k}(q); }`);
    this.emit(ind + 2, `if (p !== pp${j} || q !== pq${j} || pt${j} !== sp.generation) pair${j}(p, q);`);
    this.emit(ind + 1, '}');
    this.emit(ind, '}');
  }
  private nextPair = 0;

  /** With the IO space known, each port write keeps a binding (generation + segment) to its handler. */
  private ioWrite(s: WriteStep, ind: number): void {
    const w = s.width;
    if (!this.bound) {
      this.emit(ind, `io.${w === 4 ? 'outl' : w === 2 ? 'outw' : 'outb'}(${this.x(s.addr)}, T${w}(${this.x(s.value)}));`);
      return;
    }
    const { k, value } = this.ioBinding(s);
    this.emit(ind, `{ const p = ${this.x(s.addr)}, x = ${value};`);
    this.emit(ind + 1, `if (p === pk${k} && g${k} === sp.generation) n${k}.write(ok${k}, ${w}, x);`);
    this.emit(ind + 1, `else { xs[0] = x; bind${k}(p); }`);
    this.emit(ind, '}');
  }

  /** A port write's binding variables and rebinding function (ioWrite), and the source of its truncated value. */
  private ioBinding(s: WriteStep): { k: number; w: 1 | 2 | 4; value: string } {
    const w = s.width;
    const k = this.nextOp++;
    // The binding's segment [lo, hi) and handler h hold while the space's generation is g. The loop body checks only
    // the exact port it last used (pk, at handler offset ok) and the generation, and calls n: h narrowed to that
    // offset when h offers it (IoHandler.forOffset: the same accesses, the offset dispatch done once). Any other
    // port goes to bind${k}, out of the loop body (so V8 spends the loop's inlining budget on the handler's write, not
    // on AddressSpace.resolve): it uses the binding for a port inside the segment, as before, and otherwise resolves
    // the port again. A port whose access would cross the segment's end, or NaN, never becomes pk, so it resolves
    // every time, as it did. The value reaches bind${k} through the slot xs: a call argument used on both paths
    // would make V8 box the value (a heap number above 2^31) before the branch, on every write.
    this.decls.push(`let g${k} = -1, lo${k} = 0, hi${k} = 0, b${k} = 0, h${k} = null, pk${k} = NaN, ok${k} = 0, n${k} = null;`);
    this.decls.push(`function bind${k}(p) {`);
    this.decls.push('  const x = xs[0];');
    this.decls.push(`  if (g${k} !== sp.generation || p < lo${k} || p + ${w} > hi${k}) {`);
    this.decls.push(`    if (!sp.resolve(p)) { sp.write(p, ${w}, x); return; }`);
    this.decls.push(`    h${k} = sp.resolvedHandler; b${k} = sp.resolvedBase; lo${k} = sp.resolvedStart; hi${k} = sp.resolvedEnd; g${k} = sp.generation; pk${k} = NaN;`);
    this.decls.push(`    if (p + ${w} > hi${k}) { h${k}.write(p - b${k}, ${w}, x); return; }`);
    this.decls.push('  }');
    this.decls.push(`  pk${k} = p; ok${k} = p - b${k}; n${k} = h${k}.forOffset !== undefined ? h${k}.forOffset(ok${k}) : h${k};`);
    this.decls.push(`  n${k}.write(ok${k}, ${w}, x);`);
    this.decls.push('}');
    return { k, w, value: w === 4 ? this.t4(this.x(s.value)) : `T${w}(${this.x(s.value)})` };
  }

  source(): string {
    return this.lines.join('\n');
  }
}

function stepExprs(s: RomStep): SrcExpr[] {
  switch (s.op) {
    case 'set': return s.assigns.map(([, e]) => e);
    case 'if': return [s.cond];
    case 'log': return s.parts.filter((p): p is SrcExpr => typeof p !== 'string');
    case 'loop': return [s.from, s.step, ...(s.count ? [s.count] : []), ...(s.to ? [s.to] : [])];
    case 'config-read': case 'io-read': case 'mem-read': return [s.addr, ...(s.bdf ? [s.bdf] : [])];
    default: return [s.addr, s.value, ...(s.bdf ? [s.bdf] : [])];
  }
}
