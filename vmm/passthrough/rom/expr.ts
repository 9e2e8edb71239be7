/**
 * Expressions of ROM programs: C-like integer arithmetic on unsigned values up to 2^53 (64-bit
 * addresses such as a gen 11 BDSM fit), parsed once and compiled to closures over a slot array.
 * Operators, loosest first: ?: || && | ^ & == != < <= > >= << >> + - * / % and unary - ~ !.
 */

import { own } from '../../../devices/own.js';

export type Expr =
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'var'; readonly name: string }
  | { readonly k: 'un'; readonly op: string; readonly a: Expr }
  | { readonly k: 'bin'; readonly op: string; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'cond'; readonly c: Expr; readonly a: Expr; readonly b: Expr };

/** A compiled expression: reads variables from `env` by slot. */
export type ExprFn = (env: Float64Array) => number;

/** A runtime fault inside a ROM program (division by zero, ...); the runner turns it into an event. */
export class RomFault extends Error {}

const TWO32 = 0x1_0000_0000;
const TWO53 = 2 ** 53;
/** Bounds of one expression (ROM programs' longest is ~12 tokens, 3 levels). */
export const MAX_TOKENS = 512;
export const MAX_DEPTH = 64;
const BIN_PREC: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '<=': 7, '>': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
/** One token after optional blanks; compiled sticky per parse (a shared regex would carry lastIndex between callers). */
const TOKEN_SOURCE = /\s*(0x[0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^~!<>()?:])/.source;

/** Parses `src`; errors name the character column inside the expression. */
export function parseExpr(src: string): { ok: true; expr: Expr } | { ok: false; message: string } {
  const toks: { t: string; at: number }[] = [];
  const token = new RegExp(TOKEN_SOURCE, 'y');
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    token.lastIndex = pos;
    const m = token.exec(src);
    if (m === null) return { ok: false, message: `unexpected '${src.slice(pos).trim()[0]}' at column ${pos + 1} of '${src}'` };
    toks.push({ t: m[1]!, at: pos + m[0].indexOf(m[1]!) });
    pos = token.lastIndex;
    if (toks.length > MAX_TOKENS) return { ok: false, message: `expression has more than ${MAX_TOKENS} tokens` };
  }
  let i = 0;
  const fail = (msg: string): never => {
    throw new SyntaxError(msg);
  };
  const peek = (): string | undefined => toks[i]?.t;
  const where = (): string => (i < toks.length ? `at column ${toks[i]!.at + 1}` : 'at the end');
  // Parsing, validating and compiling all recurse over the tree: bound its nesting.
  let depth = 0;
  const nest = <T>(f: () => T): T => {
    if (++depth > MAX_DEPTH) fail(`expression nests deeper than ${MAX_DEPTH} levels in '${src.length > 60 ? src.slice(0, 60) + '...' : src}'`);
    try {
      return f();
    } finally {
      depth--;
    }
  };
  const primary = (): Expr => nest(primaryInner);
  const primaryInner = (): Expr => {
    const t = toks[i++]?.t;
    if (t === undefined) return fail(`expression ends too early in '${src}'`);
    if (/^(0x[0-9a-fA-F]+|\d+)$/.test(t)) {
      const v = Number(t);
      if (!Number.isSafeInteger(v)) fail(`number ${t} is too large (max 2^53 - 1)`);
      return { k: 'num', v };
    }
    if (/^[A-Za-z_]/.test(t)) return { k: 'var', name: t };
    if (t === '(') {
      const e = ternary();
      if (toks[i++]?.t !== ')') fail(`missing ')' ${where()} in '${src}'`);
      return e;
    }
    if (t === '-' || t === '~' || t === '!') return { k: 'un', op: t, a: primary() };
    if (t === '+') return primary();
    i--;
    return fail(`unexpected '${t}' ${where()} in '${src}'`);
  };
  const binary = (minPrec: number): Expr => {
    let a = primary();
    for (;;) {
      const op = peek();
      const p = op === undefined ? undefined : own(BIN_PREC, op);
      if (p === undefined || p < minPrec) return a;
      i++;
      a = { k: 'bin', op: op!, a, b: binary(p + 1) };
    }
  };
  const ternary = (): Expr => {
    const c = binary(1);
    if (peek() !== '?') return c;
    i++;
    const a = ternary();
    if (toks[i++]?.t !== ':') fail(`missing ':' ${where()} in '${src}'`);
    return { k: 'cond', c, a, b: ternary() };
  };
  try {
    if (toks.length === 0) return { ok: false, message: 'empty expression' };
    const e = ternary();
    if (i < toks.length) fail(`unexpected '${toks[i]!.t}' ${where()} in '${src}'`);
    return { ok: true, expr: e };
  } catch (e) {
    if (e instanceof SyntaxError) return { ok: false, message: e.message };
    throw e;
  }
}

/** Names the expression reads. */
export function exprVars(e: Expr, out: Set<string> = new Set()): Set<string> {
  if (e.k === 'var') out.add(e.name);
  else if (e.k === 'un') exprVars(e.a, out);
  else if (e.k === 'bin') (exprVars(e.a, out), exprVars(e.b, out));
  else if (e.k === 'cond') (exprVars(e.c, out), exprVars(e.a, out), exprVars(e.b, out));
  return out;
}

