// Build step (npm run build / prepare, after tsc): compiles the config schema's validator with ajv's
// standalone code generator into dist/vmm/frontends/config/, keyed by the schema it was built from
// (vmm/frontends/config/validator.ts loads it, or compiles at run time when the key does not match).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dist = new URL('../dist/vmm/frontends/config/', import.meta.url);
const { AJV_OPTIONS, GENERATED_VALIDATOR, schemaKey } = await import(new URL('validator.js', dist).href);
const { configSchema } = await import(new URL('schema.js', dist).href);
const Ajv = require('ajv').default;
const standaloneCode = require('ajv/dist/standalone').default;

const schema = configSchema({ validation: true });
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: false } });
const code = standaloneCode(ajv, ajv.compile(schema));
const out = fileURLToPath(new URL(GENERATED_VALIDATOR, dist));
writeFileSync(out, `${code}\nmodule.exports.key = ${JSON.stringify(schemaKey(schema))};\n`);
process.stdout.write(`build-validators: ${out} (${code.length} bytes)\n`);
