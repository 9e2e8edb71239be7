import { YAML_LIMITS, type PathSeg } from './yaml-doc.js';

/**
 * A fast reader for the plain block subset of YAML that configs are written in (docs/performance.md §10):
 * block mappings with identifier keys, block sequences (`- ` items, mappings starting on the dash line),
 * one-line flow mappings and lists (nested), plain and quoted one-line scalars, comments.
 *
 * It answers `undefined` for anything outside that subset, and for anything the `yaml` package would
 * report (a duplicate key, a limit of YAML_LIMITS): the caller then parses with `yaml` (yaml-doc.ts),
 * which finds every error and its position exactly as before. So an answer from here is always the value
 * `parseDocument(text).toJS()` gives, without building yaml's CST, Document and position tables; the
 * differential test (test/config/plain-yaml.test.ts) holds it to that over every YAML in the repository
 * and thousands of fuzzed variants.
 *
 * Scalars resolve by the YAML 1.2 core schema in the order the `yaml` package tries its tags
 * (yaml dist/schema/core/schema.js: null, bool, intOct, int, intHex, floatNaN, floatExp, float).
 */
export interface PlainYaml {
  /** The document: always a mapping (anything else is left to `yaml`). */
  readonly value: Record<string, unknown>;
  /** The text of a plain scalar as written, for scalars that resolved to a number (so `addr: 02.0` stays "02.0"). */
  sourceOf(path: readonly PathSeg[]): string | undefined;
}

/** Deeper nesting is left to `yaml` (its limit, YAML_LIMITS.depth, is reported from there). */
const MAX_DEPTH = 32;
/** More nodes are left to `yaml`: well below YAML_LIMITS.nodes, whatever yaml counts as a node. */
const MAX_NODES = YAML_LIMITS.nodes / 2;

