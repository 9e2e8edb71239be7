import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseRomProgram } from '../../vmm/passthrough/rom/index.js';
import { romProgramSchema } from '../../vmm/passthrough/rom/schema.js';
import { validateWorkload } from '../../vmm/passthrough/workload/index.js';
import { workloadSchema } from '../../vmm/passthrough/workload/schema.js';
import { mulberry32, type Rng } from '../../bench/prng.js';

/**
 * The ROM-program and workload languages are defined once, as TypeBox schemas; their loaders check the same
 * shapes in code (so messages keep their words and positions) plus what no schema can say (expression syntax,
 * variables, step order, limits). So whatever a loader accepts, the schema must accept too — an editor never
 * flags a file vfio-sim runs — and a shape the schema refuses, the loader refuses. Checked on seeded random
 * mutations of valid documents.
 */
const Ajv = (createRequire(import.meta.url)('ajv') as { default: new (o: object) => { compile(s: object): ValidateFunction } }).default;
const compile = (schema: object): ValidateFunction => new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const clone = (v: Json): Json => JSON.parse(JSON.stringify(v)) as Json;

/** One random edit somewhere in `v`: drop or add a key, replace a value, or drop a list item. */
function mutate(rng: Rng, v: Json, keys: readonly string[], values: readonly Json[]): Json {
  if (Array.isArray(v)) {
    if (v.length > 0 && rng() < 0.6) {
      const i = Math.floor(rng() * v.length);
      v[i] = mutate(rng, v[i]!, keys, values);
    } else if (v.length > 0 && rng() < 0.5) v.splice(Math.floor(rng() * v.length), 1);
    return v;
  }
  if (v !== null && typeof v === 'object') {
    const ks = Object.keys(v);
    const r = rng();
    if (ks.length > 0 && r < 0.5) {
      const k = pick(rng, ks);
      v[k] = mutate(rng, v[k]!, keys, values);
    } else if (ks.length > 0 && r < 0.7) delete v[pick(rng, ks)];
    else v[pick(rng, keys)] = clone(pick(rng, values));
    return v;
  }
  return clone(pick(rng, values));
}

interface Tally {
  accepted: number;
  refusedBySchema: number;
}

function agree(seed: number, runs: number, bases: readonly Json[], keys: readonly string[], values: readonly Json[], loaderAccepts: (v: Json) => boolean, schema: ValidateFunction): Tally {
  const rng = mulberry32(seed);
  const tally: Tally = { accepted: 0, refusedBySchema: 0 };
  for (let i = 0; i < runs; i++) {
    let v = clone(pick(rng, bases));
    const edits = Math.floor(rng() * 3);
    for (let e = 0; e < edits; e++) v = mutate(rng, v, keys, values);
    const loader = loaderAccepts(v);
    const bySchema = schema(v);
    if (loader) {
      tally.accepted++;
      expect(bySchema, `schema refuses what the loader accepts: ${JSON.stringify(v)} ${JSON.stringify(schema.errors)}`).toBe(true);
    }
    if (!bySchema) {
      tally.refusedBySchema++;
      expect(loader, `loader accepts what the schema refuses: ${JSON.stringify(v)}`).toBe(false);
    }
  }
  return tally;
}

describe('each language: its loader and its schema agree', () => {
  it('workloads', () => {
    const bases: Json[] = [
      ['poll', { 'plug-monitor': { id: 'm', device: 'gpu0', width: 8, height: 8 } }, { fill: { monitor: 'm', color: 1 } }, { 'unplug-monitor': { id: 'm' } }],
      {
        steps: [
          { 'qxl-init': { device: 'gpu0', reset: true } },
          { 'create-surface': { device: 'gpu0', name: 'bg', width: 16, height: 16 } },
          { fill: { device: 'gpu0', surface: 'bg', color: '0xff', rect: { left: 0, top: 0, right: 4, bottom: 4 } } },
          { 'copy-image': { device: '00:02.0', surface: 0, rect: { left: 0, top: 0, right: 2, bottom: 2 } } },
          { repeat: { times: 2, steps: [{ 'update-area': { device: 'gpu0', surface: 0 } }, { poll: null }] } },
          { 'destroy-surface': { device: 'gpu0', surface: 'bg' } },
        ],
      },
      [{ 'plug-monitor': { id: 'r', ram: 4096, width: 4, height: 4 } }, { 'cpu-fill': { monitor: 'r', color: 2 } }, { 'plug-monitor': { id: 'i', igd: true, width: 8, height: 8 } }],
    ];
    const keys = ['device', 'surface', 'monitor', 'color', 'colour', 'rect', 'width', 'height', 'id', 'steps', 'times', 'reset', 'ram', 'igd', 'offscreen', 'name', 'frob', 'poll'];
    const values: Json[] = ['gpu0', '00:02.0', 'm', 'bg', '', 0, 1, 8, 16, -1, 1.5, '0x10', 'red', true, null, [], {}, { left: 0, top: 0, right: 4, bottom: 4 }, { left: 0 }, ['poll']];
    const validate = compile(workloadSchema());
    const t = agree(0x5eed, 3000, bases, keys, values, (v) => validateWorkload(v).ok, validate);
    // Neither side is vacuous: many documents pass, many are refused for their shape.
    expect(t.accepted).toBeGreaterThan(300);
    expect(t.refusedBySchema).toBeGreaterThan(300);
  });

  it('ROM programs', () => {
    const bases: Json[] = [
      {
        name: 'p',
        vars: { a: '0x10', b: 2 },
        steps: [
          { 'config-read': { offset: 0x20, width: 4, into: 'bar', bdf: '00:02.0' } },
          { set: { c: 'bar & 0xfffc' } },
          { loop: { var: 'k', count: 'a', do: [{ 'io-write': { port: 'c', value: 'k' } }] } },
          { if: 'b == 2', then: [{ log: 'k={k}' }], else: [] },
          { 'mem-write': { addr: 0x1000, value: 1, width: 2 } },
        ],
      },
      { name: 'q', description: 'd', steps: [{ 'io-read': { port: 0x3c0, into: 'x' } }, { 'mem-read': { addr: 'x', into: 'y' } }, { 'config-write': { offset: 4, value: 'y' } }] },
    ];
    const keys = ['name', 'steps', 'vars', 'description', 'offset', 'port', 'addr', 'width', 'into', 'value', 'bdf', 'var', 'count', 'to', 'from', 'step', 'do', 'then', 'else', 'if', 'log', 'set', 'frob'];
    const values: Json[] = ['x', 'a', 'k', 'a + 1', '1 +', '', 0, 1, 2, 3, 4, -1, 1.5, '0x10', '00:02.0', '0:2.0', true, null, [], {}, [{ log: 'hi' }], { a: 1 }];
    const validate = compile(romProgramSchema());
    const t = agree(0xb105, 3000, bases, keys, values, (v) => parseRomProgram(stringify(v), 'fuzz.yaml').ok, validate);
    expect(t.accepted).toBeGreaterThan(300);
    expect(t.refusedBySchema).toBeGreaterThan(300);
  });
});
