import type { ErrorObject, ValidateFunction } from 'ajv';
import { didYouMean, show } from './errors.js';
import { SIZE_DESCRIPTION } from './size.js';
import type { Problem } from './igd.js';
import { loadConfigValidator } from './validator.js';
import type { PathSeg } from './yaml-doc.js';

let validator: ValidateFunction | undefined;

/** Loaded on first use (precompiled at build time when dist/ has it), not at import. */
function compiled(): ValidateFunction {
  validator ??= loadConfigValidator().validate;
  return validator;
}

/** `devices[2].props.chassis` for a JSON path. */
export function label(path: readonly PathSeg[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s === '' ? 'the config' : s;
}

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

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false',
  'string,number,boolean': 'a string, number or boolean',
};

/** One message per ajv error, pointing at the key (unknown or missing keys) or the value. */
function toProblem(e: ErrorObject): Problem | undefined {
  const path = pathOf(e.instancePath);
  const where = label(path);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      const allowed = Object.keys(((e.parentSchema as { properties?: object }).properties ?? {}) as object);
      const hint = didYouMean(key, allowed) || ` (expected one of: ${allowed.join(', ')})`;
      return { path: [...path, key], prefer: 'key', message: `unknown key '${key}' in ${where}${hint}` };
    }
    case 'required':
      return { path, prefer: 'key', message: `${where}: missing required key '${String(p['missingProperty'])}'` };
    case 'enum': {
      const allowed = (p['allowedValues'] as unknown[]).map(String);
      const hint = typeof e.data === 'string' && e.data.length > 3 ? didYouMean(e.data, allowed) : '';
      return { path, message: `${where}: expected one of ${allowed.join(', ')}, got ${show(e.data)}${hint}` };
    }
    case 'type':
      return { path, message: `${where}: expected ${TYPE_NAMES[String(p['type'])] ?? String(p['type'])}, got ${show(e.data)}` };
    case 'minimum':
    case 'maximum':
      return { path, message: `${where}: must be ${String(p['comparison'])} ${String(p['limit'])}, got ${show(e.data)}` };
    case 'minLength':
      return { path, message: `${where}: must not be empty` };
    case 'minItems':
    case 'maxItems':
      return { path, message: `${where}: expected ${describe(e) ?? `${String(p['limit'])} items`}` };
    case 'if':
      return undefined; // the failing `then` branch reports the missing keys itself
    default: {
      if ((e.parentSchema as { $comment?: unknown } | undefined)?.$comment === 'size') {
        return { path, message: `${where}: bad size ${show(e.data)} (use ${SIZE_DESCRIPTION})` };
      }
      const d = describe(e);
      return { path, message: d !== undefined ? `${where}: expected ${d}, got ${show(e.data)}` : `${where}: ${e.message ?? e.keyword}` };
    }
  }
}

/**
 * Schema problems with ajv's branch noise removed: inside a failed anyOf only the anyOf itself is
 * reported (with the schema's description), and errors below an object-level error on the same
 * path are kept (they point at different keys).
 */
export function schemaProblems(data: unknown): Problem[] {
  const validate = compiled();
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
