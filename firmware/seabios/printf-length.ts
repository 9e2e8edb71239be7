/**
 * The length of the text `formatInto` (printf.ts) makes, without making it: the log budget charges each line's
 * length when the line is printed (vmm/core/budget), while the text itself is made only when someone reads the
 * log (docs/performance.md §16). Every branch mirrors one of `formatInto`'s; integer digit counts come from the
 * same `digitsOf`, and whatever takes JavaScript's own number text there takes it here too, so the two agree on
 * every input (test/firmware/printf-length.test.ts checks them against each other, fuzzed).
 */
import { digitsOf, type PrintfArg } from './printf.js';

/** Characters `pushNumber(out, v, hex, _, width, _)` writes (padding never makes the text shorter than width). */
function numberLength(v: number, hex: boolean, width: number, digits: Uint16Array): number {
  if (hex && v < 0) v = v >>> 0;
  const fast = hex ? Number.isInteger(v) && v >= 0 : Number.isSafeInteger(v);
  if (!fast) {
    const len = (hex ? v.toString(16) : String(v)).length;
    return len > width ? len : width;
  }
  const neg = v < 0;
  const len = digitsOf(neg ? -v : v, hex ? 16 : 10, false, digits) + (neg ? 1 : 0);
  return len > width ? len : width;
}

/** `formatInto(b, fmt, args)` appends exactly this many characters to b; `digits` is scratch (256 entries). */
export function formattedLength(fmt: string, args: readonly (PrintfArg | undefined)[], digits: Uint16Array): number {
  let len = 0;
  let ai = 0;
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    if (fmt.charCodeAt(i) !== 37 /* % */) {
      const next = fmt.indexOf('%', i);
      const end = next < 0 ? n : next;
      len += end - i;
      i = end;
      continue;
    }
    i++;
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
    const conv = i < n ? fmt.charCodeAt(i) : -1;
    i++;
    switch (conv) {
      case 37 /* % */:
      case 99 /* c */:
        if (conv === 99) ai++;
        len += 1;
        break;
      case 100 /* d */: {
        const v = Number(args[ai++]);
        if (v < 0) {
          // '-' and the magnitude (zero-padded to width - 1 with `0`), then space-padded to width.
          const w = 1 + numberLength(-v, false, zero ? width - 1 : 0, digits);
          len += w < width ? width : w;
        } else len += numberLength(v, false, width, digits);
        break;
      }
      case 117 /* u */:
        len += numberLength(Number(args[ai++]), false, width, digits);
        break;
      case 120 /* x */:
      case 88 /* X */:
        len += numberLength(Number(args[ai++]), true, width, digits);
        break;
      case 115 /* s */: {
        const a = args[ai++];
        const sl = (typeof a === 'string' ? a : String(a)).length;
        len += sl > width ? sl : width;
        break;
      }
      case 112 /* p */:
        ai++;
        if (fmt.charCodeAt(i) === 80 /* P */) {
          i++;
          len += 7; // bb:dd.f
        } else len += 2 + numberLength(Number(args[ai - 1]), true, 8, digits);
        break;
      default:
        len += conv >= 0 ? 2 : 1;
    }
  }
  return len;
}
