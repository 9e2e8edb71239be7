import { ggmsValid, gmchFields, gmsEncodable, IGD_GENERATIONS, IGD_LMEMBAR_PLATFORMS, mtlGmsSize } from '../../../devices/igd/tables.js';
import type { HostIgdSpec } from '../../../devices/igd/spec.js';
import { parseHexInt, parseSize } from './size.js';
import type { Problem } from './problems.js';
import { own } from '../../../devices/own.js';

/**
 * host.igd validity rules of issue 7 item 1. The generation tables (names, GMCH fields, what GMS each
 * generation encodes) are devices/igd/tables.ts's; re-exported here for the config layer.
 */
export { gmchFields, gmsEncodable, IGD_GENERATIONS, IGD_GENERATION_NAMES } from '../../../devices/igd/tables.js';

const MiB = 0x10_0000;
const FOUR_GIB = 0x1_0000_0000;

/**
 * vfio-pci properties users bring from QEMU command lines that vfio-igd does not take, with where the same fact
 * lives in a vfio-sim config (the hint replaces "did you mean").
 */
const HOST_IGD_POINTER = ": the assigned IGD is always the host's 00:02.0, described under host.igd (generation, device-id, gms, bdsm, ...)";
export const IGD_PROP_POINTERS: Readonly<Record<string, string>> = {
  host: HOST_IGD_POINTER,
  sysfsdev: HOST_IGD_POINTER,
  'x-vga': ": vfio-sim does not pass legacy VGA ranges through; IGD legacy mode follows machine.qemu (x-igd-legacy-mode from QEMU 10.0), and the host GPU is under host.igd",
};


const BASE = ['host', 'igd'] as const;

/** Normalizes host.igd (already shape-checked by the schema) and applies the IGD validity rules. */
export function checkHostIgd(raw: unknown): { spec?: HostIgdSpec; problems: Problem[] } {
  const problems: Problem[] = [];
  if (typeof raw !== 'object' || raw === null) return { problems };
  const r = raw as Record<string, unknown>;
  const g = r['generation'];
  const generation = typeof g === 'string' ? own(IGD_GENERATIONS, g) : typeof g === 'number' && g >= 6 && g <= 12 ? g : undefined;
  if (typeof g === 'string' && IGD_LMEMBAR_PLATFORMS.includes(g)) {
    // DSM in LMEMBAR: GGMS must be 3 and GMS 0..4 or 0xF0..0xFE (i915 mtl_get_gms_size, else "invalid MTL GGC register setting").
    const gmsRaw = parseHexInt(r['gms']);
    if (gmsRaw !== undefined && mtlGmsSize(gmsRaw) < 0) problems.push({ path: [...BASE, 'gms'], code: 'igd-lmembar-gms', params: { gms: gmsRaw, platform: g } });
    if (typeof r['ggms'] === 'number' && r['ggms'] !== 3) problems.push({ path: [...BASE, 'ggms'], code: 'igd-lmembar-ggms', params: { platform: g } });
  }
  if (generation === undefined) return { problems }; // the schema already said why
  const num = (k: string, max: number): number | undefined => {
    const v = parseHexInt(r[k]);
    if (v === undefined) return undefined;
    if (v > max) {
      problems.push({ path: [...BASE, k], code: 'igd-out-of-range', params: { key: k, value: v, max } });
      return undefined;
    }
    return v;
  };
  const deviceId = num('device-id', 0xffff);
  let gms = num('gms', 0xff);
  const gmch = num('gmch', 0xffff);
  let ggms = typeof r['ggms'] === 'number' ? r['ggms'] : undefined;
  // gen 11+ has a 64-bit BDSM (0xC0); earlier generations a 32-bit one at 0x5C (docs/igd.md §2.4).
  const bdsm = num('bdsm', generation >= 11 ? Number.MAX_SAFE_INTEGER : FOUR_GIB - 1);
  if (gmch !== undefined) {
    const f = gmchFields(generation, gmch);
    if (gms !== undefined && gms !== f.gms) {
      problems.push({ path: [...BASE, 'gms'], code: 'igd-gms-gmch-mismatch', params: { gms, gmch, field: f.gms, generation } });
    }
    if (ggms !== undefined && ggms !== f.ggms) {
      problems.push({ path: [...BASE, 'ggms'], code: 'igd-ggms-gmch-mismatch', params: { ggms, gmch, field: f.ggms, generation } });
    }
    gms ??= f.gms;
    ggms ??= f.ggms;
  }
  if (gms !== undefined && !gmsEncodable(generation, gms)) {
    const at = r['gms'] !== undefined ? 'gms' : 'gmch';
    problems.push({ path: [...BASE, at], code: 'igd-gms-unencodable', params: { key: at, gms, generation } });
  }
  // Values past the 2-bit field are the schema's error already (maximum 3); here only what the generation reserves.
  if (ggms !== undefined && Number.isInteger(ggms) && ggms >= 0 && ggms <= 3 && !ggmsValid(generation, ggms)) {
    problems.push({ path: [...BASE, r['ggms'] !== undefined ? 'ggms' : 'gmch'], code: 'igd-ggms-reserved', params: { ggms, generation } });
  }
  if (bdsm !== undefined && bdsm % MiB !== 0) {
    problems.push({ path: [...BASE, 'bdsm'], code: 'igd-bdsm-align', params: { bdsm } });
  }
  let stolenReserved: HostIgdSpec['stolenReserved'];
  const sr = r['stolen-reserved'];
  if (typeof sr === 'object' && sr !== null) {
    const base = parseHexInt((sr as Record<string, unknown>)['base']);
    const sz = parseSize((sr as Record<string, unknown>)['size']);
    if (generation < 8) {
      problems.push({ path: [...BASE, 'stolen-reserved'], prefer: 'key', code: 'igd-stolen-reserved-gen', params: { generation } });
    } else if (base !== undefined && sz !== undefined) stolenReserved = { base, size: sz };
  }
  const opr = r['opregion'] as { version?: unknown; 'vbt-size'?: unknown } | undefined;
  const version = opr?.version;
  const vbtSize = opr?.['vbt-size'] === undefined ? undefined : parseSize(opr['vbt-size']);
  if (vbtSize !== undefined && vbtSize > 0xffff) problems.push({ path: [...BASE, 'opregion', 'vbt-size'], code: 'igd-vbt-too-large', params: { size: vbtSize } });
  const classCode = num('class', 0xffff);
  const asls = num('asls', 0xffffffff);
  const sriovVf = r['sriov-vf'] === true;
  const spec: HostIgdSpec = {
    generation,
    ...(typeof g === 'string' ? { generationName: g } : {}),
    ...(deviceId !== undefined ? { deviceId } : {}),
    ...(gms !== undefined ? { gms } : {}),
    ...(gmch !== undefined ? { gmch } : {}),
    ...(ggms !== undefined ? { ggms } : {}),
    ...(bdsm !== undefined ? { bdsm } : {}),
    ...(version === '2.0' || version === '2.1' ? { opregion: { version, ...(vbtSize !== undefined && vbtSize <= 0xffff ? { vbtSize } : {}) } } : {}),
    ...(stolenReserved !== undefined ? { stolenReserved } : {}),
    ...(classCode !== undefined ? { classCode } : {}),
    ...(asls !== undefined ? { asls } : {}),
    ...(sriovVf ? { sriovVf } : {}),
  };
  return { spec, problems };
}
