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

const K_SKIP = 0; // %c, %pP: one argument, a fixed length (counted in the plan's fixed part)
const K_D = 1;
const K_U = 2;
const K_X = 3; // %x and %X
const K_S = 4;
const K_P = 5;

/**
 * `formattedLength` with each format string parsed once: SeaBIOS prints a few dozen formats thousands of times
 * in a big boot, so a line's length is its format's fixed part (literal text, %%, %c, %pP, unknown conversions)
 * plus the argument-dependent conversions. One per DebugOutput (no module state); formats are string literals,
 * so the map stays small.
 */
export class PrintfLengths {
  /** Per format: [fixed length, conversions, then (kind, width, zero) per conversion that takes an argument]. */
  private readonly plans = new Map<string, Int32Array>();
  readonly digits = new Uint16Array(256);
  /** The previous line's format and plan: SeaBIOS often prints runs of one format (one line per BAR, per device). */
  private lastFmt = '';
  private lastPlan: Int32Array = Int32Array.of(0, 0);

  lengthOf(fmt: string, args: readonly (PrintfArg | undefined)[]): number {
    let plan = this.lastPlan;
    if (fmt !== this.lastFmt) {
      const known = this.plans.get(fmt);
      if (known !== undefined) plan = known;
      else {
        plan = compile(fmt);
        this.plans.set(fmt, plan);
      }
      this.lastFmt = fmt;
      this.lastPlan = plan;
    }
    const digits = this.digits;
    let len = plan[0]!;
    const n = plan[1]!;
    if (n < 0) return formattedLength(fmt, args, digits);
    for (let c = 0, p = 2; c < n; c++, p += 3) {
      const kind = plan[p]!;
      if (kind === K_SKIP) continue;
      const width = plan[p + 1]!;
      const a = args[c];
      switch (kind) {
        case K_D: {
          const v = Number(a);
          if (v < 0) {
            const w = 1 + numberLength(-v, false, plan[p + 2] === 1 ? width - 1 : 0, digits);
            len += w < width ? width : w;
          } else len += numberLength(v, false, width, digits);
          break;
        }
        case K_U:
          len += numberLength(Number(a), false, width, digits);
          break;
        case K_X:
          len += numberLength(Number(a), true, width, digits);
          break;
        case K_S: {
          const sl = (typeof a === 'string' ? a : String(a)).length;
          len += sl > width ? sl : width;
          break;
        }
        default: // K_P
          len += 2 + numberLength(Number(a), true, 8, digits);
      }
    }
    return len;
  }
}

/** The plan of `fmt`, parsed exactly as `formattedLength` (and `formatInto`) parse it. */
function compile(fmt: string): Int32Array {
  let fixed = 0;
  const convs: number[] = [];
  let i = 0;
  const n = fmt.length;
  while (i < n) {
    if (fmt.charCodeAt(i) !== 37 /* % */) {
      const next = fmt.indexOf('%', i);
      const end = next < 0 ? n : next;
      fixed += end - i;
      i = end;
      continue;
    }
    i++;
    let zero = 0;
    let width = 0;
    if (fmt.charCodeAt(i) === 48 /* 0 */) {
      zero = 1;
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
    // A width past what an Int32Array holds (no SeaBIOS format has one): such a format is not planned.
    if (width > 0x3fff_ffff) return Int32Array.of(0, -1);
    switch (conv) {
      case 37 /* % */:
        fixed += 1;
        break;
      case 99 /* c */:
        fixed += 1;
        convs.push(K_SKIP, 0, 0);
        break;
      case 100 /* d */:
        convs.push(K_D, width, zero);
        break;
      case 117 /* u */:
        convs.push(K_U, width, zero);
        break;
      case 120 /* x */:
      case 88 /* X */:
        convs.push(K_X, width, zero);
        break;
      case 115 /* s */:
        convs.push(K_S, width, zero);
        break;
      case 112 /* p */:
        if (fmt.charCodeAt(i) === 80 /* P */) {
          i++;
          fixed += 7;
          convs.push(K_SKIP, 0, 0);
        } else convs.push(K_P, 0, 0);
        break;
      default:
        fixed += conv >= 0 ? 2 : 1;
    }
  }
  const plan = new Int32Array(2 + convs.length);
  plan[0] = fixed;
  plan[1] = convs.length / 3;
  plan.set(convs, 2);
  return plan;
}