const u53 = (x: number): number => (x >= 0 && x < TWO53 ? x : ((x % TWO53) + TWO53) % TWO53);

/** Bitwise op over 53 bits, split into a 21-bit high part and a 32-bit low part. */
function bitop(op: string, x: number, y: number): number {
  if (x >= 0 && y >= 0 && x < TWO32 && y < TWO32) {
    return (op === '&' ? x & y : op === '|' ? x | y : x ^ y) >>> 0;
  }
  const a = u53(x);
  const b = u53(y);
  const ah = Math.floor(a / TWO32);
  const bh = Math.floor(b / TWO32);
  const al = a >>> 0;
  const bl = b >>> 0;
  const h = op === '&' ? ah & bh : op === '|' ? ah | bh : ah ^ bh;
  const l = op === '&' ? al & bl : op === '|' ? al | bl : al ^ bl;
  return h * TWO32 + (l >>> 0);
}

export function applyBinary(op: string, x: number, y: number): number {
  switch (op) {
    case '+': return x + y;
    case '-': return x - y;
    case '*': return x * y;
    case '/':
      if (y === 0) throw new RomFault('division by zero');
      return Math.trunc(x / y);
    case '%':
      if (y === 0) throw new RomFault('division by zero');
      return x % y;
    case '<<': return y >= 0 && y < 64 ? u53(x * 2 ** y) : 0;
    case '>>': return y >= 0 && y < 64 ? Math.floor(u53(x) / 2 ** y) : 0;
    case '&': case '|': case '^': return bitop(op, x, y);
    case '&&': return x !== 0 && y !== 0 ? 1 : 0;
    case '||': return x !== 0 || y !== 0 ? 1 : 0;
    case '==': return x === y ? 1 : 0;
    case '!=': return x !== y ? 1 : 0;
    case '<': return x < y ? 1 : 0;
    case '<=': return x <= y ? 1 : 0;
    case '>': return x > y ? 1 : 0;
    case '>=': return x >= y ? 1 : 0;
  }
  throw new Error(`bug: operator ${op}`);
}

function applyUnary(op: string, x: number): number {
  return op === '-' ? -x : op === '!' ? (x === 0 ? 1 : 0) : TWO53 - 1 - u53(x);
}

/** Compiles to a closure; constants fold, and the shapes a GTT loop uses get their own closures. */
export function compileExpr(e: Expr, slotOf: (name: string) => number): ExprFn {
  switch (e.k) {
    case 'num': {
      const v = e.v;
      return () => v;
    }
    case 'var': {
      const s = slotOf(e.name);
      return (env) => env[s]!;
    }
    case 'un': {
      if (e.a.k === 'num') {
        const v = applyUnary(e.op, e.a.v);
        return () => v;
      }
      const a = compileExpr(e.a, slotOf);
      const op = e.op;
      return (env) => applyUnary(op, a(env));
    }
    case 'cond': {
      const c = compileExpr(e.c, slotOf);
      const a = compileExpr(e.a, slotOf);
      const b = compileExpr(e.b, slotOf);
      return (env) => (c(env) !== 0 ? a(env) : b(env));
    }
    case 'bin':
      return compileBinary(e.op, e.a, e.b, slotOf);
  }
}

function compileBinary(op: string, ea: Expr, eb: Expr, slotOf: (name: string) => number): ExprFn {
  if (ea.k === 'num' && eb.k === 'num') {
    const v = applyBinary(op, ea.v, eb.v);
    return () => v;
  }
  const a = compileExpr(ea, slotOf);
  const b = compileExpr(eb, slotOf);
  // Shifts by a constant are multiplications by a constant: no pow per evaluation.
  if ((op === '<<' || op === '>>') && eb.k === 'num') {
    const n = eb.v;
    if (n < 0 || n >= 64) return () => 0;
    const f = 2 ** n;
    return op === '<<' ? (env) => u53(a(env) * f) : (env) => Math.floor(u53(a(env)) / f);
  }
  switch (op) {
    case '&&': return (env) => (a(env) !== 0 && b(env) !== 0 ? 1 : 0);
    case '||': return (env) => (a(env) !== 0 || b(env) !== 0 ? 1 : 0);
    case '+': return (env) => a(env) + b(env);
    case '-': return (env) => a(env) - b(env);
    case '*': return (env) => a(env) * b(env);
    case '==': return (env) => (a(env) === b(env) ? 1 : 0);
    case '!=': return (env) => (a(env) !== b(env) ? 1 : 0);
    case '<': return (env) => (a(env) < b(env) ? 1 : 0);
    case '>=': return (env) => (a(env) >= b(env) ? 1 : 0);
    case '|': return (env) => {
      const x = a(env);
      const y = b(env);
      return x >= 0 && y >= 0 && x < TWO32 && y < TWO32 ? (x | y) >>> 0 : bitop('|', x, y);
    };
    case '&': return (env) => {
      const x = a(env);
      const y = b(env);
      return x >= 0 && y >= 0 && x < TWO32 && y < TWO32 ? (x & y) >>> 0 : bitop('&', x, y);
    };
    default: return (env) => applyBinary(op, a(env), b(env));
  }
}
