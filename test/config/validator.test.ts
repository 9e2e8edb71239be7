import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { configSchema } from '../../vmm/frontends/config/schema.js';
import { AJV_OPTIONS, generatedIsFresh, loadConfigValidator, schemaKey } from '../../vmm/frontends/config/validator.js';
import { FIXTURES, fixtureText } from './helpers.js';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'vfio-sim-validator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What scripts/build-validators.mjs writes, built here from the same schema and options. */
function standalone(): ValidateFunction {
  const Ajv = (require('ajv') as { default: new (o: object) => { compile(s: object): ValidateFunction } }).default;
  const standaloneCode = (require('ajv/dist/standalone') as { default: (a: object, v: ValidateFunction) => string }).default;
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: false } });
  // The temp folder has no node_modules: point ajv's runtime helpers at this checkout's.
  const code = standaloneCode(ajv, ajv.compile(configSchema({ validation: true }))).replace(/require\("(ajv\/[^"]+)"\)/g, (_, m: string) => `require(${JSON.stringify(require.resolve(m))})`);
  const file = join(dir, 'v.cjs');
  writeFileSync(file, code);
  return createRequire(join(process.cwd(), 'package.json'))(file) as ValidateFunction;
}

describe('config validator', () => {
  it('compiles at run time when no generated validator sits beside the module (sources under test)', () => {
    expect(loadConfigValidator().precompiled).toBe(false);
  });

  it('keys a generated validator by the schema text: another schema, another key', () => {
    const s = configSchema({ validation: true });
    expect(schemaKey(s)).toBe(schemaKey(configSchema({ validation: true })));
    expect(schemaKey({ ...s, title: 'changed' })).not.toBe(schemaKey(s));
    expect(schemaKey(s)).toMatch(/^[0-9a-f]{1,8}-\d+$/);
  });

  it('standalone code reports exactly the errors the run-time compiled validator does, on every bad config', () => {
    const pre = standalone();
    const live = loadConfigValidator().validate;
    const files = readdirSync(FIXTURES + 'bad-configs/').filter((f) => f.endsWith('.yaml')).sort();
    let invalid = 0;
    for (const f of files) {
      let data: unknown;
      try {
        data = parse(fixtureText('bad-configs/' + f));
      } catch {
        continue; // YAML syntax errors never reach the validator
      }
      const a = live(data);
      const b = pre(data);
      expect(b).toBe(a);
      if (!a) invalid++;
      const strip = (es: typeof live.errors): unknown => (es ?? []).map((e) => ({ ...e, schema: JSON.stringify(e.schema), parentSchema: JSON.stringify(e.parentSchema) }));
      expect(strip(pre.errors)).toEqual(strip(live.errors));
    }
    expect(invalid).toBeGreaterThan(10);
  });
});

describe('which generated validator is used', () => {
  const at = (name: string, seconds: number): string => {
    const f = join(dir, name);
    writeFileSync(f, '');
    utimesSync(f, seconds, seconds);
    return f;
  };

  it('one written after (or with) schema.js: the generator ran after tsc', () => {
    expect(generatedIsFresh(at('g1.cjs', 2000), at('s1.js', 1000))).toBe(true);
    expect(generatedIsFresh(at('g2.cjs', 1000), at('s2.js', 1000))).toBe(true);
  });

  it('not one older than schema.js (tsc rebuilt dist/ since), nor a missing one', () => {
    expect(generatedIsFresh(at('g3.cjs', 1000), at('s3.js', 2000))).toBe(false);
    expect(generatedIsFresh(join(dir, 'none.cjs'), at('s4.js', 1000))).toBe(false);
  });
});
