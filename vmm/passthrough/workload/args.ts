/**
 * Reading one step's arguments with path-aware errors: every problem becomes a WorkloadError at the key
 * (unknown or missing keys) or at the value, so the config loader can point at FILE:LINE:COL.
 */
import { renderWorkloadProblem, type WorkloadProblemBody, type WorkloadProblemCode, type WorkloadProblemParams } from './problems.js';
import type { DeclaredDevice, WorkloadError, WorkloadPath, WorkloadRect } from './types.js';
import { MAX_DIMENSION } from './types.js';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);


/** A problem at `at` (the path its message names), with its message rendered. */
export function workloadError<C extends WorkloadProblemCode>(code: C, params: WorkloadProblemParams<C>, prefer?: 'key' | 'value'): WorkloadError {
  const body = { code, params } as WorkloadProblemBody;
  return { ...body, path: (params as { readonly at: WorkloadPath }).at, message: renderWorkloadProblem(body), ...(prefer !== undefined ? { prefer } : {}) };
}

const HEX_RE = /^0[xX][0-9a-fA-F]+$/;
/** The bdf form the boot report uses (`00:02.0`). */
export const BDF_RE = /^[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]$/;
/** Monitor ids and surface names: a letter, then letters, digits, _ . - (as qdev ids). */
export const NAME_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;
const QXL_MODELS = ['qxl', 'qxl-vga'];

/** Parses an integer written as a number or a 0x-hex string; undefined otherwise. */
export function intOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === 'string' && HEX_RE.test(v.trim())) return parseInt(v.trim(), 16);
  return undefined;
}

export class Args {
  private readonly used = new Set<string>();

  constructor(
    private readonly obj: Obj,
    readonly path: WorkloadPath,
    private readonly errors: WorkloadError[],
    private readonly devices: readonly DeclaredDevice[] | undefined,
  ) {}

  /** A problem at `key` (or at the step itself); `params` without `at`, which this adds. */
  error<C extends WorkloadProblemCode>(key: string | undefined, code: C, params: Omit<WorkloadProblemParams<C>, 'at'>, prefer: 'key' | 'value' = 'value'): void {
    const at = key === undefined ? this.path : [...this.path, key];
    this.errors.push(workloadError(code, { ...params, at } as WorkloadProblemParams<C>, prefer));
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  private take(key: string, required: boolean): unknown {
    this.used.add(key);
    const v = this.obj[key];
    if (v === undefined && required) this.error(undefined, 'workload-missing-key', { key }, 'key');
    return v;
  }

  /** The value as written (nested step lists). */
  raw(key: string, required = false): unknown {
    return this.take(key, required);
  }

  int(key: string, min: number, max: number, required = true): number | undefined {
    const v = this.take(key, required);
    if (v === undefined) return undefined;
    const n = intOf(v);
    if (n === undefined || n < min || n > max) {
      this.error(key, 'workload-bad-int', { min, max, value: v });
      return undefined;
    }
    return n;
  }

  dimension(key: string, required = true): number | undefined {
    return this.int(key, 1, MAX_DIMENSION, required);
  }

  color(key: string, required = true): number | undefined {
    return this.int(key, 0, 0xffff_ffff, required);
  }

  bool(key: string): boolean {
    const v = this.take(key, false);
    if (v === undefined) return false;
    if (typeof v !== 'boolean') this.error(key, 'workload-bad-bool', { value: v });
    return v === true;
  }

  name(key: string, what: string, required = true): string | undefined {
    const v = this.take(key, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !NAME_RE.test(v)) {
      this.error(key, 'workload-bad-name', { what, value: v });
      return undefined;
    }
    return v;
  }

  /** A QXL device: a qdev id the config declares with a QXL model, or a bdf (checked when the machine runs). */
  device(required = true): string | undefined {
    const v = this.take('device', required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') {
      this.error('device', 'workload-bad-device', { value: v });
      return undefined;
    }
    if (BDF_RE.test(v)) return v.toLowerCase();
    if (this.devices === undefined) return v;
    const qxl = this.devices.filter((d) => d.id !== '' && QXL_MODELS.includes(d.model)).map((d) => d.id);
    const found = this.devices.find((d) => d.id === v);
    if (found === undefined) {
      this.error('device', 'workload-no-such-device', { id: v, qxl });
    } else if (!QXL_MODELS.includes(found.model)) {
      this.error('device', 'workload-not-qxl', { id: v, model: found.model });
    }
    return v;
  }

  /** 0 (primary), a surface id, or a create-surface name. */
  surface(required = true): number | string | undefined {
    const v = this.take('surface', required);
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fff_ffff) return v;
    if (typeof v === 'string' && NAME_RE.test(v)) return v;
    this.error('surface', 'workload-bad-surface', { value: v });
    return undefined;
  }

  /** {left, top, right, bottom}, right > left and bottom > top (QXLRect, exclusive right and bottom). */
  rect(required = false): WorkloadRect | undefined {
    const v = this.take('rect', required);
    if (v === undefined) return undefined;
    if (!isObj(v)) {
      this.error('rect', 'workload-rect-not-mapping', { value: v });
      return undefined;
    }
    const r = new Args(v, [...this.path, 'rect'], this.errors, this.devices);
    const [left, top, right, bottom] = (['left', 'top', 'right', 'bottom'] as const).map((k) => r.int(k, 0, MAX_DIMENSION));
    r.done();
    if (left === undefined || top === undefined || right === undefined || bottom === undefined) return undefined;
    if (right <= left || bottom <= top) {
      this.error('rect', 'workload-empty-rect', { left, top, right, bottom });
      return undefined;
    }
    return { left, top, right, bottom };
  }

  /** Reports keys nobody asked for (typos), with a hint. */
  done(): void {
    for (const k of Object.keys(this.obj)) {
      if (this.used.has(k)) continue;
      const known = [...this.used];
      this.error(k, 'workload-unknown-key', { key: k, known }, 'key');
    }
  }
}
