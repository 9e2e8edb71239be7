/**
 * The ROM-program language, defined once: the JSON Schema editors complete (`vfio-sim schema rom-program`), the
 * TypeScript type of a program as written derive from `ROM_PROGRAM`, built over the vocabulary in kinds.ts (plain
 * data the loader checks against, so that loading a program does not load TypeBox); the tables here are typed by
 * kinds.ts's lists, so adding a key or a step kind there does not compile until it is given a schema here. What a schema cannot say — that an
 * expression parses, that a variable is defined somewhere, that a loop has `count` or `to` — load.ts checks as
 * code, reporting problems of the same kind (problems.ts).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ADDRESS_KEY, accessKeys, IF_KEYS, LOOP_KEYS, ROM_TOP_KEYS, type AccessOp } from './kinds.js';
import { READ_OPS, WRITE_OPS } from './program.js';

export const ROM_PROGRAM_SCHEMA_ID = 'https://github.com/vfio-sim/vfio-sim/rom-program.schema.json';

const IDENT = '^[A-Za-z_][A-Za-z0-9_]*$';
const HEX = '^0[xX][0-9a-fA-F]+$';

/** An integer, or an expression over variables (expr.ts: C operators, 0x literals). */
const expr = (description: string) =>
  Type.Unsafe<number | string>({ description, anyOf: [{ type: 'integer' }, { type: 'string', minLength: 1 }] });
const name = (description: string) => Type.String({ pattern: IDENT, description });
/** An enum as JSON Schema spells it, with its literal type. */
const oneOf = <T extends string | number>(values: readonly T[], description: string) => Type.Unsafe<T>({ enum: [...values], description });

const ADDRESS_TEXT: Readonly<Record<AccessOp, string>> = {
  'config-read': 'config-space offset',
  'config-write': 'config-space offset',
  'io-read': 'I/O port',
  'io-write': 'I/O port',
  'mem-read': 'guest-physical address',
  'mem-write': 'guest-physical address',
};

/** One access step's body, its keys in kinds.ts's order (the order messages list them in). */
function accessBody(op: AccessOp) {
  const read = (READ_OPS as readonly string[]).includes(op);
  const schemas: Readonly<Record<string, TSchema>> = {
    [ADDRESS_KEY[op]]: expr(ADDRESS_TEXT[op]),
    width: Type.Optional(oneOf([1, 2, 4] as const, 'access width in bytes (default 4)')),
    into: name('the variable the value read goes into'),
    value: expr('the value written'),
    bdf: Type.Optional(expr('bus:device.function ("00:02.0") or an expression; default the ROM\'s own function')),
  };
  const props = Object.fromEntries(accessKeys(op).map((k) => [k, schemas[k]!]));
  return Type.Object(props, { additionalProperties: false, required: [ADDRESS_KEY[op], read ? 'into' : 'value'] });
}

/** A step: a mapping with exactly one kind key (`if` steps carry `then`/`else` beside it). */
const STEP = Type.Recursive(
  (Step) => {
    // A null list is an empty one, as the loader reads it (`then:` with nothing under it).
    const steps = Type.Union([Type.Array(Step), Type.Null()], { description: 'steps, run in order' });
    const single = (kind: string, body: TSchema) => Type.Object({ [kind]: body }, { additionalProperties: false, required: [kind] });
    return Type.Union([
      ...[...READ_OPS, ...WRITE_OPS].map((op) => single(op, accessBody(op))),
      single('set', Type.Record(Type.String({ pattern: IDENT }), expr('the value assigned'), { description: 'variables to assign: name → expression' })),
      single(
        'loop',
        Type.Object(
          {
            var: name('the loop variable'),
            from: Type.Optional(expr('first value (default 0)')),
            count: Type.Optional(expr('number of iterations (or give to)')),
            to: Type.Optional(expr('run while var is below this (or give count)')),
            step: Type.Optional(expr('increment (default 1)')),
            do: steps,
          } satisfies Record<(typeof LOOP_KEYS)[number], TSchema>,
          { additionalProperties: false, required: ['var', 'do'] },
        ),
      ),
      Type.Object(
        { if: expr('the condition: nonzero runs then'), then: steps, else: Type.Optional(steps) } satisfies Record<(typeof IF_KEYS)[number], TSchema>,
        { additionalProperties: false, required: ['if', 'then'] },
      ),
      single('log', Type.String({ description: 'text for the debug console; {expr} parts print as 0x-hex' })),
    ]);
  },
  { $id: 'RomStep', description: 'one step: a mapping with one of the step kinds' },
);

export const ROM_PROGRAM = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'the program name' }),
    // The loader keeps a string and ignores anything else; the schema says the same (it describes what loads).
    description: Type.Optional(Type.Unknown({ description: 'free text (only a string is kept)' })),
    vars: Type.Optional(
      Type.Record(Type.String({ pattern: IDENT }), Type.Unsafe<number | string>({ anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: HEX }] }), {
        description: 'inputs with their defaults (a caller may override them): name → non-negative integer or 0x-hex string',
      }),
    ),
    steps: Type.Union([Type.Array(STEP), Type.Null()]),
  } satisfies Record<(typeof ROM_TOP_KEYS)[number], TSchema>,
  { additionalProperties: false, required: ['name', 'steps'], description: 'an option-ROM program: what the ROM does to the machine when the firmware runs it' },
);

/** A ROM program as written in YAML. */
export type RomProgramInput = Static<typeof ROM_PROGRAM>;

type ObjectSchema = { readonly properties: Readonly<Record<string, unknown>> };
const stepSchemas = (STEP as unknown as { anyOf: readonly ObjectSchema[] }).anyOf;

/** The step kinds in the order the schema lists them (each step's first key): kinds.ts's list, as the tests check. */
export const SCHEMA_STEP_KINDS: readonly string[] = stepSchemas.map((s) => Object.keys(s.properties)[0]!);

/** The keys a step of `kind` may have beside its kind key, or in its body, as the schema says them. */
export function schemaStepBodyKeys(kind: string): readonly string[] {
  for (const s of stepSchemas) {
    if (!Object.hasOwn(s.properties, kind)) continue;
    if (kind === 'if') return Object.keys(s.properties);
    const body = s.properties[kind] as Partial<ObjectSchema>;
    return body.properties !== undefined ? Object.keys(body.properties) : [];
  }
  return [];
}

/** The keys of a program's top level, as the schema says them. */
export const SCHEMA_TOP_KEYS: readonly string[] = Object.keys(ROM_PROGRAM.properties);

/** The JSON Schema of a ROM program file, for editors (a plain object: TypeBox's markers are symbols). */
export function romProgramSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', $id: ROM_PROGRAM_SCHEMA_ID, ...(JSON.parse(JSON.stringify(ROM_PROGRAM)) as Record<string, unknown>) };
}
