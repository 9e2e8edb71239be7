import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BUNDLED_ROMS, parseRomProgram } from '../../vmm/passthrough/rom/index.js';
import { ROM_PROBLEMS, renderRomProblem, type RomProblemBody, type RomProblemCode, type RomProblemParams } from '../../vmm/passthrough/rom/problems.js';
import { ROM_STEP_KINDS, ROM_TOP_KEYS, stepBodyKeys } from '../../vmm/passthrough/rom/kinds.js';
import { romProgramSchema, SCHEMA_STEP_KINDS, SCHEMA_TOP_KEYS, schemaStepBodyKeys } from '../../vmm/passthrough/rom/schema.js';
import { runCli } from '../cli/run-cli.js';

const codes = (text: string): string[] => {
  const r = parseRomProgram(text, 'x.rom.yaml');
  return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.code}`);
};

const KINDS = ['config-read', 'io-read', 'mem-read', 'config-write', 'io-write', 'mem-write', 'set', 'loop', 'if', 'log'];

/** One example of every code: its params and the English it reads as (the only place each text is asserted). */
const TEXTS: { readonly [C in RomProblemCode]: { readonly params: RomProblemParams<C>; readonly text: string } } = {
  'rom-not-yaml': { params: {}, text: 'is not a ROM program (a ROM program is a .yaml or .yml file)' },
  'rom-not-mapping': { params: {}, text: "a ROM program is a mapping with 'name' and 'steps'" },
  'rom-not-a-program': { params: {}, text: "is not a ROM program (no 'name' or 'steps')" },
  'rom-name-required': { params: {}, text: "ROM program: 'name' (a non-empty string) is required" },
  'rom-steps-required': { params: {}, text: "ROM program: 'steps' is required" },
  'rom-vars-not-mapping': { params: {}, text: 'vars: expected a mapping of names to integers' },
  'rom-var-not-integer': { params: { name: 'mode' }, text: 'vars.mode: expected a non-negative integer (or 0x-hex string)' },
  'rom-unknown-key': { params: { what: 'loop', key: 'until', allowed: ['var', 'from', 'count'] }, text: "loop: unknown key 'until' (expected var, from, count)" },
  'rom-steps-not-list': { params: {}, text: 'expected a list of steps' },
  'rom-step-not-mapping': { params: { kinds: ['set', 'log'] }, text: 'a step is a mapping with one of: set, log' },
  'rom-unknown-step': { params: { kinds: ['set', 'log'] }, text: 'unknown step (expected one of: set, log)' },
  'rom-several-steps': { params: { found: ['set', 'log'] }, text: 'one step per list item (found set and log)' },
  'rom-body-not-mapping': { params: { kind: 'io-write' }, text: 'io-write: expected a mapping' },
  'rom-log-not-string': { params: {}, text: 'log: expected a string' },
  'rom-missing-key': { params: { kind: 'if', key: 'then' }, text: "if: missing 'then'" },
  'rom-width': { params: {}, text: 'width: expected 1, 2 or 4' },
  'rom-not-name': { params: { what: 'loop var' }, text: 'loop var: expected a variable name (letters, digits, _)' },
  'rom-not-expr': { params: { what: 'io-write port' }, text: 'io-write port: expected a number or an expression' },
  'rom-not-integer': { params: { what: 'loop count', value: 1.5 }, text: 'loop count: 1.5 is not an integer' },
  'rom-expr-syntax': { params: { what: 'set a', detail: "expression ends too early in '1 +'" }, text: "set a: expression ends too early in '1 +'" },
  'rom-unknown-variable': {
    params: { what: 'io-write value', name: 'x', src: 'x + 1' },
    text: "io-write value: unknown variable 'x' in 'x + 1' (not a built-in, a var, or assigned anywhere)",
  },
  'rom-loop-count-or-to': { params: {}, text: "loop: give exactly one of 'count' and 'to'" },
  'rom-bdf-syntax': { params: { bdf: '0:2.0' }, text: "bdf: '0:2.0' is not bus:device.function" },
};

describe('ROM program problems', () => {
  it('have an English text example for every code, and none for codes the catalogue lacks', () => {
    expect(Object.keys(TEXTS).sort()).toEqual(Object.keys(ROM_PROBLEMS).sort());
  });

  it.each(Object.entries(TEXTS))('%s reads as it always has', (code, { params, text }) => {
    expect(renderRomProblem({ code, params } as RomProblemBody)).toBe(text);
  });

  it('carry codes with their positions; the code stays out of the serialized error', () => {
    expect(codes('name: t\nsteps:\n  - io-write: { port: 0x10, value: "x + 1", width: 3 }\n  - frob: 1\n  - loop: { var: k, do: [] }\n')).toEqual([
      '3:36 rom-unknown-variable',
      '3:52 rom-width',
      '4:5 rom-unknown-step',
      '5:11 rom-loop-count-or-to',
    ]);
    expect(codes('name: t\nsteps: [ { set: {a: 1}, log: "x" } ]\nextra: 1\n')).toEqual(['2:10 rom-several-steps', '3:1 rom-unknown-key']);
    expect(codes('steps: 5\n')).toEqual(['1:1 rom-name-required', '1:8 rom-steps-not-list']);
    expect(codes('name: t\nsteps: [ { if: 1 }, { log: 3 }, { io-read: 5 } ]\n')).toEqual(['2:10 rom-missing-key', '2:28 rom-log-not-string', '2:44 rom-body-not-mapping']);
    expect(codes('[1]\n')).toEqual(['1:1 rom-not-mapping']);
    expect(codes('a: {b: [\n')[0]).toMatch(/ yaml-syntax$/);
    const r = parseRomProgram('steps: []\n', 'x.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors[0]!)).toEqual(['file', 'line', 'col', 'message']);
  });
});

describe('the ROM program schema (one definition)', () => {
  // ajv is CommonJS; its class is the module's `default` (as vmm/frontends/config/validator.ts loads it).
  const Ajv = (createRequire(import.meta.url)('ajv') as { default: new (o: object) => { compile(s: object): ValidateFunction } }).default;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  const validate = ajv.compile(romProgramSchema());

  it('gives the loader its step kinds and keys', () => {
    expect(ROM_STEP_KINDS).toEqual(KINDS);
    expect(ROM_TOP_KEYS).toEqual(['name', 'description', 'vars', 'steps']);
    expect(stepBodyKeys('config-read')).toEqual(['offset', 'width', 'into', 'bdf']);
    expect(stepBodyKeys('io-write')).toEqual(['port', 'width', 'value']);
    expect(stepBodyKeys('loop')).toEqual(['var', 'from', 'count', 'to', 'step', 'do']);
    expect(stepBodyKeys('if')).toEqual(['if', 'then', 'else']);
    // The schema says the same keys in the same orders (its tables are typed by kinds.ts's lists).
    expect(SCHEMA_STEP_KINDS).toEqual(ROM_STEP_KINDS);
    expect(SCHEMA_TOP_KEYS).toEqual(ROM_TOP_KEYS);
    for (const kind of ROM_STEP_KINDS) expect(schemaStepBodyKeys(kind), kind).toEqual(stepBodyKeys(kind));
  });

  it('accepts every bundled program, as the loader does', () => {
    for (const [name, text] of Object.entries(BUNDLED_ROMS)) {
      expect(validate(parse(text)), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(parseRomProgram(text, name).ok).toBe(true);
    }
  });

  it.each([
    ['an unknown step kind', 'name: t\nsteps: [ { frob: 1 } ]\n'],
    ['an unknown key in a step', 'name: t\nsteps: [ { io-write: { port: 1, value: 2, size: 4 } } ]\n'],
    ['a width that is not 1, 2 or 4', 'name: t\nsteps: [ { mem-read: { addr: 0, width: 8, into: v } } ]\n'],
    ['an if without then', 'name: t\nsteps: [ { if: 1 } ]\n'],
    ['a loop without do', 'name: t\nsteps: [ { loop: { var: k, count: 2 } } ]\n'],
    ['no name', 'steps: []\n'],
    ['a top-level key it does not know', 'name: t\nsteps: []\nmode: 3\n'],
    ['a var that is not an integer', 'name: t\nvars: { a: "ten" }\nsteps: []\n'],
  ])('refuses %s, as the loader does', (_what, text) => {
    expect(validate(parse(text))).toBe(false);
    expect(parseRomProgram(text, 'x.yaml').ok).toBe(false);
  });

  it('is what `vfio-sim schema rom-program` prints for editors', async () => {
    const r = await runCli('schema', 'rom-program');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(romProgramSchema());
    expect(JSON.parse(r.stdout)).toMatchObject({ $id: 'https://github.com/vfio-sim/vfio-sim/rom-program.schema.json', required: ['name', 'steps'] });
  });

  it('`vfio-sim schema` still prints the config schema; an unknown language is a usage error', async () => {
    expect(JSON.parse((await runCli('schema')).stdout)).toHaveProperty('properties.devices');
    const r = await runCli('schema', 'nope');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("schema: unknown language 'nope' (expected one of: config, rom-program, workload)");
  });
});
