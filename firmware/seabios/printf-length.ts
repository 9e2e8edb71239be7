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

/**
 * Slots of the plan cache (a power of two), and the conversions a cached plan can hold (SeaBIOS's level-1
 * formats have at most five). A conversion is one number: kind | zero << 3 | width << 4.
 */
const SLOTS = 16;
const MAX_CONVS = 8;
const PLAN = 2 + MAX_CONVS;
/** Widths that fit the packed conversion as a small integer (a larger one is parsed each time). */
const MAX_PLAN_WIDTH = 0x3f_ffff;

/**
 * `formattedLength` with each format parsed once while it stays cached: SeaBIOS prints a few dozen formats
 * thousands of times in a big boot, so a line's length is its format's fixed part (literal text, %%, %c, %pP,
 * unknown conversions) plus its argument-dependent conversions. A small direct-mapped cache keyed by a few of
 * the format's characters, in one plain array of small integers: nothing is allocated per format or per line
 * (a Map of plans per boot allocated more than a small boot's log saved), and no typed array per boot (each is
 * a backing store of its own; docs/performance.md §20). One per record store (debug-log.ts), no module state.
 */
export class LengthPlans {
  /** The format in each slot (by reference; '' = empty), and each slot's plan at slot * PLAN: [fixed, conversions, packed...]. */
  private readonly keys: string[] = ['', '', '', '', '', '', '', '', '', '', '', '', '', '', '', ''];
  private readonly plans: number[] = new Array<number>(SLOTS * PLAN).fill(0);
  private readonly spec = new ConvSpec();
  /** Scratch for `formattedLength` when a format does not fit a plan: made then. */
  private digits: Uint16Array | undefined;

  /** The length `fmt` formats to with `args`. */
  lengthOf(fmt: string, args: readonly (PrintfArg | undefined)[]): number {
    return this.lengthAt(fmt, args, 0, args.length);
  }

  /** The length `fmt` formats to with the arguments items[from, end) (undefined past end). */
  lengthAt(fmt: string, items: readonly (PrintfArg | undefined)[], from: number, end: number): number {
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
      if (!compileInto(fmt, plan, at, this.spec)) return this.unplanned(fmt, items, from, end);
      this.keys[slot] = fmt;
    }
    return plannedLength(plan, at, items, from, end);
  }

  private unplanned(fmt: string, items: readonly (PrintfArg | undefined)[], from: number, end: number): number {
    const args: (PrintfArg | undefined)[] = [];
    for (let i = from; i < end; i++) args.push(items[i]);
    return formattedLength(fmt, args, (this.digits ??= new Uint16Array(256)), this.spec);
  }
}

/**
 * How many digits `digitsOf(v, radix, _, _)` (printf.ts) writes for a non-negative integer v, without writing
 * them: the same three cases with the same arithmetic, so the count is the same.
 */
export function digitCount(v: number, radix: number): number {
  if (radix === 16 && v <= 0xffff_ffff) {
    const u = v >>> 0;
    return u === 0 ? 1 : (35 - Math.clz32(u)) >> 2;
  }
  if (radix === 10 && v <= 0x7fff_ffff) {
    const u = v | 0;
    if (u < 10_000) return u < 10 ? 1 : u < 100 ? 2 : u < 1000 ? 3 : 4;
    if (u < 100_000_000) return u < 100_000 ? 5 : u < 1_000_000 ? 6 : u < 10_000_000 ? 7 : 8;
    return u < 1_000_000_000 ? 9 : 10;
  }
  let k = 0;
  do {
    const d = v % radix;
    k++;
    v = (v - d) / radix;
  } while (v > 0);
  return k;
}

/** `numberLength` with the digits counted by `digitCount` (no scratch). */
function plannedNumberLength(v: number, hex: boolean, width: number): number {
  if (hex && v < 0) v = v >>> 0;
  const fast = hex ? Number.isInteger(v) && v >= 0 : Number.isSafeInteger(v);
  if (!fast) {
    const len = (hex ? v.toString(16) : String(v)).length;
    return len > width ? len : width;
  }
  const neg = v < 0;
  const len = digitCount(neg ? -v : v, hex ? 16 : 10) + (neg ? 1 : 0);
  return len > width ? len : width;
}

