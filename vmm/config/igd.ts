import type { HostIgdSpec } from './spec.js';
import { parseHexInt, parseSize } from './size.js';
import type { PathSeg } from './yaml-doc.js';

/**
 * host.igd: generation names (i915's GRAPHICS_VER numbering; QEMU's igd_gen() counts IVB as 6, see
 * igd.md §2.4, so the name is kept in the spec too) and the validity rules of issue 7 item 1.
 */
export const IGD_GENERATIONS: Readonly<Record<string, number>> = {
  snb: 6, ivb: 7, hsw: 7, bdw: 8, skl: 9, kbl: 9, cfl: 9, icl: 11, tgl: 12, adl: 12,
};
export const IGD_GENERATION_NAMES: readonly string[] = Object.keys(IGD_GENERATIONS);

/** The assigned-IGD model and the one address guests and QEMU's legacy mode accept for it. */
export const IGD_MODEL = 'vfio-igd';
export const IGD_DEVFN = 0x10; // 00:02.0
const MiB = 0x10_0000;
const FOUR_GIB = 0x1_0000_0000;

/**
 * Whether a generation's GMCH can encode `gms` (igd.md §2.2, §12.1): gen 6/7 accept 0x00..0x10 (QEMU:
 * "Unsupported IGD GMS value" above); gen 8 0x00..0x40 (×32 MiB, ≤ 2 GiB); gen 9+ also 0xf0..0xfe (4..60 MiB).
 */
export function gmsEncodable(gen: number, gms: number): boolean {
  if (!Number.isInteger(gms) || gms < 0) return false;
  if (gen <= 7) return gms <= 0x10;
  if (gen === 8) return gms <= 0x40;
  return gms <= 0x40 || (gms >= 0xf0 && gms <= 0xfe);
}

function gmsRange(gen: number): string {
  return gen <= 7 ? '0x00..0x10' : gen === 8 ? '0x00..0x40' : '0x00..0x40 or 0xf0..0xfe';
}

/** GMS and GGMS fields of a GMCH/GGC value (igd.md §2.1): SNB layout for gen 6/7, BDW layout from gen 8. */
export function gmchFields(gen: number, gmch: number): { gms: number; ggms: number } {
  return gen <= 7 ? { gms: (gmch >> 3) & 0x1f, ggms: (gmch >> 8) & 0x3 } : { gms: (gmch >> 8) & 0xff, ggms: (gmch >> 6) & 0x3 };
}

export interface Problem {
  readonly path: readonly PathSeg[];
  readonly message: string;
  readonly prefer?: 'key' | 'value';
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const BASE = ['host', 'igd'] as const;

/** Normalizes host.igd (already shape-checked by the schema) and applies the IGD validity rules. */
export function checkHostIgd(raw: unknown): { spec?: HostIgdSpec; problems: Problem[] } {
  const problems: Problem[] = [];
  if (typeof raw !== 'object' || raw === null) return { problems };
  const r = raw as Record<string, unknown>;
  const g = r['generation'];
  const generation = typeof g === 'string' ? IGD_GENERATIONS[g] : typeof g === 'number' && g >= 6 && g <= 12 ? g : undefined;
  if (generation === undefined) return { problems }; // the schema already said why
  const num = (k: string, max: number): number | undefined => {
    const v = parseHexInt(r[k]);
    if (v === undefined) return undefined;
    if (v > max) {
      problems.push({ path: [...BASE, k], message: `host.igd.${k}: ${hex(v)} is out of range (max ${hex(max)})` });
      return undefined;
    }
    return v;
  };
  const deviceId = num('device-id', 0xffff);
  let gms = num('gms', 0xff);
  const gmch = num('gmch', 0xffff);
  let ggms = typeof r['ggms'] === 'number' ? r['ggms'] : undefined;
  // gen 11+ has a 64-bit BDSM (0xC0); earlier generations a 32-bit one at 0x5C (igd.md §2.4).
  const bdsm = num('bdsm', generation >= 11 ? Number.MAX_SAFE_INTEGER : FOUR_GIB - 1);
  if (gmch !== undefined) {
    const f = gmchFields(generation, gmch);
    if (gms !== undefined && gms !== f.gms) {
      problems.push({ path: [...BASE, 'gms'], message: `host.igd.gms ${hex(gms)} disagrees with gmch ${hex(gmch)} (its GMS field is ${hex(f.gms)} on gen ${generation})` });
    }
    if (ggms !== undefined && ggms !== f.ggms) {
      problems.push({ path: [...BASE, 'ggms'], message: `host.igd.ggms ${ggms} disagrees with gmch ${hex(gmch)} (its GGMS field is ${f.ggms} on gen ${generation})` });
    }
    gms ??= f.gms;
    ggms ??= f.ggms;
  }
  if (gms !== undefined && !gmsEncodable(generation, gms)) {
    const at = r['gms'] !== undefined ? 'gms' : 'gmch';
    problems.push({ path: [...BASE, at], message: `host.igd.${at}: GMS ${hex(gms)} cannot be encoded on gen ${generation} (valid: ${gmsRange(generation)})` });
  }
  if (ggms === 3 && generation <= 7) {
    problems.push({ path: [...BASE, r['ggms'] !== undefined ? 'ggms' : 'gmch'], message: `host.igd.ggms: GGMS 3 is reserved on gen ${generation} (valid: 0..2)` });
  }
  if (bdsm !== undefined && bdsm % MiB !== 0) {
    problems.push({ path: [...BASE, 'bdsm'], message: `host.igd.bdsm: ${hex(bdsm)} is not 1 MiB aligned` });
  }
  let stolenReserved: HostIgdSpec['stolenReserved'];
  const sr = r['stolen-reserved'];
  if (typeof sr === 'object' && sr !== null) {
    const base = parseHexInt((sr as Record<string, unknown>)['base']);
    const sz = parseSize((sr as Record<string, unknown>)['size']);
    if (generation < 11) {
      problems.push({ path: [...BASE, 'stolen-reserved'], prefer: 'key', message: `host.igd.stolen-reserved exists only on gen 11+ (this is gen ${generation})` });
    } else if (base !== undefined && sz !== undefined) stolenReserved = { base, size: sz };
  }
  const version = (r['opregion'] as { version?: unknown } | undefined)?.version;
  const spec: HostIgdSpec = {
    generation,
    ...(typeof g === 'string' ? { generationName: g } : {}),
    ...(deviceId !== undefined ? { deviceId } : {}),
    ...(gms !== undefined ? { gms } : {}),
    ...(gmch !== undefined ? { gmch } : {}),
    ...(ggms !== undefined ? { ggms } : {}),
    ...(bdsm !== undefined ? { bdsm } : {}),
    ...(version === '2.0' || version === '2.1' ? { opregion: { version } } : {}),
    ...(stolenReserved !== undefined ? { stolenReserved } : {}),
  };
  return { spec, problems };
}
