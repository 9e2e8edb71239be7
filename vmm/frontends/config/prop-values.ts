import type { PropDef } from '../../../devices/registry.js';
import type { PropValue } from '../../../devices/spec.js';
import { parseHexInt, parseSize, SIZE_DESCRIPTION } from './size.js';

const TRUE = new Set(['on', 'true', 'yes']);
const FALSE = new Set(['off', 'false', 'no']);

function range(d: PropDef): string {
  const f = (n: number): string => (n >= 0xffff ? `0x${n.toString(16)}` : String(n));
  return d.min !== undefined && d.max !== undefined ? ` ${f(d.min)}..${f(d.max)}` : '';
}

/** What a prop of this type accepts, for error messages. */
export function expected(d: PropDef): string {
  switch (d.type) {
    case 'boolean':
      return 'on/off (or true/false)';
    case 'integer':
      return `an integer${range(d)}`;
    case 'size':
      return `a size: ${SIZE_DESCRIPTION}`;
    case 'enum':
      return `one of ${(d.values ?? []).join(', ')}`;
    case 'string':
      return 'a string';
  }
}

/**
 * The spec value of a prop (size and integer props become numbers, booleans booleans), or undefined
 * when QEMU would reject it. QEMU's own spellings are accepted: on/off/yes/no, 0x-hex integers, 4G.
 */
export function normalizeProp(d: PropDef, v: unknown): PropValue | undefined {
  switch (d.type) {
    case 'boolean': {
      if (typeof v === 'boolean') return v;
      const s = String(v).toLowerCase();
      return typeof v === 'string' && TRUE.has(s) ? true : typeof v === 'string' && FALSE.has(s) ? false : undefined;
    }
    case 'integer': {
      const n = typeof v === 'number' && Number.isInteger(v) ? v : parseHexInt(v);
      if (n === undefined) return undefined;
      if ((d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)) return undefined;
      return n;
    }
    case 'size':
      return parseSize(v);
    case 'enum': {
      const s = typeof v === 'boolean' ? (v ? 'on' : 'off') : String(v);
      return (d.values ?? []).includes(s) ? s : undefined;
    }
    case 'string':
      return typeof v === 'object' ? undefined : String(v);
  }
}
