import { formatConfigError, loadConfigFile } from '../config/index.js';
import type { MachineSpec } from '../config/spec.js';

/** Loads each config; prints every error as FILE:LINE:COL: message. Returns undefined if any failed. */
export function loadSpecs(paths: readonly string[]): { path: string; spec: MachineSpec }[] | undefined {
  const out: { path: string; spec: MachineSpec }[] = [];
  let bad = false;
  for (const path of paths) {
    const r = loadConfigFile(path);
    if (r.ok) out.push({ path, spec: r.spec });
    else {
      bad = true;
      for (const e of r.errors) process.stderr.write(formatConfigError(e) + '\n');
    }
  }
  return bad ? undefined : out;
}
