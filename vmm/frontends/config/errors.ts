import type { MachineSpec } from './spec.js';
import { atPosition } from '../../core/format.js';
import { renderProblem, type AnyProblemBody, type ProblemCode } from './problems.js';
import type { RomProblemCode } from '../../passthrough/rom/problems.js';
import type { WorkloadProblemCode } from '../../passthrough/workload/problems.js';

/** One problem in a config file, at a 1-based line and column. */
export interface ConfigError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
  /**
   * What the problem is, as data (problems.ts; a workload's are vmm/passthrough/workload/problems.ts's, a ROM
   * program file's vmm/passthrough/rom/problems.ts's); `message` is its English, rendered once where the error is placed.
   */
  readonly code?: ProblemCode | WorkloadProblemCode | RomProblemCode;
}

/**
 * A config problem placed at a position, its message rendered. `code` is not enumerable so that the error's
 * serialized and compared form (JSON, deep equality in callers' tests) is what it was before problems had codes.
 */
export function locatedError(file: string, pos: { line: number; col: number }, body: AnyProblemBody): ConfigError {
  const e: ConfigError = { file, line: pos.line, col: pos.col, message: renderProblem(body) };
  Object.defineProperty(e, 'code', { value: body.code, enumerable: false });
  return e;
}

export type ConfigResult = { readonly ok: true; readonly spec: MachineSpec } | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** `FILE:LINE:COL: message`, the one-line form every tool (editors, CI) understands. */
export function formatConfigError(e: ConfigError): string {
  // Names and values from the file are quoted in messages: their control characters (terminal
  // escape sequences) are shown as \xNN, never sent to the terminal.
  return atPosition(e, e.message).replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// eslint-disable-next-line no-control-regex -- the point is to match control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Sorted by position, duplicates (same place, same text) dropped. */
export function sortErrors(errors: readonly ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  const out: ConfigError[] = [];
  for (const e of [...errors].sort((a, b) => a.line - b.line || a.col - b.col)) {
    const k = `${e.line}:${e.col}:${e.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

/** Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** The closest candidate if it is plausibly a typo (distance <= max(2, len/3)), case-insensitively. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const w = word.toLowerCase();
  for (const c of candidates) {
    const d = distance(w, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}

/** " (did you mean 'x'?)" or "". */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const n = nearest(word, candidates);
  return n === undefined ? '' : ` (did you mean '${n}'?)`;
}

/** A value as it should appear inside a message. */
export function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}
