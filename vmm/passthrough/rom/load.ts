/**
 * ROM program files (YAML) → validated RomProgram, or every problem as FILE:LINE:COL errors (the
 * same form config errors use). Never throws on bad input.
 */
import { readInputFile } from '../../frontends/config/read-input.js';
import { renderProblem } from '../../frontends/config/problems.js';
import { sortErrors, type ConfigError } from '../../frontends/config/errors.js';
import { parseHexInt } from '../../frontends/config/size.js';
import { YamlSource, type PathSeg } from '../../frontends/config/yaml-doc.js';
import { exprVars, parseExpr } from './expr.js';
import { parseBdf } from '../traps/rules.js';
import { READ_OPS, ROM_BUILTINS, WRITE_OPS, type RomProgram, type RomStep, type SrcExpr, type Width } from './program.js';

export type RomLoadResult = { readonly ok: true; readonly program: RomProgram } | { readonly ok: false; readonly errors: readonly ConfigError[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ADDR_KEY: Readonly<Record<string, string>> = {
  'config-read': 'offset', 'config-write': 'offset', 'io-read': 'port', 'io-write': 'port', 'mem-read': 'addr', 'mem-write': 'addr',
};
const OPS = [...READ_OPS, ...WRITE_OPS, 'set', 'loop', 'if', 'log'];
const TOP_KEYS = ['name', 'description', 'vars', 'steps'];
const MAX_REPORTED = 100;

class Checker {
  readonly problems: { path: PathSeg[]; message: string; prefer?: 'key' }[] = [];
  readonly defined = new Set<string>(ROM_BUILTINS);
  /** Every variable use, checked once all definitions are known. */
  readonly uses: { path: PathSeg[]; e: SrcExpr; what: string }[] = [];

  constructor(private readonly src: YamlSource) {}

  problem(path: PathSeg[], message: string, prefer?: 'key'): void {
    this.problems.push({ path, message, ...(prefer ? { prefer } : {}) });
  }

  at(path: PathSeg[]): { line: number; col: number } {
    return this.src.locate(path, 'key');
  }

  expr(v: unknown, path: PathSeg[], what: string): SrcExpr | undefined {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) return this.problem(path, `${what}: ${v} is not an integer`), undefined;
      return { expr: { k: 'num', v }, src: String(v) };
    }
    if (typeof v !== 'string') return this.problem(path, `${what}: expected a number or an expression`), undefined;
    const r = parseExpr(v);
    if (!r.ok) return this.problem(path, `${what}: ${r.message}`), undefined;
    const e = { expr: r.expr, src: v };
    this.uses.push({ path, e, what });
    return e;
  }

  name(v: unknown, path: PathSeg[], what: string): string | undefined {
    if (typeof v !== 'string' || !IDENT.test(v)) return this.problem(path, `${what}: expected a variable name (letters, digits, _)`), undefined;
    this.defined.add(v);
    return v;
  }

  width(v: unknown, path: PathSeg[]): Width | undefined {
    if (v === undefined) return 4;
    if (v === 1 || v === 2 || v === 4) return v;
    return this.problem(path, 'width: expected 1, 2 or 4'), undefined;
  }

  unknownKeys(o: Obj, allowed: readonly string[], path: PathSeg[], what: string): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.problem([...path, k], `${what}: unknown key '${k}' (expected ${allowed.join(', ')})`, 'key');
  }

  steps(v: unknown, path: PathSeg[]): RomStep[] {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) return this.problem(path, 'expected a list of steps'), [];
    const out: RomStep[] = [];
    v.forEach((s, i) => {
      const st = this.step(s, [...path, i]);
      if (st !== undefined) out.push(st);
    });
    return out;
  }

  step(s: unknown, path: PathSeg[]): RomStep | undefined {
    if (!isObj(s)) return this.problem(path, `a step is a mapping with one of: ${OPS.join(', ')}`), undefined;
    const ops = Object.keys(s).filter((k) => OPS.includes(k));
    if (ops.length !== 1) {
      return this.problem(path, ops.length === 0 ? `unknown step (expected one of: ${OPS.join(', ')})` : `one step per list item (found ${ops.join(' and ')})`), undefined;
    }
    const op = ops[0]!;
    const at = this.at([...path, op]);
    const p = [...path, op];
    const body = s[op];
    if (op === 'if') {
      this.unknownKeys(s, ['if', 'then', 'else'], path, 'if');
      const cond = this.expr(body, p, 'if');
      if (s['then'] === undefined) this.problem(path, "if: missing 'then'");
      const then = this.steps(s['then'], [...path, 'then']);
      const els = this.steps(s['else'], [...path, 'else']);
      return cond && { op, at, cond, then, else: els };
    }
    this.unknownKeys(s, [op], path, op);
    if (op === 'log') {
      if (typeof body !== 'string') return this.problem(p, 'log: expected a string'), undefined;
      const parts: (string | SrcExpr)[] = [];
      for (const piece of body.split(/(\{[^}]*\})/)) {
        if (piece.startsWith('{') && piece.endsWith('}')) {
          const e = this.expr(piece.slice(1, -1), p, 'log');
          if (e) parts.push(e);
        } else if (piece !== '') parts.push(piece);
      }
      return { op, at, parts };
    }
    if (!isObj(body)) return this.problem(p, `${op}: expected a mapping`), undefined;
    if (op === 'set') {
      const assigns: [string, SrcExpr][] = [];
      for (const [k, v] of Object.entries(body)) {
        const n = this.name(k, [...p, k], 'set');
        const e = this.expr(v, [...p, k], `set ${k}`);
        if (n && e) assigns.push([n, e]);
      }
      return { op, at, assigns };
    }
    if (op === 'loop') {
      this.unknownKeys(body, ['var', 'from', 'count', 'to', 'step', 'do'], p, 'loop');
      const v = this.name(body['var'], [...p, 'var'], 'loop var');
      const from = this.expr(body['from'] ?? 0, [...p, 'from'], 'loop from');
      const step = this.expr(body['step'] ?? 1, [...p, 'step'], 'loop step');
      if ((body['count'] === undefined) === (body['to'] === undefined)) this.problem(p, "loop: give exactly one of 'count' and 'to'");
      const count = body['count'] !== undefined ? this.expr(body['count'], [...p, 'count'], 'loop count') : undefined;
      const to = body['to'] !== undefined ? this.expr(body['to'], [...p, 'to'], 'loop to') : undefined;
      if (body['do'] === undefined) this.problem(p, "loop: missing 'do'");
      const inner = this.steps(body['do'], [...p, 'do']);
      if (!v || !from || !step) return undefined;
      return { op, at, var: v, from, step, body: inner, ...(count ? { count } : {}), ...(to ? { to } : {}) };
    }
    const key = ADDR_KEY[op]!;
    const isRead = (READ_OPS as readonly string[]).includes(op);
    const isConfig = op.startsWith('config');
    this.unknownKeys(body, [key, 'width', isRead ? 'into' : 'value', ...(isConfig ? ['bdf'] : [])], p, op);
    const addr = this.expr(body[key], [...p, key], `${op} ${key}`);
    const width = this.width(body['width'], [...p, 'width']);
    let bdf: SrcExpr | undefined;
    if (isConfig && body['bdf'] !== undefined) {
      const b = body['bdf'];
      const n = typeof b === 'string' && b.includes(':') ? parseBdf(b) : undefined;
      if (n === -1) this.problem([...p, 'bdf'], `bdf: '${String(b)}' is not bus:device.function`);
      else bdf = n !== undefined ? { expr: { k: 'num', v: n }, src: String(b) } : this.expr(b, [...p, 'bdf'], 'bdf');
    }
    if (isRead) {
      const into = this.name(body['into'], [...p, 'into'], `${op} into`);
      if (!addr || !width || !into) return undefined;
      return { op: op as (typeof READ_OPS)[number], at, addr, width, into, ...(bdf ? { bdf } : {}) };
    }
    const value = this.expr(body['value'], [...p, 'value'], `${op} value`);
    if (!addr || !width || !value) return undefined;
    return { op: op as (typeof WRITE_OPS)[number], at, addr, width, value, ...(bdf ? { bdf } : {}) };
  }
}

