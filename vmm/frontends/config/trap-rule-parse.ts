/**
 * Turning `traps:` rules that passed the schema into specs, without loading TypeBox: this runs on every
 * config load, and TypeBox's ES build is ~200 modules, a third of what a CLI start would otherwise load
 * (docs/performance.md §11). The language stays defined once, in trap-rule.ts (TRAP_RULE): the field table
 * below is typed by it, so a field added there and not here (or one here that is not there) fails to
 * compile, and test/config/trap-rule.test.ts checks that both list the fields in the same order.
 */
import type { TrapRuleInput, TrapRuleSpec } from './trap-rule.js';
import { parseHexInt } from './size.js';

/** How each field is converted: a [start, end) pair, one integer (both may be 0x-hex strings), the BDF, or as is. */
type FieldKind = 'pair' | 'int' | 'bdf' | 'plain';

/** Every field of TRAP_RULE, in its order. */
export const TRAP_RULE_FIELDS: { readonly [K in keyof Required<TrapRuleInput>]: FieldKind } = {
  bdf: 'bdf',
  bar: 'plain',
  config: 'plain',
  offset: 'pair',
  width: 'plain',
  direction: 'plain',
  action: 'plain',
  from: 'pair',
  to: 'int',
  field: 'plain',
  name: 'plain',
};

/** Converts rules that passed the schema into specs: pairs and hex integers become numbers, the BDF lowercase. */
export function parseTrapRules(list: unknown): TrapRuleSpec[] {
  if (!Array.isArray(list)) return [];
  const out: TrapRuleSpec[] = [];
  for (const r of list) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) continue;
    const spec: Record<string, unknown> = {};
    for (const [key, kind] of Object.entries(TRAP_RULE_FIELDS)) {
      const v = (r as Record<string, unknown>)[key];
      if (v === undefined) continue;
      if (kind === 'pair') {
        const a = Array.isArray(v) ? parseHexInt(v[0]) : undefined;
        const b = Array.isArray(v) ? parseHexInt(v[1]) : undefined;
        if (a !== undefined && b !== undefined) spec[key] = [a, b];
      } else if (kind === 'int') {
        const n = parseHexInt(v);
        if (n !== undefined) spec[key] = n;
      } else spec[key] = kind === 'bdf' ? String(v).toLowerCase() : v;
    }
    out.push(spec as TrapRuleSpec);
  }
  return out;
}
