/**
 * Reading an input file (config, ROM program) safely: only regular files, only up to a size, and
 * without blocking. `/dev/zero` never ends, a FIFO blocks open() until a writer comes, a directory or
 * a 10 GiB file is not a config: each is one error, never a hang or an out-of-memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { ProblemBody } from './problems.js';
import { YAML_LIMITS } from './yaml-doc.js';

export type ReadInput = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: ProblemBody };

/** The file's text, or why it cannot be an input (no-such-file, is-directory, ...). */
export function readInputFile(path: string, maxBytes: number = YAML_LIMITS.bytes): ReadInput {
  if (typeof path !== 'string' || path === '') return { ok: false, problem: { code: 'no-file-name', params: {} } };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below as not regular).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const problem: ProblemBody =
      code === 'ENOENT' ? { code: 'no-such-file', params: {} }
      : code === 'EISDIR' ? { code: 'is-directory', params: {} }
      : code === 'ENOTDIR' ? { code: 'parent-not-directory', params: {} }
      : { code: 'cannot-read', params: { reason: code ?? String(e) } };
    return { ok: false, problem };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, problem: { code: 'is-directory', params: {} } };
    if (!st.isFile()) return { ok: false, problem: { code: 'not-regular-file', params: {} } };
    if (st.size > maxBytes) return { ok: false, problem: { code: 'file-too-large', params: { bytes: st.size, limit: maxBytes } } };
    // Read at most maxBytes + 1 even if the file grew since fstat.
    // Unzeroed: only the bytes read (buf[0, n)) are ever looked at.
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > maxBytes) return { ok: false, problem: { code: 'file-too-large', params: { limit: maxBytes } } };
    return { ok: true, text: buf.toString('utf8', 0, n) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, problem: { code: 'cannot-read', params: { reason: code ?? String(e) } } };
  } finally {
    closeSync(fd);
  }
}
