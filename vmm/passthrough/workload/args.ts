/**
 * Reading one step's arguments with path-aware errors: every problem becomes a WorkloadError at the key
 * (unknown or missing keys) or at the value, so the config loader can point at FILE:LINE:COL.
 */
import { didYouMean, show } from '../../frontends/config/errors.js';
import type { DeclaredDevice, WorkloadError, WorkloadPath, WorkloadRect } from './types.js';
import { MAX_DIMENSION } from './types.js';

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `workload.steps[2].fill.rect` for a path inside the workload. */
export function label(path: WorkloadPath): string {
  let s = 'workload';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : `.${seg}`;
  return s;
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

  error(key: string | undefined, message: string, prefer: 'key' | 'value' = 'value'): void {
    const path = key === undefined ? this.path : [...this.path, key];
    this.errors.push({ path, message: `${label(path)}: ${message}`, prefer });
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined;
  }

  private take(key: string, required: boolean): unknown {
    this.used.add(key);
    const v = this.obj[key];
    if (v === undefined && required) this.error(undefined, `missing required key '${key}'`, 'key');
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
      this.error(key, `expected an integer ${min}..${max} (or 0x-hex), got ${show(v)}`);
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
    if (typeof v !== 'boolean') this.error(key, `expected true or false, got ${show(v)}`);
    return v === true;
  }

  name(key: string, what: string, required = true): string | undefined {
    const v = this.take(key, required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || !NAME_RE.test(v)) {
      this.error(key, `expected ${what}: a letter, then letters, digits, _ . -, got ${show(v)}`);
      return undefined;
    }
    return v;
  }

  /** A QXL device: a qdev id the config declares with a QXL model, or a bdf (checked when the machine runs). */
  device(required = true): string | undefined {
    const v = this.take('device', required);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') {
      this.error('device', `expected a QXL device's id or bdf (BB:DD.F), got ${show(v)}`);
      return undefined;
    }
    if (BDF_RE.test(v)) return v.toLowerCase();
    if (this.devices === undefined) return v;
    const qxl = this.devices.filter((d) => d.id !== '' && QXL_MODELS.includes(d.model)).map((d) => d.id);
    const found = this.devices.find((d) => d.id === v);
    if (found === undefined) {
      const list = qxl.length > 0 ? ` (QXL devices: ${qxl.join(', ')})` : ' (the config has no QXL device with an id)';
      this.error('device', `no device with id '${v}'${didYouMean(v, qxl) || list}`);
    } else if (!QXL_MODELS.includes(found.model)) {
      this.error('device', `device '${v}' (model ${found.model}) is not a QXL device (qxl or qxl-vga)`);
    }
    return v;
  }

  /** 0 (primary), a surface id, or a create-surface name. */
  surface(required = true): number | string | undefined {
    const v = this.take('surface', required);
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0x7fff_ffff) return v;
    if (typeof v === 'string' && NAME_RE.test(v)) return v;
    this.error('surface', `expected a surface id (0 = primary) or a create-surface name, got ${show(v)}`);
    return undefined;
  }

  /** {left, top, right, bottom}, right > left and bottom > top (QXLRect, exclusive right and bottom). */
  rect(required = false): WorkloadRect | undefined {
    const v = this.take('rect', required);
    if (v === undefined) return undefined;
    if (!isObj(v)) {
      this.error('rect', `expected a mapping {left, top, right, bottom}, got ${show(v)}`);
      return undefined;
    }
    const r = new Args(v, [...this.path, 'rect'], this.errors, this.devices);
    const [left, top, right, bottom] = (['left', 'top', 'right', 'bottom'] as const).map((k) => r.int(k, 0, MAX_DIMENSION));
    r.done();
    if (left === undefined || top === undefined || right === undefined || bottom === undefined) return undefined;
    if (right <= left || bottom <= top) {
      this.error('rect', `empty rectangle: right (${right}) must exceed left (${left}) and bottom (${bottom}) top (${top})`);
      return undefined;
    }
    return { left, top, right, bottom };
  }

  /** Reports keys nobody asked for (typos), with a hint. */
  done(): void {
    for (const k of Object.keys(this.obj)) {
      if (this.used.has(k)) continue;
      const known = [...this.used];
      this.error(k, `unknown key '${k}'${didYouMean(k, known) || (known.length > 0 ? ` (expected one of: ${known.join(', ')})` : ' (this step takes no arguments)')}`, 'key');
    }
  }
}
