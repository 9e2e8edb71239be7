import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line of `npm run bench`: {"name","value","unit","target"} plus how to read the target. */
export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  target: number | null;
  /** How value compares with target when it is met. */
  cmp: '<=' | '>=' | '<' | null;
  met: boolean | null;
  note?: string;
}

export function figure(name: string, value: number | null, unit: string, target: number | null, cmp: Figure['cmp'], note?: string): Figure {
  const met =
    value === null || target === null || cmp === null ? null : cmp === '<=' ? value <= target : cmp === '>=' ? value >= target : value < target;
  const f: Figure = { name, value: value === null ? null : round(value), unit, target, cmp, met };
  if (note !== undefined) f.note = note;
  return f;
}

function round(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const digits = Math.max(0, 4 - Math.ceil(Math.log10(Math.abs(v))));
  return Number(v.toFixed(Math.min(6, digits)));
}

/** The repository root (the folder with package.json), from dist/bench/ or bench/. */
export function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('bench: no package.json above ' + fileURLToPath(import.meta.url));
    d = up;
  }
  return d;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}
