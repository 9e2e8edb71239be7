/**
 * Config-time checks of ROM references: each device's `rom:` and `firmware.vbios` must name a bundled
 * program or a ROM program file that loads and validates (relative paths from the config's directory).
 * Returned as config problems (vmm/frontends/config/problems.ts: rom-ref-missing, rom-ref-invalid) with the
 * config path to point at; an invalid file's own first error is carried as data.
 */
import { dirname } from 'node:path';
import { resolveRomProgram } from './resolve.js';
import { nearest } from '../../frontends/config/errors.js';
import type { Problem } from '../../frontends/config/problems.js';
import { BUNDLED_ROMS } from './bundled.js';

export interface RomRefs {
  readonly devices: readonly { readonly rom?: string }[];
  readonly firmware?: { readonly vbios?: string };
}

function check(ref: string, baseDir: string | undefined, path: (string | number)[]): Problem[] {
  const r = resolveRomProgram(ref, baseDir);
  if (r.ok) return [];
  const e = r.errors[0]!;
  if (e.code === 'no-such-file') {
    const bundled = Object.keys(BUNDLED_ROMS);
    const suggestion = nearest(ref, bundled);
    return [{ path, code: 'rom-ref-missing', params: { at: path, ref, bundled, file: e.file, ...(suggestion !== undefined ? { suggestion } : {}) } }];
  }
  const error = { file: e.file, line: e.line, col: e.col, message: e.message };
  return [{ path, code: 'rom-ref-invalid', params: { at: path, ref, error, more: r.errors.length - 1 } }];
}

/** Problems of every ROM reference in a (validated) spec; `configFile` locates relative paths. */
export function romRefProblems(spec: RomRefs, configFile?: string): Problem[] {
  const baseDir = configFile !== undefined ? dirname(configFile) : undefined;
  const out: Problem[] = [];
  spec.devices.forEach((d, i) => {
    if (d.rom !== undefined) out.push(...check(d.rom, baseDir, ['devices', i, 'rom']));
  });
  const v = spec.firmware?.vbios;
  if (v !== undefined) out.push(...check(v, baseDir, ['firmware', 'vbios']));
  return out;
}
