/**
 * ROM program files (YAML) → validated RomProgram, or every problem as FILE:LINE:COL errors (the
 * same form config errors use). Never throws on bad input.
 */
import { readInputFile } from '../../frontends/config/read-input.js';
import { locatedError, sortErrors, type ConfigError } from '../../frontends/config/errors.js';
import { parseHexInt } from '../../frontends/config/size.js';
import { YamlSource, type PathSeg } from '../../frontends/config/yaml-doc.js';
import { exprVars, parseExpr } from './expr.js';
import { parseBdf } from '../traps/rules.js';
import { READ_OPS, ROM_BUILTINS, WRITE_OPS, type RomProgram, type RomStep, type SrcExpr, type Width } from './program.js';
import { renderRomProblem, type RomProblem, type RomProblemBody } from './problems.js';
import { ADDRESS_KEY, ROM_STEP_KINDS, ROM_TOP_KEYS, stepBodyKeys } from './kinds.js';

export type RomLoadResult = { readonly ok: true; readonly program: RomProgram } | { readonly ok: false; readonly errors: readonly ConfigError[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The step kinds and every step's keys are the schema's (schema.ts): one definition of the language.
const OPS: readonly string[] = ROM_STEP_KINDS;
const MAX_REPORTED = 100;

/** Checks a program against the schema's shape and what no schema can say (expressions, variables). */
class Checker {
  readonly problems: RomProblem[] = [];
  readonly defined = new Set<string>(ROM_BUILTINS);
  /** Every variable use, checked once all definitions are known. */
  readonly uses: { path: PathSeg[]; e: SrcExpr; what: string }[] = [];

  constructor(private readonly src: YamlSource) {}

  problem(path: PathSeg[], body: RomProblemBody, prefer?: 'key'): void {
    this.problems.push({ ...body, path, ...(prefer ? { prefer } : {}) });
  }

  at(path: PathSeg[]): { line: number; col: number } {
    return this.src.locate(path, 'key');
  }

  expr(v: unknown, path: PathSeg[], what: string): SrcExpr | undefined {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) return this.problem(path, { code: 'rom-not-integer', params: { what, value: v } }), undefined;
      return { expr: { k: 'num', v }, src: String(v) };
    }
    if (typeof v !== 'string') return this.problem(path, { code: 'rom-not-expr', params: { what } }), undefined;
    const r = parseExpr(v);
    if (!r.ok) return this.problem(path, { code: 'rom-expr-syntax', params: { what, detail: r.message } }), undefined;
    const e = { expr: r.expr, src: v };
    this.uses.push({ path, e, what });
    return e;
  }

  name(v: unknown, path: PathSeg[], what: string): string | undefined {
    if (typeof v !== 'string' || !IDENT.test(v)) return this.problem(path, { code: 'rom-not-name', params: { what } }), undefined;
    this.defined.add(v);
    return v;
  }

  width(v: unknown, path: PathSeg[]): Width | undefined {
    if (v === undefined) return 4;
    if (v === 1 || v === 2 || v === 4) return v;
    return this.problem(path, { code: 'rom-width', params: {} }), undefined;
  }

  unknownKeys(o: Obj, allowed: readonly string[], path: PathSeg[], what: string): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.problem([...path, k], { code: 'rom-unknown-key', params: { what, key: k, allowed } }, 'key');
  }

  steps(v: unknown, path: PathSeg[]): RomStep[] {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) return this.problem(path, { code: 'rom-steps-not-list', params: {} }), [];
    const out: RomStep[] = [];
    v.forEach((s, i) => {
      const st = this.step(s, [...path, i]);
      if (st !== undefined) out.push(st);
    });
    return out;
  }

  step(s: unknown, path: PathSeg[]): RomStep | undefined {
    if (!isObj(s)) return this.problem(path, { code: 'rom-step-not-mapping', params: { kinds: OPS } }), undefined;
    const ops = Object.keys(s).filter((k) => OPS.includes(k));
    if (ops.length !== 1) {
      return this.problem(path, ops.length === 0 ? { code: 'rom-unknown-step', params: { kinds: OPS } } : { code: 'rom-several-steps', params: { found: ops } }), undefined;
    }
    const op = ops[0]!;
    const at = this.at([...path, op]);
    const p = [...path, op];
    const body = s[op];
    if (op === 'if') {
      this.unknownKeys(s, stepBodyKeys('if'), path, 'if');
      const cond = this.expr(body, p, 'if');
      if (s['then'] === undefined) this.problem(path, { code: 'rom-missing-key', params: { kind: 'if', key: 'then' } });
      const then = this.steps(s['then'], [...path, 'then']);
      const els = this.steps(s['else'], [...path, 'else']);
      return cond && { op, at, cond, then, else: els };
    }
    this.unknownKeys(s, [op], path, op);
    if (op === 'log') {
      if (typeof body !== 'string') return this.problem(p, { code: 'rom-log-not-string', params: {} }), undefined;
      const parts: (string | SrcExpr)[] = [];
      for (const piece of body.split(/(\{[^}]*\})/)) {
        if (piece.startsWith('{') && piece.endsWith('}')) {
          const e = this.expr(piece.slice(1, -1), p, 'log');
          if (e) parts.push(e);
        } else if (piece !== '') parts.push(piece);
      }
      return { op, at, parts };
    }
    if (!isObj(body)) return this.problem(p, { code: 'rom-body-not-mapping', params: { kind: op } }), undefined;
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
      this.unknownKeys(body, stepBodyKeys('loop'), p, 'loop');
      const v = this.name(body['var'], [...p, 'var'], 'loop var');
      const from = this.expr(body['from'] ?? 0, [...p, 'from'], 'loop from');
      const step = this.expr(body['step'] ?? 1, [...p, 'step'], 'loop step');
      if ((body['count'] === undefined) === (body['to'] === undefined)) this.problem(p, { code: 'rom-loop-count-or-to', params: {} });
      const count = body['count'] !== undefined ? this.expr(body['count'], [...p, 'count'], 'loop count') : undefined;
      const to = body['to'] !== undefined ? this.expr(body['to'], [...p, 'to'], 'loop to') : undefined;
      if (body['do'] === undefined) this.problem(p, { code: 'rom-missing-key', params: { kind: 'loop', key: 'do' } });
      const inner = this.steps(body['do'], [...p, 'do']);
      if (!v || !from || !step) return undefined;
      return { op, at, var: v, from, step, body: inner, ...(count ? { count } : {}), ...(to ? { to } : {}) };
    }
    const key = ADDRESS_KEY[op as keyof typeof ADDRESS_KEY];
    const isRead = (READ_OPS as readonly string[]).includes(op);
    const isConfig = op.startsWith('config');
    this.unknownKeys(body, stepBodyKeys(op), p, op);
    const addr = this.expr(body[key], [...p, key], `${op} ${key}`);
    const width = this.width(body['width'], [...p, 'width']);
    let bdf: SrcExpr | undefined;
    if (isConfig && body['bdf'] !== undefined) {
      const b = body['bdf'];
      const n = typeof b === 'string' && b.includes(':') ? parseBdf(b) : undefined;
      if (n === -1) this.problem([...p, 'bdf'], { code: 'rom-bdf-syntax', params: { bdf: String(b) } });
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

/**
 * A ROM problem placed at a position, its message rendered. `code` is not enumerable (as the config loader's
 * locatedError does), so the error's serialized and compared form is what it was before problems had codes.
 */
function romError(file: string, pos: { line: number; col: number }, body: RomProblemBody): ConfigError {
  const e: ConfigError = { file, line: pos.line, col: pos.col, message: renderRomProblem(body) };
  Object.defineProperty(e, 'code', { value: body.code, enumerable: false });
  return e;
}

/** Parses and validates a ROM program's text; `file` is what error lines start with. */
export function parseRomProgram(text: string, file: string): RomLoadResult {
  const src = new YamlSource(text);
  const syntax = src.syntaxErrors();
  if (syntax.length > 0) return { ok: false, errors: sortErrors(syntax.map((e) => locatedError(file, e.pos, e.problem))) };
  const data = src.toJS();
  const expandError = data === undefined ? src.toJSError() : undefined;
  if (expandError !== undefined) return { ok: false, errors: [locatedError(file, { line: 1, col: 1 }, expandError)] };
  const c = new Checker(src);
  if (!isObj(data)) return { ok: false, errors: [romError(file, { line: 1, col: 1 }, { code: 'rom-not-mapping', params: {} })] };
  // A mapping with none of a program's keys is some other YAML file: say so without quoting it.
  if (!ROM_TOP_KEYS.some((k) => Object.hasOwn(data, k))) return { ok: false, errors: [romError(file, { line: 1, col: 1 }, { code: 'rom-not-a-program', params: {} })] };
  c.unknownKeys(data, ROM_TOP_KEYS, [], 'ROM program');
  const name = typeof data['name'] === 'string' ? data['name'] : '';
  if (name === '') c.problem(['name'], { code: 'rom-name-required', params: {} });
  const vars = Object.create(null) as Record<string, number>; // a var may be named __proto__
  if (data['vars'] !== undefined && data['vars'] !== null) {
    if (!isObj(data['vars'])) c.problem(['vars'], { code: 'rom-vars-not-mapping', params: {} });
    else {
      for (const [k, v] of Object.entries(data['vars'])) {
        const n = parseHexInt(v);
        if (c.name(k, ['vars', k], 'vars') === undefined) continue;
        if (n === undefined) c.problem(['vars', k], { code: 'rom-var-not-integer', params: { name: k } });
        else vars[k] = n;
      }
    }
  }
  if (data['steps'] === undefined) c.problem([], { code: 'rom-steps-required', params: {} });
  const steps = c.steps(data['steps'], ['steps']);
  for (const { path, e, what } of c.uses) {
    for (const v of exprVars(e.expr)) if (!c.defined.has(v)) c.problem(path, { code: 'rom-unknown-variable', params: { what, name: v, src: e.src } });
  }
  // Locating walks the document: the first MAX_REPORTED problems only.
  if (c.problems.length > 0) return { ok: false, errors: sortErrors(c.problems.slice(0, MAX_REPORTED).map((p) => romError(file, src.locate(p.path, p.prefer ?? 'value'), p))) };
  const description = typeof data['description'] === 'string' ? data['description'] : '';
  return { ok: true, program: { name, description, file, vars, steps } };
}

/**
 * Reads and validates a ROM program file; an unreadable file is one error at 1:1. Only `.yaml`/`.yml`
 * files are read: a ROM reference can name any path, and nothing of a file that is not a ROM program
 * (its keys, its first line) may end up quoted in an error message.
 */
export function loadRomProgramFile(path: string): RomLoadResult {
  const r = readInputFile(path);
  if (!r.ok) return { ok: false, errors: [locatedError(path, { line: 1, col: 1 }, r.problem)] };
  if (!/\.ya?ml$/i.test(path)) return { ok: false, errors: [romError(path, { line: 1, col: 1 }, { code: 'rom-not-yaml', params: {} })] };
  return parseRomProgram(r.text, path);
}
