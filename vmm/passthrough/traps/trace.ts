/**
 * Every trap hit, kept column by column in typed arrays (a GTT fill through BAR4 is millions of hits:
 * no object per hit), turned into records or JSON Lines only when someone asks for them.
 */
import { bdfString } from '../../../devices/pci/regs.js';
import { regionName } from './rules.js';
import { hex } from '../../core/format.js';

/** One trap hit as `--trace FILE` writes it (one JSON object per line). */
export interface TrapRecord {
  /** Ordinal of the access among all accesses to trapped regions (several rules may share one). */
  readonly step: number;
  readonly bdf: string;
  /** "BAR0".."BAR5", "BAR6" (the ROM BAR) or "config". */
  readonly region: string;
  readonly offset: string;
  readonly width: 1 | 2 | 4;
  readonly access: 'read' | 'write';
  readonly before: string;
  /** null when the access was dropped (never reached the device / returned all ones to the CPU). */
  readonly after: string | null;
  readonly rule: string;
  /** "offset" when the rule redirected the access: before/after are then offsets, not values. */
  readonly field?: 'offset';
}

const FLAG_WRITE = 1;
const FLAG_DROPPED = 2;
const FLAG_OFFSET = 4;
const INITIAL = 1024;

export class TrapTrace {
  length = 0;
  /** Hits past the cap: counted, not kept. */
  dropped = 0;
  private cap0: number;
  private steps = new Float64Array(INITIAL);
  private bdfs = new Uint16Array(INITIAL);
  private regions = new Uint8Array(INITIAL);
  private offsets = new Float64Array(INITIAL);
  private widths = new Uint8Array(INITIAL);
  private flags = new Uint8Array(INITIAL);
  private befores = new Uint32Array(INITIAL);
  private afters = new Uint32Array(INITIAL);
  private rules = new Uint16Array(INITIAL);

  /** `cap`: most hits kept (default 2^22, about 130 MiB of columns). */
  constructor(readonly cap = 1 << 22) {
    this.cap0 = INITIAL;
  }

  push(step: number, bdf: number, region: number, offset: number, width: number, write: boolean, before: number, after: number, dropped: boolean, rule: number, offsetRule = false): void {
    const n = this.length;
    if (n >= this.cap) {
      this.dropped++;
      return;
    }
    if (n === this.cap0) this.grow();
    this.steps[n] = step;
    this.bdfs[n] = bdf;
    this.regions[n] = region;
    this.offsets[n] = offset;
    this.widths[n] = width;
    this.flags[n] = (write ? FLAG_WRITE : 0) | (dropped ? FLAG_DROPPED : 0) | (offsetRule ? FLAG_OFFSET : 0);
    this.befores[n] = before;
    this.afters[n] = after;
    this.rules[n] = rule;
    this.length = n + 1;
  }

  private grow(): void {
    const size = Math.min(this.cap0 * 2, Math.max(this.cap, INITIAL));
    const g = <T extends Float64Array | Uint32Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.steps = g(this.steps, (k) => new Float64Array(k));
    this.bdfs = g(this.bdfs, (k) => new Uint16Array(k));
    this.regions = g(this.regions, (k) => new Uint8Array(k));
    this.offsets = g(this.offsets, (k) => new Float64Array(k));
    this.widths = g(this.widths, (k) => new Uint8Array(k));
    this.flags = g(this.flags, (k) => new Uint8Array(k));
    this.befores = g(this.befores, (k) => new Uint32Array(k));
    this.afters = g(this.afters, (k) => new Uint32Array(k));
    this.rules = g(this.rules, (k) => new Uint16Array(k));
    this.cap0 = size;
  }

  record(i: number, ruleNames: readonly string[]): TrapRecord {
    const f = this.flags[i]!;
    const bdf = this.bdfs[i]!;
    return {
      step: this.steps[i]!,
      bdf: bdfString(bdf >> 8, bdf & 0xff),
      region: regionName(this.regions[i]!),
      offset: hex(this.offsets[i]!),
      width: this.widths[i] as 1 | 2 | 4,
      access: (f & FLAG_WRITE) !== 0 ? 'write' : 'read',
      before: hex(this.befores[i]!),
      after: (f & FLAG_DROPPED) !== 0 ? null : hex(this.afters[i]!),
      rule: ruleNames[this.rules[i]!] ?? `rule ${this.rules[i]!}`,
      ...((f & FLAG_OFFSET) !== 0 ? { field: 'offset' as const } : {}),
    };
  }

  *records(ruleNames: readonly string[]): Generator<TrapRecord> {
    for (let i = 0; i < this.length; i++) yield this.record(i, ruleNames);
  }

  /** The trace as JSON Lines, one line per hit (each ends with '\n'), for `--trace FILE`. */
  *jsonLines(ruleNames: readonly string[]): Generator<string> {
    for (let i = 0; i < this.length; i++) yield JSON.stringify(this.record(i, ruleNames)) + '\n';
  }
}
