import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from './problems.js';
import { loadConfigValidator } from './validator.js';
import type { PathSeg } from './yaml-doc.js';

/**
 * The config validator, loaded once with this module: the ajv standalone code `npm run build` generated when
 * dist/ has it, else compiled here (validator.ts). Every importer of this module validates configs (load.ts),
 * so loading it on first use instead would only move the same cost and need module state to remember it.
 */
const VALIDATE: ValidateFunction = loadConfigValidator().validate;

function pathOf(pointer: string): PathSeg[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject): string | undefined {
  const ps = e.parentSchema as { description?: unknown } | undefined;
  return typeof ps?.description === 'string' ? ps.description : undefined;
}

/** One problem per ajv error, pointing at the key (unknown or missing keys) or the value. */
function toProblem(e: ErrorObject): Problem | undefined {
  const path = pathOf(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      const allowed = Object.keys(((e.parentSchema as { properties?: object }).properties ?? {}) as object);
      return { path: [...path, key], prefer: 'key', code: 'unknown-key', params: { at: path, key, allowed } };
    }
    case 'required':
      return { path, prefer: 'key', code: 'missing-key', params: { at: path, key: String(p['missingProperty']) } };
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map(String);
      return { path, code: 'not-one-of', params: { at: path, allowed, value: e.data } };
    }
    case 'type':
      return { path, code: 'wrong-type', params: { at: path, type: String(p['type']), value: e.data } };
    case 'minimum':
    case 'maximum':
      return { path, code: 'out-of-bounds', params: { at: path, comparison: String(p['comparison']), limit: String(p['limit']), value: e.data } };
    case 'minLength':
      return { path, code: 'empty-string', params: { at: path } };
    case 'minItems':
    case 'maxItems':
    {
      const d = describe(e);
      return { path, code: 'item-count', params: { at: path, limit: String(p['limit']), ...(d !== undefined ? { description: d } : {}) } };
    }
    case 'if':
      return undefined; // the failing `then` branch reports the missing keys itself
    default: {
      if ((e.parentSchema as { $comment?: unknown } | undefined)?.$comment === 'size') {
        return { path, code: 'bad-size', params: { at: path, value: e.data } };
      }
      const d = describe(e);
      return { path, code: 'schema-mismatch', params: { at: path, value: e.data, rule: e.message ?? e.keyword, ...(d !== undefined ? { description: d } : {}) } };
    }
  }
}

/**
 * Schema problems with ajv's branch noise removed: inside a failed anyOf only the anyOf itself is
 * reported (with the schema's description), and errors below an object-level error on the same
 * path are kept (they point at different keys).
 */
export function schemaProblems(data: unknown): Problem[] {
  const validate = VALIDATE;
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath);
  const kept = errors.filter((e) => !anyOfs.some((sp) => e.schemaPath !== sp && e.schemaPath.startsWith(sp + '/')));
  const out: Problem[] = [];
  for (const e of kept) {
    const pr = toProblem(e);
    if (pr !== undefined) out.push(pr);
  }
  return out;
}
