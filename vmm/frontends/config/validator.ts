import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { configSchema, type JsonSchema } from './schema.js';

/**
 * The config schema's validator. `npm run build` (scripts/build-validators.mjs) compiles the
 * validation schema once with ajv's standalone code generator into dist/vmm/frontends/config/, so a CLI run
 * loads plain JS instead of loading ajv and compiling the schema (a fifth of start-up). The schema
 * stays defined once (schema.ts). A generated file is used only when it is at least as new as schema.js
 * beside it: the generator runs after tsc, so a dist/ that tsc rebuilt since (a schema that may have
 * changed) or no generated file at all (tests run the TypeScript sources) means compiling here, as before.
 * Checking the file times instead of a key of the schema text keeps the schema (and TypeBox, which the
 * trap-rule part loads) out of a CLI start (docs/performance.md §11); the file still carries that key.
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
  const require = createRequire(import.meta.url);
  // From the dist/vmm/frontends/ level: the same files from this module and from the bundled CLI (scripts/bundle-cli.mjs).
  const file = fileURLToPath(new URL(`../config/${GENERATED_VALIDATOR}`, import.meta.url));
  if (generatedIsFresh(file, fileURLToPath(new URL('../config/schema.js', import.meta.url)))) {
    try {
      return { validate: require(file) as Generated, precompiled: true };
    } catch {
      // unreadable: compile below
    }
  }
  // ajv is CommonJS; its class is the module itself or its `default`.
  const mod = require('ajv') as AjvCtor & { default?: AjvCtor };
  const Ajv = mod.default ?? mod;
  return { validate: new Ajv(AJV_OPTIONS).compile(configSchema({ validation: true })), precompiled: false };
}

/**
 * True when a generated validator exists and was written no earlier than the schema module it was generated
 * from (npm's tarballs give every file one time: equal counts as fresh).
 */
export function generatedIsFresh(generatedFile: string, schemaFile: string): boolean {
  const g = statSync(generatedFile, { throwIfNoEntry: false });
  const s = statSync(schemaFile, { throwIfNoEntry: false });
  return g !== undefined && s !== undefined && g.isFile() && g.mtimeMs >= s.mtimeMs;
}
