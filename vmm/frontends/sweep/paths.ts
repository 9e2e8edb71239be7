import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Expands CONFIG_OR_DIR arguments: files stay as given, directories are scanned (recursively) for
 * *.yaml / *.yml in sorted order so a sweep's indices are stable. Missing paths are returned apart.
 * Symlinked directories are followed once each (by real path): a symlink loop ends the descent
 * instead of recursing until the stack or ELOOP stops it; unreadable folders count as missing.
 */
export function expandConfigPaths(args: readonly string[]): { paths: string[]; missing: string[] } {
  const paths: string[] = [];
  const missing: string[] = [];
  const visited = new Set<string>();
  const open = (dir: string): { dir: string; names: string[]; i: number } | undefined => {
    try {
      const real = realpathSync(dir);
      if (visited.has(real)) return undefined;
      visited.add(real);
      return { dir, names: readdirSync(dir).sort(), i: 0 };
    } catch {
      missing.push(dir);
      return undefined;
    }
  };
  // The recursive walk's order (sorted names, a folder's files where the folder sorts), with a stack.
  const walk = (root: string): void => {
    const first = open(root);
    const stack = first !== undefined ? [first] : [];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.i >= top.names.length) {
        stack.pop();
        continue;
      }
      const n = top.names[top.i++]!;
      const p = join(top.dir, n);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) {
        const next = open(p);
        if (next !== undefined) stack.push(next);
      } else if (st?.isFile() && /\.ya?ml$/i.test(n)) paths.push(p);
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
