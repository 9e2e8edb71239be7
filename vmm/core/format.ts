/**
 * The one formatting module of the VMM and its front ends: hex, bus/device/function, sizes, source positions.
 * Reports, renderers, events and messages all spell values through these, so the same value always reads the
 * same. (Devices and firmware print their own messages in the format the real program uses — SeaBIOS's printf,
 * QEMU's error_report texts — and keep that; the canonical BDF text is the device layer's `bdfString`.)
 */
import { bdfString } from '../../devices/pci/regs.js';

/** Addresses and sizes in reports: lowercase hex with 0x, exact for every safe integer. */
export type Hex = string;

export function hex(n: number): Hex {
  // Number#toString(16) of a value past 2^31 takes V8's slow double path; a report prints hundreds of
  // addresses per boot (docs/performance.md §12). Below 2^28 the value is a small integer. Up to 2^40 (every
  // address below 1 TiB: windows, BARs, e820) the text is made in one step from its digits, no part strings to
  // pad and join (§20); up to 2^48 it is printed as two small integers (upper part, then 7 zero-padded digits).
  // Same text either way.
  if (n >= 0 && n < 0x1000_0000 && (n | 0) === n) return '0x' + (n | 0).toString(16);
  if (n >= 0 && n <= 0xff_ffff_ffff && Number.isInteger(n)) {
    const hi = Math.floor(n / 0x1000_0000); // 1..0xfff
    const lo = (n - hi * 0x1000_0000) | 0;
    const a = digit(lo >>> 24), b = digit((lo >>> 20) & 15), c = digit((lo >>> 16) & 15), d = digit((lo >>> 12) & 15);
    const e = digit((lo >>> 8) & 15), f = digit((lo >>> 4) & 15), g = digit(lo & 15);
    if (hi < 0x10) return String.fromCharCode(0x30, 0x78, digit(hi), a, b, c, d, e, f, g);
    if (hi < 0x100) return String.fromCharCode(0x30, 0x78, digit(hi >>> 4), digit(hi & 15), a, b, c, d, e, f, g);
    return String.fromCharCode(0x30, 0x78, digit(hi >>> 8), digit((hi >>> 4) & 15), digit(hi & 15), a, b, c, d, e, f, g);
  }
  if (n >= 0 && n <= 0xffff_ffff_ffff && Number.isInteger(n)) {
    const hi = Math.floor(n / 0x1000_0000);
    const lo = (n - hi * 0x1000_0000) | 0;
    return '0x' + hi.toString(16) + lo.toString(16).padStart(7, '0');
  }
  return '0x' + n.toString(16);
}

/** The character code of one lowercase hex digit (0..15). */
function digit(x: number): number {
  return x < 10 ? 0x30 + x : 0x57 + x;
}

/** Two lowercase hex digits, no prefix (a bus or device number, a byte). */
export function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** "BB:DD.F" from bus and devfn, as lspci and Linux print it. */
export const bdf = bdfString;

/** "BB:DD.F" from a requester/source id (bus << 8 | devfn), as Linux's DMAR lines print it. */
export function bdfOfSourceId(sourceId: number): string {
  return bdfString((sourceId >>> 8) & 0xff, sourceId & 0xff);
}

/** "DD.F": a slot and function as QEMU's `addr=` property spells it. */
export function devfnText(devfn: number): string {
  return `${hex2(devfn >> 3)}.${(devfn & 7).toString(16)}`;
}

const UNITS: readonly (readonly [number, string])[] = [
  [2 ** 40, 'T'],
  [2 ** 30, 'G'],
  [2 ** 20, 'M'],
  [2 ** 10, 'K'],
];

/** The shortest exact spelling with a suffix (1G, 512M, 1536M); plain bytes (with `bytesSuffix`) when none divides it. */
export function formatSize(bytes: number, bytesSuffix = ''): string {
  for (const [m, s] of UNITS) if (bytes >= m && bytes % m === 0) return `${bytes / m}${s}`;
  return `${bytes}${bytesSuffix}`;
}

/** A rounded size for pictures and summaries (1.5G, 640K, 12B): three significant figures at most. */
export function formatSizeApprox(n: number): string {
  for (const [u, s] of UNITS) {
    if (n < u) continue;
    const v = n / u;
    return Number.isInteger(v) || v >= 100 ? `${Math.round(v)}${s}` : `${v.toFixed(1)}${s}`;
  }
  return `${n}B`;
}

/** A position in an input file. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

/** `FILE:LINE:COL: message`, the one-line form every tool (editors, CI) understands. */
export function atPosition(p: SourcePosition, message: string): string {
  return `${p.file}:${p.line}:${p.col}: ${message}`;
}
