/**
 * SeaBIOS's own printf (src/output.c bvprintf), the subset its level-1 messages use:
 * %d %u %x %X %s %c %p %pP %%, the `l`/`ll` length modifiers, and a width with an optional leading
 * `0` (zero padding; otherwise spaces). %llx of a value above 32 bits prints the upper part with
 * width − 8 followed by exactly eight lower digits, which is the same text as plain hex padding.
 * %pP takes a bdf number and prints `bb:dd.f`. Values are JS numbers (exact up to 2^53).
 *
 * `formatInto` writes character codes into a reused `CharBuffer`: a boot prints ~100 lines, and building
 * each as strings (slices, pads, number texts, rope nodes) was the biggest allocator of a boot
 * (docs/performance.md §12). Integers are written digit by digit; anything else (fractions, NaN, decimal
 * values past 2^53) takes JavaScript's own number text, as before.
 */
import { charsText } from '../char-log.js';

export type PrintfArg = number | string;

const HEX = '0123456789abcdef';

/** Growable buffer of UTF-16 character codes; `n` is how many are in use. One per debug console. */
export class CharBuffer {
  chars = new Uint16Array(256);
  n = 0;
  /** Scratch for one number's digits (a double has at most 256 hex digits). */
  readonly digits = new Uint16Array(256);
  /** Scratch for the conversion being read (readConv). */
  readonly spec = new ConvSpec();

  push(c: number): void {
    if (this.n === this.chars.length) this.grow(1);
    this.chars[this.n++] = c;
  }

  /** Appends s[start, end). */
  pushString(s: string, start = 0, end = s.length): void {
    if (this.n + end - start > this.chars.length) this.grow(end - start);
    const c = this.chars;
    let n = this.n;
    for (let i = start; i < end; i++) c[n++] = s.charCodeAt(i);
    this.n = n;
  }

  pushRepeat(c: number, count: number): void {
    for (let i = 0; i < count; i++) this.push(c);
  }

  text(): string {
    return charsText(this.chars, this.n);
  }

  private grow(extra: number): void {
    let cap = this.chars.length * 2;
    while (cap < this.n + extra) cap *= 2;
    const next = new Uint16Array(cap);
    next.set(this.chars.subarray(0, this.n));
    this.chars = next;
  }
}

/** `bb:dd.f` for a bdf number (bus << 8 | dev << 3 | fn), as %pP prints a struct pci_device. */
export function bdfText(bdf: number): string {
  const bus = (bdf >> 8) & 0xff;
  const dev = (bdf >> 3) & 0x1f;
  // One string from seven codes: a chain of `+` made a string per step (~80 KiB per 200-root-port boot's placements;
  // docs/performance.md §23).
  return String.fromCharCode(
    HEX.charCodeAt(bus >> 4), HEX.charCodeAt(bus & 15), 0x3a, HEX.charCodeAt(dev >> 4), HEX.charCodeAt(dev & 15), 0x2e, HEX.charCodeAt(bdf & 7),
  );
}

function pushBdf(out: CharBuffer, bdf: number): void {
  const bus = (bdf >> 8) & 0xff;
  const dev = (bdf >> 3) & 0x1f;
  out.push(HEX.charCodeAt(bus >> 4));
  out.push(HEX.charCodeAt(bus & 15));
  out.push(58 /* : */);
  out.push(HEX.charCodeAt(dev >> 4));
  out.push(HEX.charCodeAt(dev & 15));
  out.push(46 /* . */);
  out.push(HEX.charCodeAt(bdf & 7));
}

/** Digits of a non-negative integer v in `radix` (10 or 16), least significant first, into `digits`; returns the count. */
export function digitsOf(v: number, radix: number, upper: boolean, digits: Uint16Array): number {
  let k = 0;
  // Integer arithmetic while the value fits 32 bits (most of a boot's numbers): floating-point % and / cost more.
  if (radix === 16 && v <= 0xffff_ffff) {
    let u = v >>> 0;
    const a = upper ? 55 : 87;
    do {
      const d = u & 15;
      digits[k++] = d < 10 ? 48 + d : a + d;
      u >>>= 4;
    } while (u !== 0);
    return k;
  }
  if (radix === 10 && v <= 0x7fff_ffff) {
    let u = v | 0;
    do {
      const q = (u / 10) | 0;
      digits[k++] = 48 + u - q * 10;
      u = q;
    } while (u !== 0);
    return k;
  }
  do {
    const d = v % radix;
    digits[k++] = d < 10 ? 48 + d : (upper ? 55 : 87) + d;
    v = (v - d) / radix;
  } while (v > 0);
  return k;
}

/**
 * Writes the text JavaScript gives v (`String(v)`, or `v.toString(16)` with `hex`, of `v >>> 0` when v < 0),
 * padded on the left to `width` with '0' (zero) or ' '. Upper-case hex digits with `upper`.
 */
