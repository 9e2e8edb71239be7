/**
 * Every problem a ROM program file can have, as data: a code and the params that say which key, value or
 * expression it is about. The English is here and nowhere else (the same split as the machine config's
 * vmm/frontends/config/problems.ts); each render function produces exactly the text the loader printed before
 * problems became data. `what` is the construct a message names (`loop count`, `io-write value`, `set a`).
 */
import type { PathSeg } from '../../frontends/config/yaml-doc.js';

interface Entry<P> {
  readonly render: (p: P) => string;
}
const entry = <P>(render: (p: P) => string): Entry<P> => ({ render });
type None = Record<string, never>;

export const ROM_PROBLEMS = {
  // ---- the file ----
  'rom-not-yaml': entry<None>(() => 'is not a ROM program (a ROM program is a .yaml or .yml file)'),
  'rom-not-mapping': entry<None>(() => "a ROM program is a mapping with 'name' and 'steps'"),
  // A mapping with none of a program's keys is some other YAML file: say so without quoting it.
  'rom-not-a-program': entry<None>(() => "is not a ROM program (no 'name' or 'steps')"),
  'rom-name-required': entry<None>(() => "ROM program: 'name' (a non-empty string) is required"),
  'rom-steps-required': entry<None>(() => "ROM program: 'steps' is required"),
  'rom-vars-not-mapping': entry<None>(() => 'vars: expected a mapping of names to integers'),
  'rom-var-not-integer': entry<{ name: string }>((p) => `vars.${p.name}: expected a non-negative integer (or 0x-hex string)`),

  // ---- keys and steps (what the schema says) ----
  'rom-unknown-key': entry<{ what: string; key: string; allowed: readonly string[] }>((p) => `${p.what}: unknown key '${p.key}' (expected ${p.allowed.join(', ')})`),
  'rom-steps-not-list': entry<None>(() => 'expected a list of steps'),
  'rom-step-not-mapping': entry<{ kinds: readonly string[] }>((p) => `a step is a mapping with one of: ${p.kinds.join(', ')}`),
  'rom-unknown-step': entry<{ kinds: readonly string[] }>((p) => `unknown step (expected one of: ${p.kinds.join(', ')})`),
  'rom-several-steps': entry<{ found: readonly string[] }>((p) => `one step per list item (found ${p.found.join(' and ')})`),
  'rom-body-not-mapping': entry<{ kind: string }>((p) => `${p.kind}: expected a mapping`),
  'rom-log-not-string': entry<None>(() => 'log: expected a string'),
  'rom-missing-key': entry<{ kind: 'if' | 'loop'; key: string }>((p) => `${p.kind}: missing '${p.key}'`),
  'rom-width': entry<None>(() => 'width: expected 1, 2 or 4'),
  'rom-not-name': entry<{ what: string }>((p) => `${p.what}: expected a variable name (letters, digits, _)`),
  'rom-not-expr': entry<{ what: string }>((p) => `${p.what}: expected a number or an expression`),

  // ---- what a schema cannot say ----
  'rom-not-integer': entry<{ what: string; value: number }>((p) => `${p.what}: ${p.value} is not an integer`),
  /** `detail`: the expression parser's own words (expr.ts), which name the column inside the expression. */
  'rom-expr-syntax': entry<{ what: string; detail: string }>((p) => `${p.what}: ${p.detail}`),
  'rom-unknown-variable': entry<{ what: string; name: string; src: string }>(
    (p) => `${p.what}: unknown variable '${p.name}' in '${p.src}' (not a built-in, a var, or assigned anywhere)`,
  ),
  'rom-loop-count-or-to': entry<None>(() => "loop: give exactly one of 'count' and 'to'"),
  'rom-bdf-syntax': entry<{ bdf: string }>((p) => `bdf: '${p.bdf}' is not bus:device.function`),
};

export type RomProblemCode = keyof typeof ROM_PROBLEMS;
export type RomProblemParams<C extends RomProblemCode> = (typeof ROM_PROBLEMS)[C] extends Entry<infer P> ? P : never;

/** A code with its params. */
export type RomProblemBody = { [C in RomProblemCode]: { readonly code: C; readonly params: RomProblemParams<C> } }[RomProblemCode];

/** A problem at a path of the program's YAML; `prefer` says whether the key or the value is pointed at. */
export type RomProblem = RomProblemBody & { readonly path: readonly PathSeg[]; readonly prefer?: 'key' | 'value' };

/** The English of a problem, exactly as the loader prints it after `FILE:LINE:COL: `. */
export function renderRomProblem(p: RomProblemBody): string {
  // TypeScript does not correlate p.code with p.params; RomProblemBody guarantees they belong together.
  const render = ROM_PROBLEMS[p.code].render as (params: RomProblemBody['params']) => string;
  return render(p.params);
}
