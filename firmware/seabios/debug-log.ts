/**
 * SeaBIOS's debug log as records, not text: each dprintf is kept as its format string and its arguments, and each `write` as its text; the characters are made only when
 * someone reads them (FirmwareResult.log, the machine's debug console). A boot prints thousands of lines that
 * no report reads; formatting them eagerly, and copying them into two logs, was a fifth of a 200-root-port
 * boot (docs/performance.md §16). Rendering a record runs the same `formatInto` on the same values as the
 * eager path did, so the text read back is the one SeaBIOS's bvprintf (src/output.c) would have printed.
 *
 * Per record: a reference to its format (or text) in one array, its first argument slot and count in typed
 * arrays; per argument slot a tag and a number (strings, rare, in one array): no object per line. The store
 * belongs to one boot's DebugOutput (no module state).
 */
import type { DeferredText } from '../io.js';
import { charsText } from '../char-log.js';
import { CharBuffer, formatInto, type PrintfArg } from './printf.js';
import { LengthPlans } from './printf-length.js';

const TAG_UNDEFINED = 0;
const TAG_NUMBER = 1;
const TAG_STRING = 2;
/** Argument count of a record that is plain text (`write`). */
const RAW = 255;

export class PrintfLog implements DeferredText {
  /** Per record: its format string (a reference to the literal) or, for text, the text. */
  private readonly fmts: string[] = [];
  /** Lengths of formatted lines, from each format's cached plan (printf-length.ts). */
  private readonly lengths = new LengthPlans();
  /** Per record: first argument slot and argument count (RAW for text). */
  private argStart = new Int32Array(128);
  private argc = new Uint8Array(128);
  private n = 0;
  /** Argument slots: a tag each; a number's value, or a string's index in `strs`. */
  private tags = new Uint8Array(256);
  private nums = new Float64Array(256);
  private readonly strs: string[] = [];
  private slots = 0;
  /** The text of records [0, textUpTo), once read. */
  private text = '';
  private textUpTo = 0;
  /** Where records are rendered: made on the first read (most boots never read the log). */
  private line: CharBuffer | undefined;
  private readonly args: (PrintfArg | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];

  /** Records so far. */
  get count(): number {
    return this.n;
  }

  /** Records a dprintf; `args[0, argc)` are its arguments (the ones after are undefined). Returns its index. */
  addPrintf(fmt: string, args: readonly (PrintfArg | undefined)[], argc: number): number {
    const r = this.n;
    this.reserve(argc);
    this.fmts.push(fmt);
    this.argStart[r] = this.slots;
    this.argc[r] = argc;
    const tags = this.tags;
    const nums = this.nums;
    let s = this.slots;
    for (let i = 0; i < argc; i++, s++) {
      const a = args[i];
      if (typeof a === 'number') {
        tags[s] = TAG_NUMBER;
        nums[s] = a;
      } else if (typeof a === 'string') {
        tags[s] = TAG_STRING;
        nums[s] = this.strs.length;
        this.strs.push(a);
      } else tags[s] = TAG_UNDEFINED;
    }
    this.slots = s;
    this.n = r + 1;
    return r;
  }

  /** The length `fmt` formats to with `args`, without formatting it. */
  lengthOf(fmt: string, args: readonly (PrintfArg | undefined)[]): number {
    return this.lengths.lengthOf(fmt, args);
  }

  /** Records text printed as is. Returns its index. */
  addText(text: string): number {
    const r = this.n;
    this.reserve(0);
    this.fmts.push(text);
    this.argStart[r] = this.slots;
    this.argc[r] = RAW;
    this.n = r + 1;
    return r;
  }

  /** The text of records [from, to); the text from record 0 is kept, so reading the whole log again is free. */
  textOf(from: number, to: number): string {
    if (from === 0 && to >= this.textUpTo) {
      if (to > this.textUpTo) {
        this.text += this.render(this.textUpTo, to);
        this.textUpTo = to;
      }
      return this.text;
    }
    return this.render(from, to);
  }

  /** The whole log. */
  all(): string {
    return this.textOf(0, this.n);
  }

  private render(from: number, to: number): string {
    const out = (this.line ??= new CharBuffer());
    out.n = 0;
    for (let r = from; r < to; r++) this.renderInto(r, out);
    return charsText(out.chars, out.n);
  }

  private renderInto(r: number, out: CharBuffer): void {
    const fmt = this.fmts[r]!;
    const argc = this.argc[r]!;
    if (argc === RAW) {
      out.pushString(fmt);
      return;
    }
    const start = this.argStart[r]!;
    const args = this.args;
    for (let i = 0; i < args.length; i++) {
      const tag = i < argc ? this.tags[start + i]! : TAG_UNDEFINED;
      args[i] = tag === TAG_NUMBER ? this.nums[start + i]! : tag === TAG_STRING ? this.strs[this.nums[start + i]!]! : undefined;
    }
    formatInto(out, fmt, args);
  }

  private reserve(argc: number): void {
    const r = this.n;
    if (r === this.argc.length) {
      const start = new Int32Array(r * 2);
      start.set(this.argStart);
      this.argStart = start;
      const count = new Uint8Array(r * 2);
      count.set(this.argc);
      this.argc = count;
    }
    if (this.slots + argc > this.tags.length) {
      const cap = Math.max(this.tags.length * 2, this.slots + argc);
      const tags = new Uint8Array(cap);
      tags.set(this.tags);
      this.tags = tags;
      const nums = new Float64Array(cap);
      nums.set(this.nums);
      this.nums = nums;
    }
  }
}