function pushNumber(out: CharBuffer, v: number, hex: boolean, upper: boolean, width: number, zero: boolean): void {
  if (hex && v < 0) v = v >>> 0;
  // Integer digits by arithmetic are exact for every integer in hex (division by 16 is exact) and up to
  // 2^53 in decimal; the rest (fractions, NaN, Infinity, huge decimals, -0 is "0" either way) use JS's text.
  const fast = hex ? Number.isInteger(v) && v >= 0 : Number.isSafeInteger(v);
  if (!fast) {
    let s = hex ? v.toString(16) : String(v);
    if (upper) s = s.toUpperCase();
    out.pushRepeat(zero ? 48 : 32, width - s.length);
    out.pushString(s);
    return;
  }
  const neg = v < 0;
  const digits = out.digits;
  const k = digitsOf(neg ? -v : v, hex ? 16 : 10, upper, digits);
  out.pushRepeat(zero ? 48 : 32, width - k - (neg ? 1 : 0));
  if (neg) out.push(45 /* - */);
  for (let i = k - 1; i >= 0; i--) out.push(digits[i]!);
}

/**
 * One conversion as bvprintf (src/output.c) reads what follows a '%': an optional leading `0`, a decimal width,
 * any `l` length modifiers, the conversion character (-1 when the text ends first). Scratch its owner reuses, so
 * reading a format allocates nothing; formatInto, formattedLength and the length plans (printf-length.ts) all read
 * conversions through readConv, so the three agree on what a format says.
 */
export class ConvSpec {
  zero = false;
  width = 0;
  conv = -1;
}

/** Reads the conversion starting at fmt[i] (just after its '%') into `spec`; returns the index after it. */
export function readConv(fmt: string, i: number, spec: ConvSpec): number {
  const n = fmt.length;
  let zero = false;
  let width = 0;
  if (fmt.charCodeAt(i) === 48 /* 0 */) {
    zero = true;
    i++;
  }
  while (i < n) {
    const d = fmt.charCodeAt(i);
    if (d < 48 || d > 57) break;
    width = width * 10 + (d - 48);
    i++;
  }
  while (fmt.charCodeAt(i) === 108 /* l */) i++;
  spec.zero = zero;
  spec.width = width;
  spec.conv = i < n ? fmt.charCodeAt(i) : -1;
  return i + 1;
}

/** Formats like SeaBIOS's printf into `out` (appending). */
export function formatInto(out: CharBuffer, fmt: string, args: readonly (PrintfArg | undefined)[]): void {
  let ai = 0;
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    const c = fmt.charCodeAt(i);
    if (c !== 37 /* % */) {
      const next = fmt.indexOf('%', i);
      const end = next < 0 ? n : next;
      out.pushString(fmt, i, end);
      i = end;
      continue;
    }
    const spec = out.spec;
    i = readConv(fmt, i + 1, spec);
    const zero = spec.zero;
    const width = spec.width;
    const conv = spec.conv;
    switch (conv) {
      case 37 /* % */:
        out.push(37);
        break;
      case 100 /* d */: {
        const v = Number(args[ai++]);
        if (v < 0) {
          // '-' then the magnitude zero-padded to width - 1 (zero) or bare, then space-padded to width.
          const start = out.n;
          out.push(45);
          pushNumber(out, -v, false, false, zero ? width - 1 : 0, true);
          const len = out.n - start;
          if (len < width) shiftRight(out, start, width - len, 32);
        } else {
          // NaN is neither: space-padded, as `zero && v >= 0` said before.
          pushNumber(out, v, false, false, width, zero && v >= 0);
        }
        break;
      }
      case 117 /* u */:
        pushNumber(out, Number(args[ai++]), false, false, width, zero);
        break;
      case 120 /* x */:
        pushNumber(out, Number(args[ai++]), true, false, width, zero);
        break;
      case 88 /* X */:
        pushNumber(out, Number(args[ai++]), true, true, width, zero);
        break;
      case 115 /* s */: {
        const a = args[ai++];
        const s = typeof a === 'string' ? a : String(a);
        out.pushRepeat(32, width - s.length);
        out.pushString(s);
        break;
      }
      case 99 /* c */:
        // String.fromCharCode's ToUint16.
        out.push(Number(args[ai++]) & 0xffff);
        break;
      case 112 /* p */:
        if (fmt.charCodeAt(i) === 80 /* P */) {
          i++;
          pushBdf(out, Number(args[ai++]));
        } else {
          out.push(48);
          out.push(120);
          pushNumber(out, Number(args[ai++]), true, false, 8, true);
        }
        break;
      default:
        // SeaBIOS prints an unknown conversion verbatim.
        out.push(37);
        if (conv >= 0) out.push(conv);
    }
  }
}

/** Moves out[start, n) right by `by` and fills the gap with `fill`. */
function shiftRight(out: CharBuffer, start: number, by: number, fill: number): void {
  const end = out.n;
  out.pushRepeat(fill, by);
  const c = out.chars;
  c.copyWithin(start + by, start, end);
  c.fill(fill, start, start + by);
}

export function format(fmt: string, args: readonly PrintfArg[]): string {
  const b = new CharBuffer();
  formatInto(b, fmt, args);
  return b.text();
}
