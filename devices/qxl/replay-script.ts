/**
 * The QXL replay script: guest actions against one QXL device, step by step. The same file drives the model
 * (`vfio-sim qxl-replay`) and real QEMU (scripts/record-qxl.py), so that their per-step reports can be compared.
 */
import type { PropValue } from '../spec.js';

export type ReplayOp =
  | { readonly op: 'write'; readonly gpa: number; readonly hex: string }
  | { readonly op: 'out'; readonly port: number; readonly val: number }
  | { readonly op: 'vga-out'; readonly port: number; readonly val: number }
  | { readonly op: 'push'; readonly ring: 'cmd' | 'cursor'; readonly type: number; readonly lo: number; readonly hi: number };

export interface ReplayWatch {
  readonly name: string;
  readonly gpa: number;
  readonly len: number;
}

export interface ReplayScript {
  readonly model: 'qxl' | 'qxl-vga';
  readonly props: Readonly<Record<string, PropValue>>;
  /** BAR0..BAR2 guest-physical addresses, BAR3 the IO base. */
  readonly bars: readonly [number, number, number, number];
  readonly init: readonly ReplayOp[];
  readonly watch: readonly ReplayWatch[];
  readonly steps: readonly { readonly label: string; readonly ops: readonly ReplayOp[] }[];
}

export type ScriptPath = readonly (string | number)[];

export interface ScriptProblem {
  readonly path: ScriptPath;
  readonly message: string;
}

/** Our bounds: a script is a test case, not a workload (each op is cheap; these keep a run small). */
export const MAX_STEPS = 1000;
export const MAX_OPS_PER_STEP = 4096;
export const MAX_WRITE_BYTES = 1 << 20;
export const MAX_WATCH_BYTES = 4096;
/** The legacy VGA ports qxl-vga claims (QEMU vga_ioport_* ranges 0x3b4-0x3b5, 0x3ba, 0x3c0-0x3cf, 0x3d4-0x3d5, 0x3da). */
export function isVgaPort(p: number): boolean {
  return p === 0x3b4 || p === 0x3b5 || p === 0x3ba || (p >= 0x3c0 && p <= 0x3cf) || p === 0x3d4 || p === 0x3d5 || p === 0x3da;
}

