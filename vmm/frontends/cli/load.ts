import { formatConfigError } from '../config/errors.js';
import { loadConfigFile } from '../config/load.js';
import type { MachineSpec } from '../config/spec.js';

/** Loads each config; prints every error as FILE:LINE:COL: message. Returns undefined if any failed. */
export function loadSpecs(paths: readonly string[]): { path: string; spec: MachineSpec }[] | undefined {
  const r = loadEachSpec(paths);
  return r.bad > 0 ? undefined : r.specs;
}

/**
 * Loads each config and keeps the good ones: a bad config is reported (FILE:LINE:COL lines) and the
 * rest still run; `bad` counts the refused ones (the command exits 2 at the end).
 */
export function loadEachSpec(paths: readonly string[]): { specs: { path: string; spec: MachineSpec }[]; bad: number } {
  const specs: { path: string; spec: MachineSpec }[] = [];
  let bad = 0;
  for (const path of paths) {
    const r = loadConfigFile(path);
    if (r.ok) specs.push({ path, spec: r.spec });
    else {
      bad++;
      for (const e of r.errors) process.stderr.write(formatConfigError(e) + '\n');
    }
  }
  return { specs, bad };
}
