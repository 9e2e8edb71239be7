/**
 * Prototype-safe table lookups. Names that come from input (a model, a prop, a ROM name, a generation)
 * must never find Object.prototype's members: `rom: toString` or `props: {constructor: 1}` would
 * otherwise read a function where a table entry was expected.
 */

/** `table[key]` when `key` is the table's own entry, else undefined. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
