/** ROM references: a bundled program's name, or a program file (relative paths from a base folder). */
import { isAbsolute, resolve } from 'node:path';
import { BUNDLED_ROMS } from './bundled.js';
import { loadRomProgramFile, parseRomProgram, type RomLoadResult } from './load.js';
import type { RomProgram } from './program.js';
import { own } from '../../../devices/own.js';

/**
 * Parsed bundled programs, filled on first use. A memo of a pure function of constant text (the same for every
 * machine, never per-boot state): parsing all of them eagerly at import costs ~25 ms of CLI start-up for boots that
 * run no ROM program.
 */
const bundledCache = new Map<string, RomProgram>();

/** A bundled program by name, or a program file (relative paths from `baseDir`). */
export function resolveRomProgram(ref: string, baseDir?: string): RomLoadResult {
  const text = own(BUNDLED_ROMS, ref);
  if (text !== undefined) {
    let p = bundledCache.get(ref);
    if (p === undefined) {
      const r = parseRomProgram(text, `<bundled>/${ref}`);
      if (!r.ok) throw new Error(`bug: bundled ROM ${ref} does not validate: ${r.errors[0]!.message}`);
      bundledCache.set(ref, (p = r.program));
    }
    return { ok: true, program: p };
  }
  return loadRomProgramFile(isAbsolute(ref) || baseDir === undefined ? ref : resolve(baseDir, ref));
}

