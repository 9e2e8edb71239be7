/** ROM references: a bundled program's name, or a program file (relative paths from a base folder). */
import { isAbsolute, resolve } from 'node:path';
import { BUNDLED_ROMS } from './bundled.js';
import { loadRomProgramFile, parseRomProgram, type RomLoadResult } from './load.js';
import type { RomProgram } from './program.js';
import { own } from '../../../devices/own.js';

/**
 * Parsed bundled programs, for a caller that boots many machines (a sweep, the bench): parsing one costs ~0.9 ms
 * of CPU warm (the IGD's default vBIOS program runs on every IGD boot), while parsing all of them eagerly when the
 * module loads costs ~25 ms of CLI start-up for boots that run none. The caller creates it and passes it down
 * (`BootOptions.romPrograms`); without one, each reference is parsed where it is used. It memoises a pure
 * function of constant text, so sharing it never changes a result.
 */
export class RomProgramCache {
  private readonly parsed = new Map<string, RomProgram>();

  /** The bundled program `name` (whose text is `text`), parsed on first use. */
  bundled(name: string, text: string): RomProgram {
    let p = this.parsed.get(name);
    if (p === undefined) this.parsed.set(name, (p = parseBundled(name, text)));
    return p;
  }
}

function parseBundled(name: string, text: string): RomProgram {
  const r = parseRomProgram(text, `<bundled>/${name}`);
  if (!r.ok) throw new Error(`bug: bundled ROM ${name} does not validate: ${r.errors[0]!.message}`);
  return r.program;
}

/** A bundled program by name, or a program file (relative paths from `baseDir`). */
export function resolveRomProgram(ref: string, baseDir?: string, cache?: RomProgramCache): RomLoadResult {
  const text = own(BUNDLED_ROMS, ref);
  if (text !== undefined) return { ok: true, program: cache !== undefined ? cache.bundled(ref, text) : parseBundled(ref, text) };
  return loadRomProgramFile(isAbsolute(ref) || baseDir === undefined ? ref : resolve(baseDir, ref));
}
