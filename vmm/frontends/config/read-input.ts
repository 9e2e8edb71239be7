/**
 * Reading an input file (config, ROM program) safely: only regular files, only up to a size, and
 * without blocking. `/dev/zero` never ends, a FIFO blocks open() until a writer comes, a directory or
 * a 10 GiB file is not a config: each is one error, never a hang or an out-of-memory.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { YAML_LIMITS } from './yaml-doc.js';

export type ReadInput = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly message: string };

/** The file's text, or why it cannot be an input (`no such file`, `is a directory`, ...). */
export function readInputFile(path: string, maxBytes: number = YAML_LIMITS.bytes): ReadInput {
  if (typeof path !== 'string' || path === '') return { ok: false, message: 'no file name given' };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below as not regular).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'ENOTDIR' ? 'no such file (a parent is not a directory)' : `cannot read (${code ?? String(e)})` };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, message: 'is a directory' };
    if (!st.isFile()) return { ok: false, message: 'is not a regular file (a device, FIFO or socket cannot be an input)' };
    if (st.size > maxBytes) return { ok: false, message: `is ${st.size} bytes; the limit is ${maxBytes}` };
    // Read at most maxBytes + 1 even if the file grew since fstat.
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > maxBytes) return { ok: false, message: `is more than ${maxBytes} bytes` };
    return { ok: true, text: buf.subarray(0, n).toString('utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: `cannot read (${code ?? String(e)})` };
  } finally {
    closeSync(fd);
  }
}