/** Anything but printable text and line feeds (tabs, CR, BOM, NEL, LS/PS, controls, surrogates) goes to `yaml`. */
const UNUSUAL = /[^\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]/;
/** A block or flow mapping key this reader takes: an identifier that resolves to itself (never null, bool or a number). */
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const NOT_STRING_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$/;

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/** First characters a plain scalar here may not have (YAML 1.2 §7.3.3 c-indicator; quotes and flow starts are read elsewhere). */
const PLAIN_START_BAD = new Set(['&', '*', '!', '|', '>', '%', '@', '`', '?', ':', ',', ']', '}', '#']);
/** What a plain scalar inside a flow collection may not hold here (flow indicators, quotes, `: `, comments). */
const FLOW_PLAIN_BAD = /[[\]{}"']|: |:$| #/;

/** Thrown inside the reader to leave the subset; never escapes parsePlainYaml. */
class OutsideSubset extends Error {}
const outside = (): never => {
  throw new OutsideSubset();
};

/** The reader's state for one text: lines, the cursor, counts, and the written text of numeric scalars. */
class Reader {
  readonly lines: string[];
  /** Indent of each line, or -1 for a blank or comment-only line. */
  readonly indents: Int32Array;
  nodes = 0;
  /** Container → key → text as written, for plain scalars that resolved to numbers. */
  readonly numbers = new Map<object, Map<PathSeg, string>>();

  constructor(text: string) {
    this.lines = text.split('\n');
    this.indents = new Int32Array(this.lines.length);
    for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i]!;
      let n = 0;
      while (n < l.length && l.charCodeAt(n) === 0x20) n++;
      const blank = n === l.length || l.charCodeAt(n) === 0x23; // '#'
      this.indents[i] = blank ? -1 : n;
      // Directives and document markers are left to `yaml`.
      if (!blank && n === 0 && (l.startsWith('---') || l.startsWith('...') || l[0] === '%')) outside();
    }
  }

  /** The next line at or after `i` with content, or lines.length. */
  next(i: number): number {
    while (i < this.lines.length && this.indents[i] === -1) i++;
    return i;
  }

  node(): void {
    if (++this.nodes > MAX_NODES) outside();
  }

  /**
   * A block mapping whose first key starts at column `col` of line `i` (after a `- ` when it is a list item).
   * Returns the mapping and the next line with content after it.
   */
  blockMap(i: number, col: number, depth: number): { value: Record<string, unknown>; next: number } {
    if (depth > MAX_DEPTH) outside();
    this.node();
    const map: Record<string, unknown> = {};
    let keys = 0;
    for (;;) {
      const line = this.lines[i]!;
      const colon = line.indexOf(':', col);
      if (colon < 0) outside();
      const key = line.slice(col, colon);
      if (!KEY.test(key) || NOT_STRING_KEY.test(key) || key === '__proto__') outside();
      const after = colon + 1;
      if (after < line.length && line.charCodeAt(after) !== 0x20) outside();
      if (Object.prototype.hasOwnProperty.call(map, key)) outside(); // yaml reports duplicates
      if (++keys > YAML_LIMITS.keys) outside();
      let k = after;
      while (k < line.length && line.charCodeAt(k) === 0x20) k++;
      let next: number;
      if (k === line.length || line.charCodeAt(k) === 0x23) {
        // Nothing after the colon: the value is the block below (more indented, or a list at this indent), or null.
        const j = this.next(i + 1);
        const ind = j < this.lines.length ? this.indents[j]! : -1;
        if (ind > col && isDash(this.lines[j]!, ind)) ({ value: map[key], next } = this.blockSeq(j, ind, depth + 1));
        else if (ind > col) ({ value: map[key], next } = this.blockMap(j, ind, depth + 1));
        else if (ind === col && isDash(this.lines[j]!, ind)) ({ value: map[key], next } = this.blockSeq(j, ind, depth + 1));
        else {
          this.node();
          map[key] = null;
          next = j;
        }
      } else {
        map[key] = this.inline(line.slice(k), map, key, depth + 1);
        next = this.next(i + 1);
        if (next < this.lines.length && this.indents[next]! > col) outside(); // a continuation line
      }
      if (next >= this.lines.length || this.indents[next]! < col) return { value: map, next };
      if (this.indents[next]! > col || isDash(this.lines[next]!, col)) outside();
      i = next;
    }
  }

  /** A block list whose dashes are at column `col`, the first on line `i`. */
  blockSeq(i: number, col: number, depth: number): { value: unknown[]; next: number } {
    if (depth > MAX_DEPTH) outside();
    this.node();
    const seq: unknown[] = [];
    for (;;) {
      const line = this.lines[i]!;
      let k = col + 1;
      while (k < line.length && line.charCodeAt(k) === 0x20) k++;
      if (k === col + 1 || k === line.length || line.charCodeAt(k) === 0x23) outside(); // `-` alone or `-x`
      const rest = line.slice(k);
      let next: number;
      if (startsWithKey(rest)) {
        ({ value: seq[seq.length], next } = this.blockMap(i, k, depth + 1));
      } else {
        if (isDash(line, k)) outside(); // `- - x`
        seq.push(this.inline(rest, seq, seq.length, depth + 1));
        next = this.next(i + 1);
        if (next < this.lines.length && this.indents[next]! > col) outside();
      }
      if (next >= this.lines.length || this.indents[next]! < col) return { value: seq, next };
      if (this.indents[next]! > col) outside();
      if (!isDash(this.lines[next]!, col)) return { value: seq, next }; // a list at its key's indent ends here
      i = next;
    }
  }

  /** A value written on its key's or dash's line: a quoted or plain scalar, or a one-line flow collection. */
  inline(s: string, parent: object, key: PathSeg, depth: number): unknown {
    const c = s[0]!;
    if (c === '"' || c === "'") {
      const { value, end } = quoted(s, 0);
      trailer(s, end);
      this.node();
      return value;
    }
    if (c === '{' || c === '[') {
      const { value, end } = this.flow(s, 0, depth);
      trailer(s, end);
      return value;
    }
    if (PLAIN_START_BAD.has(c) || (c === '-' && (s.length === 1 || s[1] === ' '))) outside();
    const hash = s.indexOf(' #');
    const text = trimSpaces(hash < 0 ? s : s.slice(0, hash));
    if (text.includes(': ') || text.endsWith(':')) outside();
    return this.scalar(text, parent, key);
  }

  /** A flow mapping or list that closes on the same line, starting at `s[at]`. */
  flow(s: string, at: number, depth: number): { value: unknown; end: number } {
    if (depth > MAX_DEPTH) outside();
    this.node();
    const isMap = s[at] === '{';
    const close = isMap ? '}' : ']';
    const map: Record<string, unknown> = {};
    const seq: unknown[] = [];
    let count = 0;
    let k = skip(s, at + 1);
    if (s[k] === close) return { value: isMap ? map : seq, end: k + 1 };
    for (;;) {
      let key: PathSeg = seq.length;
      if (isMap) {
        const colon = s.indexOf(':', k);
        if (colon < 0) outside();
        const name = s.slice(k, colon);
        if (!KEY.test(name) || NOT_STRING_KEY.test(name) || name === '__proto__' || s[colon + 1] !== ' ') outside();
        if (Object.prototype.hasOwnProperty.call(map, name)) outside();
        key = name;
        k = skip(s, colon + 1);
      }
      const c = s[k];
      let value: unknown;
      if (c === '"' || c === "'") {
        const q = quoted(s, k);
        this.node();
        value = q.value;
        k = q.end;
      } else if (c === '{' || c === '[') {
        const f = this.flow(s, k, depth + 1);
        value = f.value;
        k = f.end;
      } else {
        let e = k;
        while (e < s.length && s[e] !== ',' && s[e] !== close) e++;
        const text = trimSpaces(s.slice(k, e));
        if (text === '' || PLAIN_START_BAD.has(text[0]!) || text[0] === '-' && (text.length === 1 || text[1] === ' ')) outside();
        if (FLOW_PLAIN_BAD.test(text)) outside();
        value = this.scalar(text, isMap ? map : seq, key);
        k = e;
      }
      if (isMap) {
        if (++count > YAML_LIMITS.keys) outside();
        map[key as string] = value;
      } else seq.push(value);
      k = skip(s, k);
      if (s[k] === close) return { value: isMap ? map : seq, end: k + 1 };
      if (s[k] !== ',') outside();
      k = skip(s, k + 1);
      if (s[k] === close || k >= s.length) outside(); // a trailing comma, or a collection that goes on to the next line
    }
  }

  /** A plain scalar resolved by the core schema; numbers remember their text. */
  scalar(text: string, parent: object, key: PathSeg): unknown {
    this.node();
    const v = resolvePlain(text);
    if (typeof v === 'number') {
      let m = this.numbers.get(parent);
      if (m === undefined) this.numbers.set(parent, (m = new Map()));
      m.set(key, text);
    }
    return v;
  }
}

