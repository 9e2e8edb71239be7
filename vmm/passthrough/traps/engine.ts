/**
 * The trap layer: config-declared rules and built-in quirks between the CPU and a device's BARs or
 * config space. The machine asks it to wrap each BAR handler when it rebuilds its PCI view; regions
 * with no rule and no quirk come back unwrapped, so they cost nothing. Counters and the trace are
 * the layer's whole output; guest misbehaviour (a quirk's fatal error) is recorded, never thrown.
 */
import type { PciFunction } from '../../../devices/pci/function.js';
import type { IoHandler } from '../../core/bus/address-space.js';
import type { TrapRuleSpec } from '../../frontends/config/spec.js';
import type { ConfigAccess } from '../../core/machine/intercept.js';
import { RuleHandler } from './rule-handler.js';
import { compileRules, defaultRuleName, REGION_CONFIG, type RuleSet } from './rules.js';
import { TrapTrace } from './trace.js';

/** A built-in quirk on one BAR of one function. Its state lives in the quirk, so it survives view rebuilds. */
export interface RegionQuirk {
  readonly fn: PciFunction;
  readonly bar: number;
  /** The handler the CPU sees in front of the device's handler `inner`. */
  wrap(inner: IoHandler): IoHandler;
}

export interface TrapEngineOptions {
  /** Keep every hit for `--trace` (true, or the most hits to keep). Counters are kept either way. */
  readonly trace?: boolean | number;
}

export function bdfOf(fn: PciFunction): number {
  return ((fn.busNode?.number() ?? 0) << 8) | fn.devfn;
}

export class TrapEngine {
  /** Trap hits: (access, rule) pairs that matched. */
  hits = 0;
  /** Hits that changed the value on its way (after ≠ before). */
  rewrites = 0;
  /** Hits that kept the access from the device (drop rules, a halted quirk). */
  drops = 0;
  /** Accesses to trapped regions so far; the trace's `step`. */
  step = 0;
  /** Set when a quirk stops the VM as QEMU's hw_error() does; nothing after it should run. */
  fatal: string | null = null;
  readonly trace: TrapTrace | undefined;
  /** Rule names by id: the config's rules first (in order), then built-in quirks. */
  readonly ruleNames: string[];
  private readonly rules: Map<number, RuleSet>;
  private readonly quirks: RegionQuirk[] = [];
  private readonly cfgRules: (RuleSet | undefined)[] = [];
  /** Called once with the fatal message (the installer records it as a machine event). */
  onFatal: ((source: PciFunction, message: string) => void) | undefined;

  constructor(readonly specs: readonly TrapRuleSpec[], options: TrapEngineOptions = {}) {
    this.ruleNames = specs.map(defaultRuleName);
    this.rules = compileRules(specs, 0);
    for (const [key, rs] of this.rules) if (key % 8 === REGION_CONFIG) this.cfgRules[Math.floor(key / 8)] = rs;
    const t = options.trace;
    this.trace = t === undefined || t === false ? undefined : new TrapTrace(t === true ? undefined : t);
  }

  /** Registers a quirk; returns its rule id for hit(). */
  addQuirk(q: RegionQuirk, name: string): number {
    this.quirks.push(q);
    this.ruleNames.push(name);
    return this.ruleNames.length - 1;
  }

  /** Whether any BAR has a rule or a quirk (else the machine needs no BAR wrapper at all). */
  get wrapsBars(): boolean {
    return this.quirks.length > 0 || [...this.rules.keys()].some((k) => k % 8 !== REGION_CONFIG);
  }

  get hasConfigRules(): boolean {
    return this.cfgRules.length > 0;
  }

  /** Interceptor.bar: the handler the CPU reaches BAR `bar` of `fn` through. */
  wrapBar(fn: PciFunction, bar: number, h: IoHandler): IoHandler {
    let out = h;
    for (const q of this.quirks) if (q.fn === fn && q.bar === bar) out = q.wrap(out);
    const bdf = bdfOf(fn);
    const rs = this.rules.get(bdf * 8 + bar);
    return rs === undefined ? out : new RuleHandler(out, this, bdf, bar, rs);
  }

  /**
   * Interceptor.config: the view of `fn`'s config space at `bdf` through its rules, or undefined when none targets
   * it. A write returns what the device's own write returned (a dropped write changes nothing).
   */
  configAccess(fn: PciFunction, bdf: number, inner: ConfigAccess): ConfigAccess | undefined {
    const rs = this.cfgRules[bdf];
    if (rs === undefined) return undefined;
    let effect = 0;
    const io: IoHandler = { read: (o, w) => inner.read(o, w as 1 | 2 | 4), write: (o, w, v) => void (effect |= inner.write(o, w as 1 | 2 | 4, v)) };
    const h = new RuleHandler(io, this, bdf, REGION_CONFIG, rs, fn);
    return {
      read: (off, width) => h.read(off, width),
      write: (off, width, value) => {
        effect = 0;
        h.write(off, width, value);
        return effect;
      },
    };
  }

  /** Counts (and traces) one hit of rule `rule`; `after` is ignored when `dropped`. */
  hit(bdf: number, region: number, offset: number, width: number, write: boolean, before: number, after: number, dropped: boolean, rule: number): void {
    this.hits++;
    if (dropped) this.drops++;
    else if (after !== before) this.rewrites++;
    if (this.trace !== undefined) this.trace.push(this.step, bdf, region, offset, width, write, before, after, dropped, rule);
  }

  /** An offset rule's hit: counted as a rewrite when it moved the access; traced with the offsets as before/after. */
  hitOffset(bdf: number, region: number, offset: number, width: number, write: boolean, from: number, to: number, rule: number): void {
    this.hits++;
    if (from !== to) this.rewrites++;
    if (this.trace !== undefined) this.trace.push(this.step, bdf, region, offset, width, write, from, to, false, rule, true);
  }

  /** A quirk's fatal error: the VM stops (QEMU hw_error aborts). Recorded once. */
  halt(source: PciFunction, message: string): void {
    if (this.fatal !== null) return;
    this.fatal = message;
    this.onFatal?.(source, message);
  }

  /** The trace as JSON Lines (empty when tracing was off). */
  *traceLines(): Generator<string> {
    if (this.trace !== undefined) yield* this.trace.jsonLines(this.ruleNames);
  }
}
