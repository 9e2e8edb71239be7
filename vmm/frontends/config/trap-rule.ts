/**
 * The trap-rule language (`traps:` in a machine config), defined once: the JSON Schema that ajv checks and
 * editors complete, the TypeScript type of a parsed rule, and the conversion from YAML values all derive from
 * `trapRule()`. Adding a field here adds it everywhere (trap-rule-parse.ts's field table does not compile until it lists it).
 *
 * TypeBox is loaded when the schema is asked for (`schema`, the build's validator generator, a run-time compile),
 * never by loading a config: its ES build is ~200 modules, a third of a CLI start (docs/performance.md §11).
 */
import { createRequire } from 'node:module';
import type * as TypeBox from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';

type Builder = typeof TypeBox.Type;

const HEX_RE = '^0[xX][0-9a-fA-F]+$';

const hexInt = (Type: Builder, what: string): TSchema =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: HEX_RE })], { description: `${what}: an integer or a 0x-hex string` });
const pair = (Type: Builder, what: string) =>
  Type.Array(Type.Unsafe<number | string>(hexInt(Type, 'bound')), { description: `${what}: [start, end) as two integers`, minItems: 2, maxItems: 2 });
/** An enum as JSON Schema spells it (`enum: [...]`, the form schema-check.ts words best) with its literal type. */
const oneOf = <T extends string | number>(Type: Builder, values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ enum: [...values], ...(description !== undefined ? { description } : {}) });

export const TRAP_ACTIONS = ['log', 'drop', 'rewrite-range'] as const;

function define(Type: Builder) {
  return Type.Object(
    {
      bdf: Type.String({ pattern: '^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$', description: 'bus:device.function, e.g. "00:02.0"' }),
      bar: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
      config: Type.Optional(Type.Boolean()),
      offset: Type.Optional(pair(Type, 'offset range inside the region')),
      width: Type.Optional(oneOf(Type, [1, 2, 4] as const)),
      direction: Type.Optional(oneOf(Type, ['read', 'write', 'both'] as const)),
      action: oneOf(Type, TRAP_ACTIONS),
      from: Type.Optional(pair(Type, 'values to rewrite')),
      to: Type.Optional(Type.Unsafe<number | string>(hexInt(Type, 'rewritten base value'))),
      field: Type.Optional(oneOf(Type, ['value', 'offset'] as const, "what rewrite-range rewrites: the value (default) or the access's offset")),
      name: Type.Optional(Type.String()),
    },
    {
      additionalProperties: false,
      // rewrite-range needs the values it rewrites and where they go.
      if: { properties: { action: { const: 'rewrite-range' } }, required: ['action'] },
      then: { required: ['from', 'to'] },
    },
  );
}

/** The rule's TypeBox definition, built on each call (TypeBox loaded then, as CommonJS: synchronously). */
export function trapRule(): ReturnType<typeof define> {
  return define((createRequire(import.meta.url)('@sinclair/typebox') as typeof TypeBox).Type);
}

/** A rule as written in YAML. */
export type TrapRuleInput = Static<ReturnType<typeof define>>;

/** A parsed rule: pairs and hex integers become numbers, the BDF lowercase. */
export type TrapRuleSpec = {
  readonly [K in keyof TrapRuleInput]: K extends 'offset' | 'from' ? readonly [number, number] : K extends 'to' ? number : TrapRuleInput[K];
};

/** The JSON Schema of one rule (a plain object: TypeBox's markers are symbols, invisible to JSON and ajv). */
export function trapRuleSchema(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(trapRule())) as Record<string, unknown>;
}

// Converting rules is in trap-rule-parse.ts, which the config loader imports without TypeBox.
export { parseTrapRules } from './trap-rule-parse.js';
