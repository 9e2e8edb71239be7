/**
 * Every problem a workload can have, as data: a code and the params that say which step, key or value it is
 * about (`at`: the path inside the workload, which every message names first). The English is here and nowhere
 * else (the machine config's vmm/frontends/config/problems.ts is the model); each render function produces
 * exactly the text the validator printed before problems became data. The config loader reports these codes
 * as they are, at `workload` + `at`.
 */
import { didYouMean, show } from '../../frontends/config/errors.js';
import type { WorkloadPath } from './types.js';

interface Entry<P> {
  readonly render: (p: P) => string;
}
/** Every workload message starts with the path it is about. */
const entry = <P extends { readonly at: WorkloadPath }>(body: (p: P) => string): Entry<P> => ({ render: (p) => `${label(p.at)}: ${body(p)}` });
type At = { readonly at: WorkloadPath };

/** `workload.steps[2].fill.rect` for a path inside the workload. */
export function label(path: WorkloadPath): string {
  let s = 'workload';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : `.${seg}`;
  return s;
}

export const WORKLOAD_PROBLEMS = {
  // ---- the workload value ----
  'workload-not-steps': entry<At & { value: unknown }>((p) => `expected a mapping with 'steps' or a list of steps, got ${show(p.value)}`),
  'workload-unknown-top-key': entry<At & { key: string }>((p) => `unknown key '${p.key}' (expected: steps)`),
  'workload-too-many-steps': entry<At & { steps: number; limit: number }>((p) => `runs ${p.steps} steps with its repeats unrolled; the limit is ${p.limit}`),

  // ---- steps and their keys ----
  'workload-steps-not-list': entry<At & { value: unknown }>((p) => `expected a list of steps, got ${show(p.value)}`),
  /** `keys`: the step was a mapping with this many keys (instead of `value`). */
  'workload-not-a-step': entry<At & { kinds: readonly string[]; keys?: number; value?: unknown }>(
    (p) => `expected a step: a mapping with one key (${p.kinds.join(', ')}), got ${p.keys !== undefined ? `a mapping with ${p.keys} keys` : show(p.value)}`,
  ),
  'workload-unknown-step': entry<At & { kind: string; kinds: readonly string[] }>(
    (p) => `unknown step '${p.kind}'${didYouMean(p.kind, p.kinds) || ` (expected one of: ${p.kinds.join(', ')})`}`,
  ),
  'workload-args-not-mapping': entry<At & { value: unknown }>((p) => `expected a mapping of arguments, got ${show(p.value)}`),
  'workload-missing-key': entry<At & { key: string }>((p) => `missing required key '${p.key}'`),
  /** `known`: the keys this step takes, as far as the step read them. */
  'workload-unknown-key': entry<At & { key: string; known: readonly string[] }>(
    (p) => `unknown key '${p.key}'${didYouMean(p.key, p.known) || (p.known.length > 0 ? ` (expected one of: ${p.known.join(', ')})` : ' (this step takes no arguments)')}`,
  ),

  // ---- values ----
  'workload-bad-int': entry<At & { min: number; max: number; value: unknown }>((p) => `expected an integer ${p.min}..${p.max} (or 0x-hex), got ${show(p.value)}`),
  'workload-bad-bool': entry<At & { value: unknown }>((p) => `expected true or false, got ${show(p.value)}`),
  /** `what`: 'a monitor id', 'a surface name'. */
  'workload-bad-name': entry<At & { what: string; value: unknown }>((p) => `expected ${p.what}: a letter, then letters, digits, _ . -, got ${show(p.value)}`),
  'workload-bad-device': entry<At & { value: unknown }>((p) => `expected a QXL device's id or bdf (BB:DD.F), got ${show(p.value)}`),
  /** `qxl`: the ids of the config's QXL devices. */
  'workload-no-such-device': entry<At & { id: string; qxl: readonly string[] }>(
    (p) => `no device with id '${p.id}'${didYouMean(p.id, p.qxl) || (p.qxl.length > 0 ? ` (QXL devices: ${p.qxl.join(', ')})` : ' (the config has no QXL device with an id)')}`,
  ),
  'workload-not-qxl': entry<At & { id: string; model: string }>((p) => `device '${p.id}' (model ${p.model}) is not a QXL device (qxl or qxl-vga)`),
  'workload-bad-surface': entry<At & { value: unknown }>((p) => `expected a surface id (0 = primary) or a create-surface name, got ${show(p.value)}`),
  'workload-rect-not-mapping': entry<At & { value: unknown }>((p) => `expected a mapping {left, top, right, bottom}, got ${show(p.value)}`),
  'workload-empty-rect': entry<At & { left: number; top: number; right: number; bottom: number }>(
    (p) => `empty rectangle: right (${p.right}) must exceed left (${p.left}) and bottom (${p.bottom}) top (${p.top})`,
  ),
  'workload-image-too-large': entry<At & { pixels: number; limit: number }>((p) => `an image of ${p.pixels} pixels is over the limit of ${p.limit}`),
  'workload-repeat-too-deep': entry<At & { limit: number }>((p) => `repeats nest deeper than ${p.limit} levels`),

  // ---- combinations of keys ----
  'workload-monitor-and-surface': entry<At>(() => "give either 'monitor' or 'device' and 'surface', not both"),
  'workload-igd-monitor-keys': entry<At>(() => "an IGD monitor ('igd') takes only 'width' and 'height'"),
  'workload-ram-monitor-keys': entry<At>(() => "a guest-RAM monitor ('ram') takes no 'device', 'surface' or 'offscreen'"),
  'workload-surface-monitor-keys': entry<At>(() => "a monitor on an existing 'surface' takes its size from it: no 'width', 'height' or 'offscreen'"),
  'workload-destroy-primary': entry<At>(() => 'surface 0 is the primary: use destroy-primary'),

  // ---- the order of steps ----
  'workload-no-surface': entry<At & { name: string }>((p) => `no surface named '${p.name}' exists at this point (create it with create-surface first)`),
  'workload-monitor-not-plugged': entry<At & { id: string }>((p) => `monitor '${p.id}' is not plugged at this point`),
  'workload-monitor-plugged': entry<At & { id: string }>((p) => `monitor '${p.id}' is already plugged (unplug it first)`),
  'workload-surface-exists': entry<At & { name: string }>((p) => `a surface named '${p.name}' already exists`),
};

export type WorkloadProblemCode = keyof typeof WORKLOAD_PROBLEMS;
export type WorkloadProblemParams<C extends WorkloadProblemCode> = (typeof WORKLOAD_PROBLEMS)[C] extends Entry<infer P> ? P : never;

/** A code with its params (`params.at` is where it is). */
export type WorkloadProblemBody = { [C in WorkloadProblemCode]: { readonly code: C; readonly params: WorkloadProblemParams<C> } }[WorkloadProblemCode];

/** The English of a problem, exactly as the validator words it (path first). */
export function renderWorkloadProblem(p: WorkloadProblemBody): string {
  // TypeScript does not correlate p.code with p.params; WorkloadProblemBody guarantees they belong together.
  const render = WORKLOAD_PROBLEMS[p.code].render as (params: WorkloadProblemBody['params']) => string;
  return render(p.params);
}
