/**
 * The budget model: every quantity a hostile config, ROM program or workload can make unbounded, with
 * one limit each. A run that reaches a limit stops that activity and reports a `budget-exceeded` event
 * (source `budget`, the quantity and the limit in the message); it never hangs and never throws.
 *
 * One meter per boot (no module state): the Machine owns it, devices and runners charge it.
 */

/** The quantities a run may spend. */
export interface BudgetLimits {
  /** ROM loop iterations plus workload steps executed. */
  readonly steps: number;
  /** Bytes one fw_cfg DMA descriptor, dump or device copy may move (per copy). */
  readonly bytes: number;
  /** Pixels the workload may render (fills, copies, update areas; per run). */
  readonly pixels: number;
  /** GTT pages one IGD scan-out frame may fetch. */
  readonly pages: number;
  /** Bytes of debug-console text kept (SeaBIOS log plus ROM `log:` steps). */
  readonly log: number;
  /** Wall-clock milliseconds one boot may take (checked between units of work). */
  readonly ms: number;
}

export type BudgetName = keyof BudgetLimits;

/**
 * Defaults: generous for every bundled config and recording (the largest bundled workload renders
 * ~10^7 pixels, an 8K × 8K 32 bpp IGD frame is 65536 pages, a SeaBIOS boot log is ~30 KiB), small
 * enough that a run ends in seconds and a few hundred MiB. Rendering is the slowest per unit
 * (~0.1 µs a pixel through QXL's draw and update-area): 2^26 pixels, one 8192 × 8192 surface.
 */
export const DEFAULT_BUDGET: BudgetLimits = Object.freeze({
  steps: 100_000_000,
  bytes: 256 * 1024 * 1024,
  pixels: 1 << 26,
  pages: 1 << 16,
  log: 16 * 1024 * 1024,
  ms: 20_000,
});

export const BUDGET_NAMES: readonly BudgetName[] = ['steps', 'bytes', 'pixels', 'pages', 'log', 'ms'];

/** One `budget-exceeded` event's content. */
export interface BudgetExceeded {
  readonly name: BudgetName;
  readonly limit: number;
  readonly what: string;
}

const isBudgetName = (s: string): s is BudgetName => (BUDGET_NAMES as readonly string[]).includes(s);

/**
 * Parses `--budget` text: comma-separated `name=value` pairs (`steps=1e6,ms=5000`); values are
 * non-negative safe integers, with an optional K/M/G suffix (powers of 1024) for `bytes`/`log`.
 */
export function parseBudget(text: string, base: BudgetLimits = DEFAULT_BUDGET): { ok: true; budget: BudgetLimits } | { ok: false; message: string } {
  const out: Record<BudgetName, number> = { ...base };
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const m = /^([a-z]+)=([0-9]+(?:\.[0-9]+)?(?:e[0-9]+)?)([kmg]?)$/i.exec(item);
    if (m === null) return { ok: false, message: `--budget: expected name=value, got '${item}' (names: ${BUDGET_NAMES.join(', ')})` };
    const name = m[1]!.toLowerCase();
    if (!isBudgetName(name)) return { ok: false, message: `--budget: unknown budget '${name}' (known: ${BUDGET_NAMES.join(', ')})` };
    const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[3]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
    const v = Number(m[2]) * mult;
    if (!Number.isSafeInteger(v)) return { ok: false, message: `--budget: ${name}=${m[2]}${m[3]} is not a whole number below 2^53` };
    out[name] = v;
  }
  return { ok: true, budget: out };
}

function hasOwnKeys(o: object): boolean {
  for (const k in o) if (Object.prototype.hasOwnProperty.call(o, k)) return true;
  return false;
}

/**
 * A boot's meter. `charge` returns false once the quantity would pass its limit (and records the
 * first overrun of each quantity); the caller stops what it was doing. `clock` is injectable for tests.
 */
export class BudgetMeter {
  readonly limits: BudgetLimits;
  private readonly used: Record<BudgetName, number> = { steps: 0, bytes: 0, pixels: 0, pages: 0, log: 0, ms: 0 };
  private readonly start: number;
  /** Overruns, first of each quantity, in the order they happened. */
  readonly exceeded: BudgetExceeded[] = [];
  /** Called on each first overrun (the Machine turns it into a report event). */
  onExceeded: ((e: BudgetExceeded) => void) | undefined;

  constructor(limits: Partial<BudgetLimits> = {}, private readonly clock: () => number = Date.now) {
    // Most boots set no limit: they share the frozen defaults instead of a copy made by two spreads per boot
    // (docs/performance.md §22).
    this.limits = hasOwnKeys(limits) ? { ...DEFAULT_BUDGET, ...limits } : DEFAULT_BUDGET;
    this.start = clock();
  }

  /** Spends `n` of `name`; false (and one event) when that passes the limit. */
  charge(name: Exclude<BudgetName, 'ms'>, n: number, what: string): boolean {
    const next = this.used[name] + n;
    if (!(next <= this.limits[name])) {
      this.exceed(name, what);
      return false;
    }
    this.used[name] = next;
    return true;
  }

  /** Whether `n` more would still fit (no charge, no event). */
  fits(name: Exclude<BudgetName, 'ms'>, n: number): boolean {
    return this.used[name] + n <= this.limits[name];
  }

  /** A single copy of `n` bytes: per-copy limit, not cumulative. */
  copy(n: number, what: string): boolean {
    if (n <= this.limits.bytes) return true;
    this.exceed('bytes', what);
    return false;
  }

  /** Wall-clock check; false (and one event) once the boot ran past its time. */
  inTime(what: string): boolean {
    if (this.clock() - this.start <= this.limits.ms) return true;
    this.exceed('ms', what);
    return false;
  }

  /** True once any quantity ran out (later work may choose to stop). */
  get spent(): boolean {
    return this.exceeded.length > 0;
  }

  usedOf(name: Exclude<BudgetName, 'ms'>): number {
    return this.used[name];
  }

  private exceed(name: BudgetName, what: string): void {
    if (this.exceeded.some((e) => e.name === name)) return;
    const e = { name, limit: this.limits[name], what };
    this.exceeded.push(e);
    this.onExceeded?.(e);
  }
}

/** The event message of an overrun: `steps budget of 1000 exceeded by ROM loop at x.yaml:3:5`. */
export function budgetMessage(e: BudgetExceeded): string {
  return `${e.name} budget of ${e.limit}${e.name === 'ms' ? ' ms' : ''} exceeded: ${e.what} (raise it with --budget ${e.name}=N)`;
}
