/**
 * The trap-rule language (`traps:` in a machine config), defined once: the JSON Schema that ajv checks and
 * editors complete, the TypeScript type of a parsed rule, and the conversion from YAML values all derive from
 * `TRAP_RULE`. Adding a field here adds it everywhere.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { parseHexInt } from './size.js';

const HEX_RE = '^0[xX][0-9a-fA-F]+$';

const hexInt = (what: string): TSchema =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: HEX_RE })], { description: `${what}: an integer or a 0x-hex string` });
const pair = (what: string) =>
  Type.Array(Type.Unsafe<number | string>(hexInt('bound')), { description: `${what}: [start, end) as two integers`, minItems: 2, maxItems: 2 });
/** An enum as JSON Schema spells it (`enum: [...]`, the form schema-check.ts words best) with its literal type. */
const oneOf = <T extends string | number>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ enum: [...values], ...(description !== undefined ? { description } : {}) });

export const TRAP_ACTIONS = ['log', 'drop', 'rewrite-range'] as const;

export const TRAP_RULE = Type.Object(
  {
    bdf: Type.String({ pattern: '^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$', description: 'bus:device.function, e.g. "00:02.0"' }),
    bar: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
    config: Type.Optional(Type.Boolean()),
    offset: Type.Optional(pair('offset range inside the region')),
    width: Type.Optional(oneOf([1, 2, 4] as const)),
    direction: Type.Optional(oneOf(['read', 'write', 'both'] as const)),
    action: oneOf(TRAP_ACTIONS),
    from: Type.Optional(pair('values to rewrite')),
    to: Type.Optional(Type.Unsafe<number | string>(hexInt('rewritten base value'))),
    field: Type.Optional(oneOf(['value', 'offset'] as const, "what rewrite-range rewrites: the value (default) or the access's offset")),
    name: Type.Optional(Type.String()),
  },
  {
    additionalProperties: false,
    // rewrite-range needs the values it rewrites and where they go.
    if: { properties: { action: { const: 'rewrite-range' } }, required: ['action'] },
    then: { required: ['from', 'to'] },
  },
);

/** A rule as written in YAML. */
export type TrapRuleInput = Static<typeof TRAP_RULE>;

/** The fields written as [start, end) pairs and as single integers that may be 0x-hex strings. */
const PAIRS = new Set(['offset', 'from']);
const INTS = new Set(['to']);

/** A parsed rule: pairs and hex integers become numbers, the BDF lowercase. */
export type TrapRuleSpec = {
  readonly [K in keyof TrapRuleInput]: K extends 'offset' | 'from' ? readonly [number, number] : K extends 'to' ? number : TrapRuleInput[K];
};

/** The JSON Schema of one rule (a plain object: TypeBox's markers are symbols, invisible to JSON and ajv). */
export function trapRuleSchema(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(TRAP_RULE)) as Record<string, unknown>;
}

/** Converts rules that passed the schema into specs. */
export function parseTrapRules(list: unknown): TrapRuleSpec[] {
  if (!Array.isArray(list)) return [];
  const out: TrapRuleSpec[] = [];
  for (const r of list) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) continue;
    const spec: Record<string, unknown> = {};
    for (const key of Object.keys(TRAP_RULE.properties)) {
      const v = (r as Record<string, unknown>)[key];
      if (v === undefined) continue;
      if (PAIRS.has(key)) {
        const a = Array.isArray(v) ? parseHexInt(v[0]) : undefined;
        const b = Array.isArray(v) ? parseHexInt(v[1]) : undefined;
        if (a !== undefined && b !== undefined) spec[key] = [a, b];
      } else if (INTS.has(key)) {
        const n = parseHexInt(v);
        if (n !== undefined) spec[key] = n;
      } else spec[key] = key === 'bdf' ? String(v).toLowerCase() : v;
    }
    out.push(spec as TrapRuleSpec);
  }
  return out;
}
