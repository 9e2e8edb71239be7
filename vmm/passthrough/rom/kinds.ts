/**
 * The ROM-program language's vocabulary: step kinds, the keys each step and the top level may have, and the key
 * that addresses each access. Plain data, so that loading a program does not load TypeBox (~200 modules:
 * docs/performance.md §11); schema.ts builds the JSON Schema over the same keys, its tables typed by these lists
 * (a key missing there, or one not listed here, does not compile), and test/rom/problems.test.ts checks the
 * schema's orders equal these.
 */
import { READ_OPS, WRITE_OPS } from './program.js';

/** Where each port/config/memory step addresses: the key that names it. */
export const ADDRESS_KEY = {
  'config-read': 'offset',
  'config-write': 'offset',
  'io-read': 'port',
  'io-write': 'port',
  'mem-read': 'addr',
  'mem-write': 'addr',
} as const;
export type AccessOp = keyof typeof ADDRESS_KEY;

/** The step kinds, in the order messages name them. */
export const ROM_STEP_KINDS = [...READ_OPS, ...WRITE_OPS, 'set', 'loop', 'if', 'log'] as const;
export const LOOP_KEYS = ['var', 'from', 'count', 'to', 'step', 'do'] as const;
/** An `if` step's keys sit beside its kind key. */
export const IF_KEYS = ['if', 'then', 'else'] as const;
export const ROM_TOP_KEYS = ['name', 'description', 'vars', 'steps'] as const;

/**
 * An access step's body keys, in the order messages list them ("unknown key ... (expected offset, width, into,
 * bdf)"): address, width, into/value, then bdf for config space.
 */
export function accessKeys(op: AccessOp): readonly string[] {
  const read = (READ_OPS as readonly string[]).includes(op);
  return [ADDRESS_KEY[op], 'width', read ? 'into' : 'value', ...(op.startsWith('config') ? ['bdf'] : [])];
}

/** The keys a step of `kind` may have beside its kind key (`if`) or in its body; none for `set`, `log`. */
export function stepBodyKeys(kind: string): readonly string[] {
  if (kind === 'if') return IF_KEYS;
  if (kind === 'loop') return LOOP_KEYS;
  return Object.hasOwn(ADDRESS_KEY, kind) ? accessKeys(kind as AccessOp) : [];
}
