/**
 * Config-time checks of ROM references: each device's `rom:` and `firmware.vbios` must name a bundled
 * program or a ROM program file that loads and validates (relative paths from the config's directory).
 * Returned as problems with the config path to point at; the ROM file's own error is quoted.
 */
import { dirname } from 'node:path';
import { resolveRomProgram } from './resolve.js';
import { didYouMean } from '../../frontends/config/errors.js';
import { BUNDLED_ROMS } from './bundled.js';
import { atPosition } from '../../core/format.js';

export interface RomRefProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export interface RomRefs {
  readonly devices: readonly { readonly rom?: string }[];
  readonly firmware?: { readonly vbios?: string };
}

function check(ref: string, baseDir: string | undefined, path: (string | number)[], what: string): RomRefProblem[] {
  const r = resolveRomProgram(ref, baseDir);
  if (r.ok) return [];
  const e = r.errors[0]!;
  const more = r.errors.length > 1 ? ` (and ${r.errors.length - 1} more)` : '';
  const message =
    e.message === 'no such file'
      ? `${what}: '${ref}' is neither a bundled ROM program (${Object.keys(BUNDLED_ROMS).join(', ')}) nor a file (${e.file})${didYouMean(ref, Object.keys(BUNDLED_ROMS))}`
      : `${what}: ROM program '${ref}' is invalid: ${atPosition(e, e.message)}${more}`;
  return [{ path, message }];
}

/** Problems of every ROM reference in a (validated) spec; `configFile` locates relative paths. */
export function romRefProblems(spec: RomRefs, configFile?: string): RomRefProblem[] {
  const baseDir = configFile !== undefined ? dirname(configFile) : undefined;
  const out: RomRefProblem[] = [];
  spec.devices.forEach((d, i) => {
    if (d.rom !== undefined) out.push(...check(d.rom, baseDir, ['devices', i, 'rom'], `devices[${i}].rom`));
  });
  const v = spec.firmware?.vbios;
  if (v !== undefined) out.push(...check(v, baseDir, ['firmware', 'vbios'], 'firmware.vbios'));
  return out;
}