class Problems {
  readonly list: ScriptProblem[] = [];
  add(path: ScriptPath, message: string): undefined {
    this.list.push({ path, message });
    return undefined;
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function uint(p: Problems, v: unknown, path: ScriptPath, max: number, what: string): number | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
    return p.add(path, `${what}: expected an integer 0..0x${max.toString(16)}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function onlyKeys(p: Problems, o: Record<string, unknown>, path: ScriptPath, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) p.add([...path, k], `unknown field "${k}" (expected one of: ${keys.join(', ')})`);
}

const GPA_MAX = 2 ** 52 - 1;
const U32 = 0xffffffff;

function parseOp(p: Problems, v: unknown, path: ScriptPath): ReplayOp | undefined {
  if (!isObj(v)) return p.add(path, 'an op must be an object with "op"');
  switch (v['op']) {
    case 'write': {
      onlyKeys(p, v, path, ['op', 'gpa', 'hex']);
      const gpa = uint(p, v['gpa'], [...path, 'gpa'], GPA_MAX, 'gpa');
      const hex = v['hex'];
      if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return p.add([...path, 'hex'], 'hex: expected an even number of hex digits');
      if (hex.length / 2 > MAX_WRITE_BYTES) return p.add([...path, 'hex'], `hex: at most ${MAX_WRITE_BYTES} bytes per write`);
      return gpa === undefined ? undefined : { op: 'write', gpa, hex };
    }
    case 'out':
    case 'vga-out': {
      onlyKeys(p, v, path, ['op', 'port', 'val']);
      const port = uint(p, v['port'], [...path, 'port'], v['op'] === 'out' ? 255 : 0xffff, 'port');
      const val = uint(p, v['val'], [...path, 'val'], 255, 'val (one byte)');
      if (port !== undefined && v['op'] === 'vga-out' && !isVgaPort(port)) return p.add([...path, 'port'], `port 0x${port.toString(16)} is not a legacy VGA port qxl-vga claims`);
      if (port === undefined || val === undefined) return undefined;
      return v['op'] === 'out' ? { op: 'out', port, val } : { op: 'vga-out', port, val };
    }
    case 'push': {
      onlyKeys(p, v, path, ['op', 'ring', 'type', 'lo', 'hi']);
      const ring = v['ring'];
      if (ring !== 'cmd' && ring !== 'cursor') p.add([...path, 'ring'], 'ring: expected "cmd" or "cursor"');
      const type = uint(p, v['type'], [...path, 'type'], U32, 'type');
      const lo = uint(p, v['lo'], [...path, 'lo'], U32, 'lo');
      const hi = uint(p, v['hi'], [...path, 'hi'], U32, 'hi');
      if ((ring !== 'cmd' && ring !== 'cursor') || type === undefined || lo === undefined || hi === undefined) return undefined;
      return { op: 'push', ring, type, lo, hi };
    }
    default:
      return p.add([...path, 'op'], `op: expected "write", "out", "vga-out" or "push", got ${JSON.stringify(v['op'])}`);
  }
}

function parseOps(p: Problems, v: unknown, path: ScriptPath): ReplayOp[] {
  if (!Array.isArray(v)) {
    p.add(path, 'expected a list of ops');
    return [];
  }
  if (v.length > MAX_OPS_PER_STEP) p.add(path, `at most ${MAX_OPS_PER_STEP} ops per step`);
  return v.slice(0, MAX_OPS_PER_STEP).flatMap((o, i) => parseOp(p, o, [...path, i]) ?? []);
}

/** Checks a parsed script; returns the script or every problem found, each with its JSON path. */
export function parseReplayScript(v: unknown): { ok: true; script: ReplayScript } | { ok: false; problems: ScriptProblem[] } {
  const p = new Problems();
  if (!isObj(v)) return { ok: false, problems: [{ path: [], message: 'a replay script is a JSON object' }] };
  onlyKeys(p, v, [], ['model', 'props', 'bars', 'init', 'watch', 'steps']);
  const model = v['model'];
  if (model !== 'qxl' && model !== 'qxl-vga') p.add(['model'], `model: expected "qxl" or "qxl-vga", got ${JSON.stringify(model)}`);
  const props: Record<string, PropValue> = {};
  if (v['props'] !== undefined) {
    if (!isObj(v['props'])) p.add(['props'], 'props: expected an object of QEMU properties');
    else {
      for (const [k, pv] of Object.entries(v['props'])) {
        if (typeof pv === 'string' || typeof pv === 'number' || typeof pv === 'boolean') props[k] = pv;
        else p.add(['props', k], `props.${k}: expected a string, number or boolean`);
      }
    }
  }
  const bars: number[] = [];
  if (!isObj(v['bars'])) p.add(['bars'], 'bars: expected {"0": addr, "1": addr, "2": addr, "3": ioaddr}');
  else {
    onlyKeys(p, v['bars'], ['bars'], ['0', '1', '2', '3']);
    for (const i of [0, 1, 2, 3]) {
      const b = uint(p, v['bars'][String(i)], ['bars', String(i)], i === 3 ? 0xffff : U32, `bars.${i}`);
      if (b !== undefined) bars.push(b);
    }
  }
  const init = v['init'] === undefined ? [] : parseOps(p, v['init'], ['init']);
  const watch: ReplayWatch[] = [];
  if (v['watch'] !== undefined) {
    if (!Array.isArray(v['watch'])) p.add(['watch'], 'watch: expected a list of {"name", "gpa", "len"}');
    else {
      v['watch'].forEach((w: unknown, i) => {
        if (!isObj(w) || typeof w['name'] !== 'string') return p.add(['watch', i], 'expected {"name": string, "gpa": N, "len": N}');
        onlyKeys(p, w, ['watch', i], ['name', 'gpa', 'len']);
        const gpa = uint(p, w['gpa'], ['watch', i, 'gpa'], GPA_MAX, 'gpa');
        const len = uint(p, w['len'], ['watch', i, 'len'], MAX_WATCH_BYTES, 'len');
        if (gpa !== undefined && len !== undefined) watch.push({ name: w['name'], gpa, len });
        return undefined;
      });
    }
  }
  const steps: { label: string; ops: ReplayOp[] }[] = [];
  if (!Array.isArray(v['steps'])) p.add(['steps'], 'steps: expected a list of {"label", "ops"}');
  else {
    if (v['steps'].length > MAX_STEPS) p.add(['steps'], `at most ${MAX_STEPS} steps`);
    v['steps'].slice(0, MAX_STEPS).forEach((s: unknown, i) => {
      if (!isObj(s) || typeof s['label'] !== 'string') {
        p.add(['steps', i], 'expected {"label": string, "ops": [...]}');
        return;
      }
      onlyKeys(p, s, ['steps', i], ['label', 'ops']);
      steps.push({ label: s['label'], ops: parseOps(p, s['ops'], ['steps', i, 'ops']) });
    });
  }
  if (p.list.length > 0) return { ok: false, problems: p.list };
  return {
    ok: true,
    script: { model: model as 'qxl' | 'qxl-vga', props, bars: bars as unknown as ReplayScript['bars'], init, watch, steps },
  };
}
