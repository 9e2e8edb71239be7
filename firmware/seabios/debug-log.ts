/**
 * SeaBIOS's debug log as records, not text: each dprintf is kept as its format string (a reference to the
 * literal) and its arguments, and each `write` as its text; the characters are made only when someone reads
 * them (FirmwareResult.log, the machine's debug console). A boot prints thousands of lines that no report
 * reads; formatting them eagerly, and copying them into two logs, was a fifth of a 200-root-port boot
 * (docs/performance.md §16). Rendering a record runs the same `formatInto` on the same values as the eager
 * path did, so the text read back is the one SeaBIOS's bvprintf (src/output.c) would have printed.
 *
 * Numbers go into a Float64Array and strings into one array, with a tag per argument: no object per line.
 * The store belongs to one boot's DebugOutput (no module state).
 */
import type { DeferredText } from '../io.js';
import { charsText } from '../char-log.js';
import { CharBuffer, formatInto, type PrintfArg } from './printf.js';

const TAG_UNDEFINED = 0;
const TAG_NUMBER = 1;
const TAG_STRING = 2;
/** `argc` of a record that is plain text (`write`): its "format" is printed as is. */
const RAW = 255;

export class PrintfLog implements DeferredText {
  /** Format string (or raw text) of each record. */
  private readonly fmts: string[] = [];
  /** First argument slot of each record, and how many (RAW for plain text). */
  private argStart = new Int32Array(256);
  private argc = new Uint8Array(256);
  /** Argument slots: a tag each; a number's value, or a string's index in `strs`. */
  private tags = new Uint8Array(1024);
  private nums = new Float64Array(1024);
  private readonly strs: string[] = [];
  private slots = 0;
  /** The text of records [0, textUpTo), once read. */
  private text = '';
  private textUpTo = 0;
  private readonly line = new CharBuffer();
  private readonly args: (PrintfArg | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];

  /** Records so far. */
  get count(): number {
    return this.fmts.length;
  }

  /** Records a dprintf; `args[0, argc)` are its arguments (the ones after are undefined). Returns its index. */
  addPrintf(fmt: string, args: readonly (PrintfArg | undefined)[], argc: number): number {
    const r = this.fmts.length;
    this.reserve(r, argc);
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
    this.fmts.push(fmt);
    return r;
  }

  /** Records text printed as is. Returns its index. */
  addText(text: string): number {
    const r = this.fmts.length;
    this.reserve(r, 0);
    this.argStart[r] = this.slots;
    this.argc[r] = RAW;
    this.fmts.push(text);
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

  private render(from: number, to: number): string {
    const out = this.line;
    out.n = 0;
    for (let r = from; r < to; r++) this.renderInto(r, out);
    return charsText(out.chars, out.n);
  }

  /** The whole log. */
  all(): string {
    return this.textOf(0, this.fmts.length);
  }

  private renderInto(r: number, out: CharBuffer): void {
    const fmt = this.fmts[r]!;
    const argc = this.argc[r]!;
    if (argc === RAW) {
      out.pushString(fmt);
      return;
    }
    const args = this.args;
    const start = this.argStart[r]!;
    for (let i = 0; i < args.length; i++) {
      if (i >= argc) {
        args[i] = undefined;
        continue;
      }
      const tag = this.tags[start + i]!;
      args[i] = tag === TAG_NUMBER ? this.nums[start + i]! : tag === TAG_STRING ? this.strs[this.nums[start + i]!]! : undefined;
    }
    formatInto(out, fmt, args);
  }

  private reserve(record: number, argc: number): void {
    if (record === this.argc.length) {
      const start = new Int32Array(record * 2);
      start.set(this.argStart);
      this.argStart = start;
      const count = new Uint8Array(record * 2);
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
