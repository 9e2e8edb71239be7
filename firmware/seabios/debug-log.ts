/**
 * SeaBIOS's debug log as records, not text: each dprintf is kept as its format string and its arguments, and each `write` as its text; the characters are made only when
 * someone reads them (FirmwareResult.log, the machine's debug console). A boot prints thousands of lines that
 * no report reads; formatting them eagerly, and copying them into two logs, was a fifth of a 200-root-port
 * boot (docs/performance.md §16). Rendering a record runs the same `formatInto` on the same values as the
 * eager path did, so the text read back is the one SeaBIOS's bvprintf (src/output.c) would have printed.
 *
 * One plain array holds every record: its format (or text), then its arguments as they were passed (numbers,
 * strings, undefined); a second holds where each record starts (bitwise-not for text). No typed array and no
 * object per record: a boot's store is a few young-generation arrays that die with it, where six typed arrays
 * each cost a backing store per boot (docs/performance.md §20). The store belongs to one boot's DebugOutput
 * (no module state).
 */
import type { DeferredText } from '../io.js';
import { charsText } from '../char-log.js';
import { CharBuffer, formatInto, type PrintfArg } from './printf.js';
import { LengthPlans, plannedLengthOf, SeabiosFormat } from './printf-length.js';

export class PrintfLog implements DeferredText {
  /** Per record: its format (a call site's constant, or a string) or its text, then its arguments. */
  private readonly items: (PrintfArg | SeabiosFormat | undefined)[] = [];
  /** Per record: where it starts in `items`; `~start` for text printed as is. */
  private readonly starts: number[] = [];
  /** Lengths of lines printed with a bare string format (printf-length.ts): made on the first such length asked. */
  private lengths: LengthPlans | undefined;
  /** The text of records [0, textUpTo), once read. */
  private text = '';
  private textUpTo = 0;
  /** Where records are rendered, and their arguments: made on the first read (most boots never read the log). */
  private line: CharBuffer | undefined;
  private args: (PrintfArg | undefined)[] | undefined;

  /** Records so far. */
  get count(): number {
    return this.starts.length;
  }

  /**
   * Records a dprintf with up to six arguments (the ones after the last defined one are not kept: a conversion
   * past them reads undefined, as it does past the end). Returns its index. A SeabiosFormat brings its length
   * plan, made once per process; a string format gets one from this store's LengthPlans.
   */
  addPrintf(fmt: SeabiosFormat | string, a0?: PrintfArg, a1?: PrintfArg, a2?: PrintfArg, a3?: PrintfArg, a4?: PrintfArg, a5?: PrintfArg): number {
    const argc = a5 !== undefined ? 6 : a4 !== undefined ? 5 : a3 !== undefined ? 4 : a2 !== undefined ? 3 : a1 !== undefined ? 2 : a0 !== undefined ? 1 : 0;
    const items = this.items;
    const starts = this.starts;
    const r = starts.length;
    starts.push(items.length);
    // One value per push: V8 inlines a one-value push, while a push of several allocated on every call
    // (~0.2 MiB per 200-root-port boot in the sampling heap profiler).
    items.push(fmt);
    if (argc > 0) items.push(a0);
    if (argc > 1) items.push(a1);
    if (argc > 2) items.push(a2);
    if (argc > 3) items.push(a3);
    if (argc > 4) items.push(a4);
    if (argc > 5) items.push(a5);
    return r;
  }

  /** Records text printed as is. Returns its index. */
  addText(text: string): number {
    const r = this.starts.length;
    this.starts.push(~this.items.length);
    this.items.push(text);
    return r;
  }

  /** The length record `r` (a dprintf) formats to, without formatting it. */
  lengthOfPrintf(r: number): number {
    const at = this.starts[r]!;
    const end = r + 1 < this.starts.length ? this.startOf(r + 1) : this.items.length;
    const fmt = this.items[at];
    const items = this.items as readonly (PrintfArg | undefined)[];
    if (fmt instanceof SeabiosFormat) {
      if (fmt.plan !== undefined) return plannedLengthOf(fmt.plan, items, at + 1, end);
      return (this.lengths ??= new LengthPlans()).lengthAt(fmt.text, items, at + 1, end);
    }
    return (this.lengths ??= new LengthPlans()).lengthAt(fmt as string, items, at + 1, end);
  }

  /** Appends the text of record `r` to `out`. */
  renderInto(r: number, out: CharBuffer): void {
    const s = this.starts[r]!;
    const items = this.items;
    if (s < 0) {
      out.pushString(items[~s] as string);
      return;
    }
    const end = r + 1 < this.starts.length ? this.startOf(r + 1) : items.length;
    const args = (this.args ??= [undefined, undefined, undefined, undefined, undefined, undefined]);
    for (let i = 0, j = s + 1; i < args.length; i++, j++) args[i] = j < end ? (items[j] as PrintfArg | undefined) : undefined;
    const fmt = items[s];
    formatInto(out, fmt instanceof SeabiosFormat ? fmt.text : (fmt as string), args);
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
    return this.textOf(0, this.starts.length);
  }

  private startOf(r: number): number {
    const s = this.starts[r]!;
    return s < 0 ? ~s : s;
  }

  private render(from: number, to: number): string {
    const out = (this.line ??= new CharBuffer());
    out.n = 0;
    for (let r = from; r < to; r++) this.renderInto(r, out);
    return charsText(out.chars, out.n);
  }
}
