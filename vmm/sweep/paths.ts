import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Expands CONFIG_OR_DIR arguments: files stay as given, directories are scanned (recursively) for
 * *.yaml / *.yml in sorted order so a sweep's indices are stable. Missing paths are returned apart.
 */
export function expandConfigPaths(args: readonly string[]): { paths: string[]; missing: string[] } {
  const paths: string[] = [];
  const missing: string[] = [];
  const walk = (dir: string): void => {
    const names = readdirSync(dir).sort();
    for (const n of names) {
      const p = join(dir, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st?.isFile() && /\.ya?ml$/i.test(n)) paths.push(p);
    }
  };
  for (const a of args) {
    const st = statSync(a, { throwIfNoEntry: false });
    if (st === undefined) missing.push(a);
    else if (st.isDirectory()) walk(a);
    else paths.push(a);
  }
  return { paths, missing };
}
