import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { configSchema, type JsonSchema } from './schema.js';

/**
 * The config schema's validator. `npm run build` (scripts/build-validators.mjs) compiles the
 * validation schema once with ajv's standalone code generator into dist/vmm/frontends/config/, so a CLI run
 * loads plain JS instead of loading ajv and compiling the schema (a fifth of start-up). The schema
 * stays defined once (schema.ts): the generated file carries a key of the schema it was built from,
 * and a file built from another schema (a stale dist/) or none at all (tests run the TypeScript
 * sources) means compiling here, as before.
 */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true } as const;

/** File name of the generated validator, beside this module in dist/. CommonJS: loadable synchronously. */
export const GENERATED_VALIDATOR = 'config-validator.generated.cjs';

/** FNV-1a (32-bit) of the schema's JSON text, in hex: which schema a generated validator checks. */
export function schemaKey(schema: JsonSchema): string {
  const s = JSON.stringify(schema);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return `${(h >>> 0).toString(16)}-${s.length}`;
}

type Generated = ValidateFunction & { key?: unknown };
type AjvCtor = new (opts: typeof AJV_OPTIONS) => { compile(schema: JsonSchema): ValidateFunction };

export function loadConfigValidator(): { validate: ValidateFunction; precompiled: boolean } {
  const schema = configSchema({ validation: true });
  const require = createRequire(import.meta.url);
  try {
    const generated = require(`./${GENERATED_VALIDATOR}`) as Generated;
    if (generated.key === schemaKey(schema)) return { validate: generated, precompiled: true };
  } catch {
    // not generated: running from the TypeScript sources, or a dist/ built by tsc alone
  }
  // ajv is CommonJS; its class is the module itself or its `default`.
  const mod = require('ajv') as AjvCtor & { default?: AjvCtor };
  const Ajv = mod.default ?? mod;
  return { validate: new Ajv(AJV_OPTIONS).compile(schema), precompiled: false };
}
