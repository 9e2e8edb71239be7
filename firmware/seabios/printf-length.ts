/**
 * The length of the text `formatInto` (printf.ts) makes, without making it: the log budget charges each line's
 * length when the line is printed (vmm/core/budget), while the text itself is made only when someone reads the
 * log (docs/performance.md §16). Every branch mirrors one of `formatInto`'s; integer digit counts come from the
 * same `digitsOf`, and whatever takes JavaScript's own number text there takes it here too, so the two agree on
 * every input (test/firmware/printf-length.test.ts checks them against each other, fuzzed).
 */
import { ConvSpec, digitsOf, readConv, type PrintfArg } from './printf.js';

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

/** `formatInto(b, fmt, args)` appends exactly this many characters to b; `digits` (256 entries) and `spec` are scratch. */
export function formattedLength(fmt: string, args: readonly (PrintfArg | undefined)[], digits: Uint16Array, spec: ConvSpec): number {
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
    i = readConv(fmt, i + 1, spec);
    const zero = spec.zero;
    const width = spec.width;
    const conv = spec.conv;
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

/** Slots of the plan cache (a power of two), and the conversions a cached plan can hold. */
const SLOTS = 16;
const MAX_CONVS = 10;
const PLAN = 2 + 3 * MAX_CONVS;

/**
 * `formattedLength` with each format parsed once while it stays cached: SeaBIOS prints a few dozen formats
 * thousands of times in a big boot, so a line's length is its format's fixed part (literal text, %%, %c, %pP,
 * unknown conversions) plus its argument-dependent conversions. A small direct-mapped cache keyed by a few of
 * the format's characters, in one typed array: nothing is allocated per format or per line (a Map of plans per
 * boot allocated more than a small boot's log saved). One per record store (debug-log.ts), no module state.
 */
export class LengthPlans {
  /** The format in each slot (by reference; '' = empty), and each slot's plan at slot * PLAN: [fixed, conversions, (kind, width, zero)...]. */
  private readonly keys: string[] = new Array<string>(SLOTS).fill('');
  private readonly plans = new Int32Array(SLOTS * PLAN);
  readonly digits = new Uint16Array(256);
  private readonly spec = new ConvSpec();

  lengthOf(fmt: string, args: readonly (PrintfArg | undefined)[]): number {
    const n = fmt.length;
    if (n === 0) return 0;
    // Five characters spread over the format: SeaBIOS's formats share prefixes ("PCI: ") and endings, and the
    // length and middle character alone put a 200-root-port boot's 37 formats on 834 misses (this: 37).
    // A one-character format reads charCodeAt(-1) = NaN, which the mask makes slot 0.
    const slot = (n * 31 + fmt.charCodeAt(n >> 1) * 7 + fmt.charCodeAt(n >> 2) * 3 + fmt.charCodeAt((3 * n) >> 2) + fmt.charCodeAt(n - 2) * 5) & (SLOTS - 1);
    const plan = this.plans;
    const at = slot * PLAN;
    if (this.keys[slot] !== fmt) {
      this.keys[slot] = '';
      if (!compileInto(fmt, plan, at, this.spec)) return formattedLength(fmt, args, this.digits, this.spec);
      this.keys[slot] = fmt;
    }
    return plannedLength(plan, at, args, this.digits);
  }
}

/** The length from the plan at plan[at...] (see LengthPlans). */
function plannedLength(plan: Int32Array, at: number, args: readonly (PrintfArg | undefined)[], digits: Uint16Array): number {
  let len = plan[at]!;
  const n = plan[at + 1]!;
  for (let c = 0, p = at + 2; c < n; c++, p += 3) {
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

/**
 * Writes the plan of `fmt` at plan[at...], parsed exactly as `formattedLength` (and `formatInto`) parse it;
 * false when it does not fit (more than MAX_CONVS conversions, or a width past an Int32): then the caller
 * parses each time.
 */
function compileInto(fmt: string, plan: Int32Array, at: number, spec: ConvSpec): boolean {
  let fixed = 0;
  let c = 0;
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
    i = readConv(fmt, i + 1, spec);
    const zero = spec.zero ? 1 : 0;
    const width = spec.width;
    const conv = spec.conv;
    if (width > 0x3fff_ffff) return false;
    switch (conv) {
      case 37 /* % */:
        fixed += 1;
        break;
      case 99 /* c */:
        fixed += 1;
        c = put(plan, at, c, K_SKIP, 0, 0);
        break;
      case 100 /* d */:
        c = put(plan, at, c, K_D, width, zero);
        break;
      case 117 /* u */:
        c = put(plan, at, c, K_U, width, zero);
        break;
      case 120 /* x */:
      case 88 /* X */:
        c = put(plan, at, c, K_X, width, zero);
        break;
      case 115 /* s */:
        c = put(plan, at, c, K_S, width, zero);
        break;
      case 112 /* p */:
        if (fmt.charCodeAt(i) === 80 /* P */) {
          i++;
          fixed += 7;
          c = put(plan, at, c, K_SKIP, 0, 0);
        } else c = put(plan, at, c, K_P, 0, 0);
        break;
      default:
        fixed += conv >= 0 ? 2 : 1;
    }
    if (c < 0) return false;
  }
  plan[at] = fixed;
  plan[at + 1] = c;
  return true;
}

/** Puts conversion number c at plan[at...]; the next count, or -1 when the plan is full. */
function put(plan: Int32Array, at: number, c: number, kind: number, width: number, zero: number): number {
  if (c < 0 || c === MAX_CONVS) return -1;
  const p = at + 2 + 3 * c;
  plan[p] = kind;
  plan[p + 1] = width;
  plan[p + 2] = zero;
  return c + 1;
}