/** Trailing spaces off (only U+0020: YAML's white space here; String.trimEnd would also take U+00A0 and others). */
function trimSpaces(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0x20) e--;
  return s.slice(0, e);
}

function skip(s: string, k: number): number {
  while (k < s.length && s.charCodeAt(k) === 0x20) k++;
  return k;
}

function isDash(line: string, col: number): boolean {
  return line.charCodeAt(col) === 0x2d && (col + 1 === line.length || line.charCodeAt(col + 1) === 0x20);
}

/** `key:` followed by a space or the end of the line, with a key this reader takes. */
function startsWithKey(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon <= 0 || (colon + 1 < s.length && s[colon + 1] !== ' ')) return false;
  return KEY.test(s.slice(0, colon));
}

/** A quoted scalar starting at `s[at]` that closes on this line; double quotes only without escapes. */
function quoted(s: string, at: number): { value: string; end: number } {
  const q = s[at]!;
  let out = '';
  let k = at + 1;
  for (;;) {
    const e = s.indexOf(q, k);
    if (e < 0) outside();
    if (q === '"') {
      const part = s.slice(k, e);
      if (part.includes('\\')) outside();
      return { value: part, end: e + 1 };
    }
    out += s.slice(k, e);
    if (s[e + 1] === "'") {
      out += "'";
      k = e + 2;
      continue;
    }
    return { value: out, end: e + 1 };
  }
}

/** After a quoted scalar or a flow collection, only spaces and a comment may follow on the line. */
function trailer(s: string, end: number): void {
  const k = skip(s, end);
  if (k < s.length && !(s[k] === '#' && k > end)) outside();
}

/** YAML 1.2 core schema resolution of a plain scalar, in the `yaml` package's tag order. */
export function resolvePlain(text: string): unknown {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (INT_OCT.test(text)) return parseInt(text.substring(2), 8);
  if (INT.test(text)) return parseInt(text, 10);
  if (INT_HEX.test(text)) return parseInt(text.substring(2), 16);
  if (FLOAT_NAN.test(text)) return text.slice(-3).toLowerCase() === 'nan' ? NaN : text[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(text) || FLOAT.test(text)) return parseFloat(text);
  return text;
}

/** The document as `yaml` would give it, or undefined when the text is outside the subset (or would be an error). */
export function parsePlainYaml(text: string): PlainYaml | undefined {
  if (text.length > YAML_LIMITS.bytes || UNUSUAL.test(text)) return undefined;
  try {
    const r = new Reader(text);
    const first = r.next(0);
    if (first >= r.lines.length || r.indents[first] !== 0 || !startsWithKey(r.lines[first]!)) return undefined;
    const { value, next } = r.blockMap(first, 0, 1);
    if (next < r.lines.length) return undefined;
    const numbers = r.numbers;
    return {
      value,
      sourceOf(path) {
        let container: unknown = value;
        for (let i = 0; i < path.length - 1; i++) {
          if (typeof container !== 'object' || container === null) return undefined;
          container = (container as Record<PathSeg, unknown>)[path[i]!];
        }
        if (typeof container !== 'object' || container === null || path.length === 0) return undefined;
        return numbers.get(container)?.get(path[path.length - 1]!);
      },
    };
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
}
