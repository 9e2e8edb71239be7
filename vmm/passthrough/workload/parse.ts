/** One step at a time: `- KIND: {args}` (or a bare `- poll`) into a WorkloadStep, errors collected with their paths. */
import { Args, isObj, workloadError } from './args.js';
import type { DeclaredDevice, DrawTarget, MonitorFramebuffer, StepKind, WorkloadError, WorkloadPath, WorkloadStep } from './types.js';
import { MAX_EXECUTED_STEPS, MAX_IMAGE_PIXELS, MAX_REPEAT_NESTING } from './types.js';
import { WORKLOAD_STEP_KINDS } from './kinds.js';

/** The step kinds (kinds.ts, which schema.ts's table is typed by): one vocabulary. build() handles each of them. */
export const STEP_KINDS: readonly StepKind[] = WORKLOAD_STEP_KINDS;

interface Ctx {
  readonly errors: WorkloadError[];
  readonly devices: readonly DeclaredDevice[] | undefined;
}

/** A list of steps at `path`; entries with errors are left out (the errors say why). */
export function parseSteps(value: unknown, path: WorkloadPath, ctx: Ctx): WorkloadStep[] {
  if (!Array.isArray(value)) {
    ctx.errors.push(workloadError('workload-steps-not-list', { at: path, value }));
    return [];
  }
  const out: WorkloadStep[] = [];
  value.forEach((v, i) => {
    const s = parseStep(v, [...path, i], ctx);
    if (s !== undefined) out.push(s);
  });
  return out;
}

function parseStep(v: unknown, path: WorkloadPath, ctx: Ctx): WorkloadStep | undefined {
  let kind: string;
  let argv: unknown;
  if (typeof v === 'string') {
    kind = v;
    argv = null;
  } else if (isObj(v) && Object.keys(v).length === 1) {
    kind = Object.keys(v)[0]!;
    argv = v[kind];
  } else {
    ctx.errors.push(workloadError('workload-not-a-step', { at: path, kinds: STEP_KINDS, ...(isObj(v) ? { keys: Object.keys(v).length } : { value: v }) }, 'value'));
    return undefined;
  }
  if (!(STEP_KINDS as readonly string[]).includes(kind)) {
    const at = typeof v === 'string' ? path : [...path, kind];
    ctx.errors.push(workloadError('workload-unknown-step', { at, kind, kinds: STEP_KINDS }, 'key'));
    return undefined;
  }
  const at = typeof v === 'string' ? path : [...path, kind];
  if (argv !== null && argv !== undefined && !isObj(argv)) {
    ctx.errors.push(workloadError('workload-args-not-mapping', { at, value: argv }, 'value'));
    return undefined;
  }
  const a = new Args(isObj(argv) ? argv : {}, at, ctx.errors, ctx.devices);
  const before = ctx.errors.length;
  const step = build(kind as StepKind, a, path, ctx);
  a.done();
  return ctx.errors.length === before ? step : undefined;
}

/** `monitor: ID` or `device` + `surface`, never both. */
function target(a: Args): DrawTarget | undefined {
  const monitor = a.name('monitor', 'a monitor id', false);
  if (a.has('monitor')) {
    if (a.has('device') || a.has('surface')) a.error(undefined, 'workload-monitor-and-surface', {}, 'key');
    a.device(false);
    a.surface(false);
    return monitor === undefined ? undefined : { monitor };
  }
  const device = a.device();
  const surface = a.surface();
  return device === undefined || surface === undefined ? undefined : { device, surface };
}

function framebuffer(a: Args): MonitorFramebuffer | undefined {
  const ram = a.int('ram', 0, 2 ** 52 - 1, false);
  const offscreen = a.bool('offscreen');
  if (a.bool('igd')) {
    if (a.has('device') || a.has('surface') || a.has('ram') || offscreen) a.error(undefined, 'workload-igd-monitor-keys', {}, 'key');
    a.raw('device');
    a.raw('surface');
    const width = a.dimension('width');
    const height = a.dimension('height');
    return width === undefined || height === undefined ? undefined : { kind: 'igd', width, height };
  }
  if (a.has('ram')) {
    if (a.has('device') || a.has('surface') || offscreen) a.error(undefined, 'workload-ram-monitor-keys', {}, 'key');
    a.raw('device');
    a.raw('surface');
    const width = a.dimension('width');
    const height = a.dimension('height');
    return ram === undefined || width === undefined || height === undefined ? undefined : { kind: 'ram', base: ram, width, height };
  }
  const device = a.device();
  if (a.has('surface')) {
    const surface = a.surface();
    if (a.has('width') || a.has('height') || offscreen) a.error(undefined, 'workload-surface-monitor-keys', {}, 'key');
    a.dimension('width', false);
    a.dimension('height', false);
    return device === undefined || surface === undefined ? undefined : { kind: 'surface', device, surface };
  }
  const width = a.dimension('width');
  const height = a.dimension('height');
  if (device === undefined || width === undefined || height === undefined) return undefined;
  return { kind: offscreen ? 'offscreen' : 'primary', device, width, height };
}

