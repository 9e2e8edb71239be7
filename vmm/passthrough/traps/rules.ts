/**
 * Config `traps:` entries compiled into per-(function, region) rule sets held in typed arrays, so a
 * trapped access tests a few numbers and never allocates. Unmatched regions get no rule set at all.
 */
import type { TrapRuleSpec } from '../../frontends/config/spec.js';

/** Region ids: BARs 0..5, 6 = expansion ROM BAR (QEMU PCI_ROM_SLOT), 7 = config space. */
export const REGION_CONFIG = 7;
export const DIR_READ = 1;
export const DIR_WRITE = 2;
export const ACTION_LOG = 0;
export const ACTION_DROP = 1;
export const ACTION_REWRITE = 2;

/** "bb:dd.f" → bus << 8 | dev << 3 | fn, or -1. */
export function parseBdf(text: string): number {
  const m = /^([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(text.trim());
  if (m === null) return -1;
  const dev = parseInt(m[2]!, 16);
  if (dev > 0x1f) return -1;
  return (parseInt(m[1]!, 16) << 8) | (dev << 3) | parseInt(m[3]!, 10);
}

export function regionName(region: number): string {
  return region === REGION_CONFIG ? 'config' : `BAR${region}`;
}

/** The rules that apply to one region of one function, in declaration order. */
export class RuleSet {
  readonly start: Float64Array;
  readonly end: Float64Array;
  readonly widths: Uint8Array; // bit mask of accepted widths (1, 2, 4)
  readonly dirs: Uint8Array;
  readonly actions: Uint8Array;
  readonly from0: Float64Array;
  readonly from1: Float64Array;
  readonly to: Float64Array;
  /** 1 = a rewrite-range rule that rewrites the access's offset (`field: offset`), 0 = the value. */
  readonly fields: Uint8Array;
  /** Index into the engine's rule-name table, for the trace. */
  readonly ids: Uint16Array;
  /** Some rule redirects offsets: the handler resolves the device offset first. */
  readonly rewritesOffsets: boolean;
  /** Some rule drops reads: the read path must decide before touching the device. */
  readonly dropsReads: boolean;

  constructor(rules: readonly { spec: TrapRuleSpec; id: number }[]) {
    const n = rules.length;
    this.start = new Float64Array(n);
    this.end = new Float64Array(n);
    this.widths = new Uint8Array(n);
    this.dirs = new Uint8Array(n);
    this.actions = new Uint8Array(n);
    this.from0 = new Float64Array(n);
    this.from1 = new Float64Array(n);
    this.to = new Float64Array(n);
    this.ids = new Uint16Array(n);
    this.fields = new Uint8Array(n);
    let dropsReads = false;
    let offsets = false;
    rules.forEach(({ spec, id }, i) => {
      this.start[i] = spec.offset?.[0] ?? 0;
      this.end[i] = spec.offset?.[1] ?? Number.MAX_SAFE_INTEGER;
      this.widths[i] = spec.width ?? 7;
      const d = spec.direction ?? 'both';
      this.dirs[i] = d === 'read' ? DIR_READ : d === 'write' ? DIR_WRITE : DIR_READ | DIR_WRITE;
      this.actions[i] = spec.action === 'drop' ? ACTION_DROP : spec.action === 'rewrite-range' ? ACTION_REWRITE : ACTION_LOG;
      this.from0[i] = spec.from?.[0] ?? 0;
      this.from1[i] = spec.from?.[1] ?? 0;
      this.to[i] = spec.to ?? 0;
      this.ids[i] = id;
      this.fields[i] = spec.action === 'rewrite-range' && spec.field === 'offset' ? 1 : 0;
      if (this.fields[i] === 1) offsets = true;
      if (this.actions[i] === ACTION_DROP && (this.dirs[i]! & DIR_READ) !== 0) dropsReads = true;
    });
    this.dropsReads = dropsReads;
    this.rewritesOffsets = offsets;
  }

  get length(): number {
    return this.ids.length;
  }

  /** Whether rule i matches an access at `offset` of `width` bytes in direction `dir`. */
  matches(i: number, offset: number, width: number, dir: number): boolean {
    return offset >= this.start[i]! && offset < this.end[i]! && (this.widths[i]! & width) !== 0 && (this.dirs[i]! & dir) !== 0;
  }
}

/** Region of a rule: `config: true` → config space; else its `bar` (a rule naming neither targets every BAR). */
function regionsOf(spec: TrapRuleSpec): number[] {
  if (spec.config === true) return [REGION_CONFIG];
  if (spec.bar !== undefined) return [spec.bar];
  return [0, 1, 2, 3, 4, 5, 6];
}

export function defaultRuleName(spec: TrapRuleSpec, index: number): string {
  return spec.name ?? `traps[${index}]`;
}

/** Groups the config's rules by (bdf, region): key = bdf * 8 + region. */
export function compileRules(specs: readonly TrapRuleSpec[], firstId: number): Map<number, RuleSet> {
  const groups = new Map<number, { spec: TrapRuleSpec; id: number }[]>();
  specs.forEach((spec, i) => {
    const bdf = parseBdf(spec.bdf);
    if (bdf < 0) return;
    for (const region of regionsOf(spec)) {
      const key = bdf * 8 + region;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = []));
      g.push({ spec, id: firstId + i });
    }
  });
  const out = new Map<number, RuleSet>();
  for (const [key, g] of groups) out.set(key, new RuleSet(g));
  return out;
}

/** A rewrite-range rule maps values [from0, from1) to [to, to + (from1 - from0)), truncated to the access width. */
export function rewriteValue(v: number, from0: number, to: number, width: number): number {
  const r = to + (v - from0);
  return width === 4 ? r % 0x1_0000_0000 >>> 0 : r & ((1 << (8 * width)) - 1);
}