/**
 * A dprintf format with its length plan, made once per process: each SeaBIOS call site holds one as a module
 * constant (`const F_X = seabiosFormat('...')`), so a boot's log reads the plan off the format instead of
 * compiling it into a per-boot LengthPlans (a small boot prints ~35 formats once or twice each, and compiled
 * each of them every boot). Frozen, its plan never written after the constructor: immutable facts, not module
 * state (test/architecture/module-state.test.ts).
 */
export class SeabiosFormat {
  /** [fixed, conversions, packed...] as LengthPlans keeps it; undefined when the format does not fit a plan. */
  readonly plan: readonly number[] | undefined;

  constructor(readonly text: string) {
    const plan = new Array<number>(PLAN).fill(0);
    const fits = text.length > 0 && compileInto(text, plan, 0, new ConvSpec());
    if (fits) plan.length = 2 + plan[1]!;
    // Not frozen: a frozen array has elements of its own kind, and plannedLength, which also reads LengthPlans'
    // plain array, went polymorphic and slower on it (CPU profile). `readonly` keeps it unwritten.
    this.plan = fits ? plan : undefined;
    Object.freeze(this);
  }
}

/** The format `text` with its plan (for module constants at SeaBIOS's call sites). */
export function seabiosFormat(text: string): SeabiosFormat {
  return new SeabiosFormat(text);
}

/** The length a SeabiosFormat's `plan` gives with the arguments items[from, end). */
export function plannedLengthOf(plan: readonly number[], items: readonly (PrintfArg | undefined)[], from: number, end: number): number {
  return plannedLength(plan, 0, items, from, end);
}

/** The length from the plan at plan[at...] (see LengthPlans), with the arguments items[from, end). */
function plannedLength(plan: readonly number[], at: number, items: readonly (PrintfArg | undefined)[], from: number, end: number): number {
  let len = plan[at]!;
  const n = plan[at + 1]!;
  for (let c = 0; c < n; c++) {
    const conv = plan[at + 2 + c]!;
    const kind = conv & 7;
    if (kind === K_SKIP) continue;
    const width = conv >> 4;
    const a = from + c < end ? items[from + c] : undefined;
    switch (kind) {
      case K_D: {
        const v = Number(a);
        if (v < 0) {
          const w = 1 + plannedNumberLength(-v, false, (conv & 8) !== 0 ? width - 1 : 0);
          len += w < width ? width : w;
        } else len += plannedNumberLength(v, false, width);
        break;
      }
      case K_U:
        len += plannedNumberLength(Number(a), false, width);
        break;
      case K_X:
        len += plannedNumberLength(Number(a), true, width);
        break;
      case K_S: {
        const sl = (typeof a === 'string' ? a : String(a)).length;
        len += sl > width ? sl : width;
        break;
      }
      default: // K_P
        len += 2 + plannedNumberLength(Number(a), true, 8);
    }
  }
  return len;
}

/**
 * Writes the plan of `fmt` at plan[at...], parsed exactly as `formattedLength` (and `formatInto`) parse it;
 * false when it does not fit (more than MAX_CONVS conversions, or a width past MAX_PLAN_WIDTH): then the caller
 * parses each time.
 */
function compileInto(fmt: string, plan: number[], at: number, spec: ConvSpec): boolean {
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
    const width = spec.width;
    const conv = spec.conv;
    if (width > MAX_PLAN_WIDTH) return false;
    const packed = (spec.zero ? 8 : 0) | (width << 4);
    switch (conv) {
      case 37 /* % */:
        fixed += 1;
        break;
      case 99 /* c */:
        fixed += 1;
        c = put(plan, at, c, K_SKIP);
        break;
      case 100 /* d */:
        c = put(plan, at, c, K_D | packed);
        break;
      case 117 /* u */:
        c = put(plan, at, c, K_U | packed);
        break;
      case 120 /* x */:
      case 88 /* X */:
        c = put(plan, at, c, K_X | packed);
        break;
      case 115 /* s */:
        c = put(plan, at, c, K_S | packed);
        break;
      case 112 /* p */:
        if (fmt.charCodeAt(i) === 80 /* P */) {
          i++;
          fixed += 7;
          c = put(plan, at, c, K_SKIP);
        } else c = put(plan, at, c, K_P);
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
function put(plan: number[], at: number, c: number, packed: number): number {
  if (c < 0 || c === MAX_CONVS) return -1;
  plan[at + 2 + c] = packed;
  return c + 1;
}