function build(kind: StepKind, a: Args, path: WorkloadPath, ctx: Ctx): WorkloadStep | undefined {
  switch (kind) {
    case 'qxl-init': {
      const device = a.device();
      const reset = a.bool('reset');
      return device === undefined ? undefined : { kind, path, device, reset };
    }
    case 'create-primary':
    case 'create-surface': {
      const device = a.device();
      const name = kind === 'create-surface' ? a.name('name', 'a surface name') : '';
      const width = a.dimension('width');
      const height = a.dimension('height');
      if (device === undefined || name === undefined || width === undefined || height === undefined) return undefined;
      return kind === 'create-primary' ? { kind, path, device, width, height } : { kind, path, device, name, width, height };
    }
    case 'destroy-primary':
    case 'flush-release': {
      const device = a.device();
      return device === undefined ? undefined : { kind, path, device };
    }
    case 'destroy-surface': {
      const device = a.device();
      const surface = a.surface();
      if (surface === 0) a.error('surface', 'workload-destroy-primary', {});
      return device === undefined || surface === undefined || surface === 0 ? undefined : { kind, path, device, surface };
    }
    case 'fill':
    case 'cpu-fill': {
      const t = kind === 'fill' ? target(a) : undefined;
      const monitor = kind === 'cpu-fill' ? a.name('monitor', 'a monitor id') : undefined;
      const rect = a.rect();
      const color = a.color('color');
      if (color === undefined) return undefined;
      const r = rect !== undefined ? { rect } : {};
      if (kind === 'fill') return t === undefined ? undefined : { kind, path, target: t, color, ...r };
      return monitor === undefined ? undefined : { kind, path, monitor, color, ...r };
    }
    case 'copy-image': {
      const t = target(a);
      const rect = a.rect(true);
      const color = a.color('color', false);
      if (rect !== undefined && (rect.right - rect.left) * (rect.bottom - rect.top) > MAX_IMAGE_PIXELS) {
        a.error('rect', 'workload-image-too-large', { pixels: (rect.right - rect.left) * (rect.bottom - rect.top), limit: MAX_IMAGE_PIXELS });
        return undefined;
      }
      if (t === undefined || rect === undefined) return undefined;
      return { kind, path, target: t, rect, ...(color !== undefined ? { color } : {}) };
    }
    case 'update-area': {
      const t = target(a);
      const rect = a.rect();
      return t === undefined ? undefined : { kind, path, target: t, ...(rect !== undefined ? { rect } : {}) };
    }
    case 'plug-monitor': {
      const id = a.name('id', 'a monitor id');
      const fb = framebuffer(a);
      return id === undefined || fb === undefined ? undefined : { kind, path, id, fb };
    }
    case 'unplug-monitor': {
      const id = a.name('id', 'a monitor id');
      return id === undefined ? undefined : { kind, path, id };
    }
    case 'poll':
      return { kind, path };
    case 'repeat': {
      const times = a.int('times', 0, MAX_EXECUTED_STEPS);
      // Validation walks a repeat body up to twice per level: nesting is bounded so it stays cheap.
      const raw = a.raw('steps', true);
      const depth = path.filter((p) => p === 'repeat').length;
      if (depth > MAX_REPEAT_NESTING) {
        ctx.errors.push(workloadError('workload-repeat-too-deep', { at: path, limit: MAX_REPEAT_NESTING }));
        return undefined;
      }
      const steps = raw === undefined ? [] : parseSteps(raw, [...a.path, 'steps'], ctx);
      return times === undefined || raw === undefined ? undefined : { kind, path, times, steps };
    }
  }
}