/** Parses and validates a ROM program's text; `file` is what error lines start with. */
export function parseRomProgram(text: string, file: string): RomLoadResult {
  const src = new YamlSource(text);
  const err = (p: { line: number; col: number }, message: string): ConfigError => ({ file, line: p.line, col: p.col, message });
  const syntax = src.syntaxErrors();
  if (syntax.length > 0) return { ok: false, errors: sortErrors(syntax.map((e) => err(e.pos, renderProblem(e.problem)))) };
  const data = src.toJS();
  const expandError = data === undefined ? src.toJSError() : undefined;
  if (expandError !== undefined) return { ok: false, errors: [err({ line: 1, col: 1 }, renderProblem(expandError))] };
  const c = new Checker(src);
  if (!isObj(data)) return { ok: false, errors: [err({ line: 1, col: 1 }, "a ROM program is a mapping with 'name' and 'steps'")] };
  // A mapping with none of a program's keys is some other YAML file: say so without quoting it.
  if (!TOP_KEYS.some((k) => Object.hasOwn(data, k))) return { ok: false, errors: [err({ line: 1, col: 1 }, "is not a ROM program (no 'name' or 'steps')")] };
  c.unknownKeys(data, TOP_KEYS, [], 'ROM program');
  const name = typeof data['name'] === 'string' ? data['name'] : '';
  if (name === '') c.problem(['name'], "ROM program: 'name' (a non-empty string) is required");
  const vars = Object.create(null) as Record<string, number>; // a var may be named __proto__
  if (data['vars'] !== undefined && data['vars'] !== null) {
    if (!isObj(data['vars'])) c.problem(['vars'], 'vars: expected a mapping of names to integers');
    else {
      for (const [k, v] of Object.entries(data['vars'])) {
        const n = parseHexInt(v);
        if (c.name(k, ['vars', k], 'vars') === undefined) continue;
        if (n === undefined) c.problem(['vars', k], `vars.${k}: expected a non-negative integer (or 0x-hex string)`);
        else vars[k] = n;
      }
    }
  }
  if (data['steps'] === undefined) c.problem([], "ROM program: 'steps' is required");
  const steps = c.steps(data['steps'], ['steps']);
  for (const { path, e, what } of c.uses) {
    for (const v of exprVars(e.expr)) if (!c.defined.has(v)) c.problem(path, `${what}: unknown variable '${v}' in '${e.src}' (not a built-in, a var, or assigned anywhere)`);
  }
  // Locating walks the document: the first MAX_REPORTED problems only.
  if (c.problems.length > 0) return { ok: false, errors: sortErrors(c.problems.slice(0, MAX_REPORTED).map((p) => err(src.locate(p.path, p.prefer ?? 'value'), p.message))) };
  const description = typeof data['description'] === 'string' ? data['description'] : '';
  return { ok: true, program: { name, description, file, vars, steps } };
}

/**
 * Reads and validates a ROM program file; an unreadable file is one error at 1:1. Only `.yaml`/`.yml`
 * files are read: a ROM reference can name any path, and nothing of a file that is not a ROM program
 * (its keys, its first line) may end up quoted in an error message.
 */
export function loadRomProgramFile(path: string): RomLoadResult {
  const fail = (message: string): RomLoadResult => ({ ok: false, errors: [{ file: path, line: 1, col: 1, message }] });
  const r = readInputFile(path);
  if (!r.ok) return fail(renderProblem(r.problem));
  if (!/\.ya?ml$/i.test(path)) return fail('is not a ROM program (a ROM program is a .yaml or .yml file)');
  return parseRomProgram(r.text, path);
}
