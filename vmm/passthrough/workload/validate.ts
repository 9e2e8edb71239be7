/**
 * Validation of a workload value: the shape of every step (parse.ts), then the order of steps: monitors are
 * unplugged and drawn on only while plugged, surface names are used only after their create-surface, and the
 * run stays under MAX_EXECUTED_STEPS. Errors are values with the step's path; nothing here throws.
 */
import { isObj, workloadError } from './args.js';
import { parseSteps } from './parse.js';
import type { DeclaredDevice, DrawTarget, SurfaceRef, WorkloadError, WorkloadPath, WorkloadResult, WorkloadStep } from './types.js';
import { MAX_EXECUTED_STEPS } from './types.js';

export interface ValidateOptions {
  /** The config's devices: `device:` ids are then checked to exist and be QXL (bdfs are checked at run time). */
  readonly devices?: readonly DeclaredDevice[];
}

/** Checks a workload (`{steps: [...]}` or the list of steps itself). */
export function validateWorkload(value: unknown, options: ValidateOptions = {}): WorkloadResult {
  const errors: WorkloadError[] = [];
  const ctx = { errors, devices: options.devices };
  let steps: WorkloadStep[];
  if (Array.isArray(value)) {
    steps = parseSteps(value, [], ctx);
  } else if (isObj(value)) {
    for (const k of Object.keys(value)) {
      if (k !== 'steps') errors.push(workloadError('workload-unknown-top-key', { at: [k], key: k }, 'key'));
    }
    if (value['steps'] === undefined) errors.push(workloadError('workload-missing-key', { at: [], key: 'steps' }, 'key'));
    steps = value['steps'] === undefined ? [] : parseSteps(value['steps'], ['steps'], ctx);
  } else {
    errors.push(workloadError('workload-not-steps', { at: [], value }));
    steps = [];
  }
  if (errors.length === 0) checkOrder(steps, { monitors: new Set(), surfaces: new Set() }, errors);
  const executedSteps = count(steps);
  if (executedSteps > MAX_EXECUTED_STEPS) {
    errors.push(workloadError('workload-too-many-steps', { at: [], steps: executedSteps, limit: MAX_EXECUTED_STEPS }));
  }
  return errors.length > 0 ? { ok: false, errors: dedupe(errors) } : { ok: true, workload: { steps, executedSteps } };
}

/** Steps executed, repeats unrolled (a repeat itself is not a step). */
function count(steps: readonly WorkloadStep[]): number {
  let n = 0;
  for (const s of steps) n += s.kind === 'repeat' ? s.times * count(s.steps) : 1;
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

interface OrderState {
  monitors: Set<string>;
  surfaces: Set<string>;
}

/**
 * Walks the steps in run order. A repeat body runs twice here when it runs at least twice (a second pass
 * finds a monitor plugged in the body and never unplugged), once on a copy when it never runs.
 */
function checkOrder(steps: readonly WorkloadStep[], st: OrderState, errors: WorkloadError[]): void {
  const at = (step: WorkloadStep, key: string): WorkloadPath => [...step.path, step.kind, key];
  const needSurface = (s: WorkloadStep, ref: SurfaceRef): void => {
    if (typeof ref === 'string' && !st.surfaces.has(ref)) errors.push(workloadError('workload-no-surface', { at: at(s, 'surface'), name: ref }));
  };
  const needTarget = (s: WorkloadStep, t: DrawTarget): void => {
    if ('monitor' in t) {
      if (!st.monitors.has(t.monitor)) errors.push(workloadError('workload-monitor-not-plugged', { at: at(s, 'monitor'), id: t.monitor }));
    } else needSurface(s, t.surface);
  };
  for (const s of steps) {
    switch (s.kind) {
      case 'plug-monitor':
        if (st.monitors.has(s.id)) errors.push(workloadError('workload-monitor-plugged', { at: at(s, 'id'), id: s.id }));
        if (s.fb.kind === 'surface') needSurface(s, s.fb.surface);
        st.monitors.add(s.id);
        break;
      case 'unplug-monitor':
        if (!st.monitors.delete(s.id)) errors.push(workloadError('workload-monitor-not-plugged', { at: at(s, 'id'), id: s.id }));
        break;
      case 'create-surface':
        if (st.surfaces.has(s.name)) errors.push(workloadError('workload-surface-exists', { at: at(s, 'name'), name: s.name }));
        st.surfaces.add(s.name);
        break;
      case 'destroy-surface':
        needSurface(s, s.surface);
        if (typeof s.surface === 'string') st.surfaces.delete(s.surface);
        break;
      case 'fill':
      case 'copy-image':
      case 'update-area':
        needTarget(s, s.target);
        break;
      case 'cpu-fill':
        needTarget(s, { monitor: s.monitor });
        break;
      case 'repeat':
        if (s.times === 0) checkOrder(s.steps, { monitors: new Set(st.monitors), surfaces: new Set(st.surfaces) }, errors);
        else {
          const before = snapshot(st);
          checkOrder(s.steps, st, errors);
          // A second pass finds only what the first pass's changes cause: none when the body leaves the
          // state as it found it (which keeps nested repeats linear, not exponential).
          if (s.times > 1 && snapshot(st) !== before) checkOrder(s.steps, st, errors);
        }
        break;
      default:
        break;
    }
  }
}

function snapshot(st: OrderState): string {
  return `${[...st.monitors].sort().join('\u0000')}\u0001${[...st.surfaces].sort().join('\u0000')}`;
}

function dedupe(errors: readonly WorkloadError[]): WorkloadError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const k = `${e.path.join('/')}:${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
