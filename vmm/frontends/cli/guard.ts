/**
 * Command-line input checks that must happen before any work starts: `--vbios` names something that
 * loads, `--jobs` fits the machine, `--budget` parses, and every output path can be written and is not
 * one of the inputs (a sweep that fails to write its HTML after an hour of boots, or `--json` pointed at
 * the config it reads, are both refused up front).
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseBudget, type BudgetLimits } from '../../core/budget/budget.js';
import { BUNDLED_ROMS } from '../../passthrough/rom/bundled.js';
import { resolveRomProgram } from '../../passthrough/rom/resolve.js';
import { UsageError } from './errors.js';

/**
 * A `--vbios` value checked now: a bundled behaviour name, or a ROM program file that loads (relative
 * to the working directory, as every other command-line path is). Returns what bootSpec should get:
 * the bundled name, or the file's absolute path (so it never resolves from the config's folder).
 */
export function checkVbios(ref: string): string {
  if (ref === '') throw new UsageError(`--vbios: empty; give ${Object.keys(BUNDLED_ROMS).join(', ')} or a ROM program file`);
  if (Object.hasOwn(BUNDLED_ROMS, ref)) return ref;
  const abs = resolve(ref);
  const r = resolveRomProgram(abs);
  if (r.ok) return abs;
  const e = r.errors[0]!;
  if (e.message === 'no such file') {
    throw new UsageError(`--vbios: '${printable(ref)}' is neither a bundled vBIOS behaviour (${Object.keys(BUNDLED_ROMS).join(', ')}) nor a file`);
  }
  throw new UsageError(`--vbios: ${e.file}:${e.line}:${e.col}: ${e.message}`);
}

/** Most worker threads `--jobs` may ask for: one per CPU (more only add memory and contention). */
export function maxJobs(): number {
  return Math.max(1, availableParallelism());
}

/** `--jobs N` clamped to maxJobs(); says so on stderr when it clamps. */
export function clampJobs(jobs: number | undefined, warn: (s: string) => void = (s) => process.stderr.write(s)): number | undefined {
  if (jobs === undefined) return undefined;
  const max = maxJobs();
  if (jobs <= max) return jobs;
  warn(`vfio-sim: --jobs ${jobs} is more than this machine's ${max} CPUs; using ${max}\n`);
  return max;
}

/** `--budget name=value,...` → partial limits (unset names keep their defaults). */
export function budgetOption(text: string | undefined): Partial<BudgetLimits> | undefined {
  if (text === undefined) return undefined;
  const r = parseBudget(text);
  if (!r.ok) throw new UsageError(r.message);
  return r.budget;
}

/** The path as the file system resolves it (symlinks followed), or its absolute form when absent. */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/**
 * Refuses, before any boot, output paths that cannot be written (missing or read-only folder, a
 * directory, a non-regular file) and outputs that are an input or another output.
 * `outputs`: option name → path; `inputs`: config files (and ROM files) the run reads.
 */
export function checkOutputs(outputs: Readonly<Record<string, string | undefined>>, inputs: readonly string[]): void {
  // Nothing to write: no need to resolve every input (a `boot --json` over a thousand configs paid a realpath each).
  if (Object.values(outputs).every((p) => p === undefined)) return;
  const ins = new Map(inputs.map((p) => [canonical(p), p]));
  const seen = new Map<string, string>();
  for (const [opt, path] of Object.entries(outputs)) {
    if (path === undefined) continue;
    if (path === '') throw new UsageError(`${opt}: empty file name`);
    const c = canonical(path);
    const input = ins.get(c);
    if (input !== undefined) throw new UsageError(`${opt} ${printable(path)} is the input ${printable(input)}: refusing to overwrite it`);
    const other = seen.get(c);
    if (other !== undefined) throw new UsageError(`${opt} and ${other} both write ${printable(path)}`);
    seen.set(c, opt);
    let st;
    try {
      st = statSync(path);
    } catch {
      st = undefined;
    }
    if (st !== undefined && st.isDirectory()) throw new UsageError(`${opt}: ${printable(path)} is a directory`);
    if (st !== undefined && !st.isFile()) throw new UsageError(`${opt}: ${printable(path)} is not a regular file`);
    try {
      accessSync(st !== undefined ? path : dirname(resolve(path)), constants.W_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'not writable' : (code ?? 'cannot write');
      throw new UsageError(`${opt}: cannot write ${printable(path)}: ${why}`);
    }
  }
}

/** Text from input made safe for a terminal: control characters (escape sequences) as \xNN. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to match control characters
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Multi-line text made safe for a terminal: like printable(), but newlines and tabs stay. */
export function printableText(s: string): string {
  // eslint-disable-next-line no-control-regex -- the point is to match control characters
  return s.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
