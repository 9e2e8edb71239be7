/** Size strings as QEMU's qemu_strtosz reads them (util/cutils.c): bytes, or a number with a K/M/G/T suffix. */
const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*([kmgtb]?)\s*$/i;
const HEX_RE = /^\s*0x([0-9a-f]+)\s*$/i;

/** What a size must look like, for schema descriptions and error messages. */
export const SIZE_DESCRIPTION = 'bytes, or a number with a K, M, G or T suffix: 4G, 512M, 1024K';

/** Bytes, or undefined when `v` is not a size (negative, fractional bytes, bad suffix, too large). */
export function parseSize(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const hex = HEX_RE.exec(v);
  if (hex !== null) {
    const n = parseInt(hex[1]!, 16);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  const m = SIZE_RE.exec(v);
  if (m === null) return undefined;
  const n = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  return Number.isSafeInteger(n) ? n : undefined;
}

export { formatSize } from '../../core/format.js';

/** Integers written as YAML ints or 0x-hex strings ("0x8b800000"); undefined otherwise. */
export function parseHexInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const hex = HEX_RE.exec(v);
  if (hex !== null) return parseInt(hex[1]!, 16);
  return /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
}
