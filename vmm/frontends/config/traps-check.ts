import { MODELS } from '../../../devices/index.js';
/**
 * Semantic checks of `traps:` rules the schema cannot express: ranges in order and inside 64 bits,
 * and a bdf that can exist in this machine. BDFs are numbered as after boot, so a rule on bus N needs
 * at least N bridges (SeaBIOS's pci_bios_init_bus_rec numbers secondaries 1, 2, ... depth first), and
 * a rule on bus 0 needs a function there (a built-in or a root-bus device with a fixed addr).
 */
import { PC_BUILTINS, Q35_BUILTINS } from '../../../devices/chipset/index.js';

import type { Problem } from './problems.js';
import { parseHexInt } from './size.js';
import type { DeviceSpec, MachineType } from '../../../devices/spec.js';
import { parseBdf } from '../../passthrough/traps/rules.js';
import { ROM_BAR, type PciFunction } from '../../../devices/pci/function.js';

/** A function of the root bus as QEMU would create it, to ask which BARs it has (undefined if it cannot be built). */
function rootFunctions(devices: readonly DeviceSpec[], type: MachineType): Map<number, () => PciFunction | undefined> {
  const out = new Map<number, () => PciFunction | undefined>();
  for (const b of type === 'pc' ? PC_BUILTINS : Q35_BUILTINS) {
    out.set(b.devfn, () => {
      const fn = b.make();
      fn.model = b.model;
      return fn;
    });
  }
  for (const d of devices) {
    if (d.bus !== undefined || d.devfn === undefined) continue;
    const def = MODELS.lookup(d.model);
    if (def === undefined) continue;
    out.set(d.devfn, () => {
      try {
        const fn = def.create(d, { machineType: type, pcieBus: false, rootBus: true, dma: () => { throw new Error('no DMA at config time'); } });
        fn.model = d.model;
        return fn;
      } catch {
        return undefined; // a model that needs more context (the host IGD): its BARs are not checked here
      }
    });
  }
  return out;
}

/** Offsets and values of a rule are register offsets and register values: 64 bits at most. */
const MAX_U64 = 2 ** 64;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function pairProblems(r: Obj, key: string, path: (string | number)[]): Problem[] {
  const v = r[key];
  if (!Array.isArray(v) || v.length !== 2) return [];
  const a = parseHexInt(v[0]);
  const b = parseHexInt(v[1]);
  if (a === undefined || b === undefined) return [];
  const params = { key, from: String(v[0]), to: String(v[1]) };
  if (a >= MAX_U64 || b > MAX_U64) return [{ path: [...path, key], code: 'trap-range-too-wide', params }];
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return [{ path: [...path, key], code: 'trap-range-past-2-53', params }];
  if (a >= b) return [{ path: [...path, key], code: 'trap-range-empty', params }];
  return [];
}

/** Problems of every rule; `devices` are the validated devices (devfn filled in where QEMU picks it). */
export function trapProblems(raw: unknown, devices: readonly DeviceSpec[], type: MachineType | undefined): Problem[] {
  if (!Array.isArray(raw)) return [];
  const out: Problem[] = [];
  const bridges = devices.filter((d) => MODELS.lookup(d.model)?.kind === 'bridge').length;
  const root = new Set<number>((type === 'pc' ? PC_BUILTINS : Q35_BUILTINS).map((b) => b.devfn));
  for (const d of devices) if (d.bus === undefined && d.devfn !== undefined) root.add(d.devfn);
  let functions: Map<number, () => PciFunction | undefined> | undefined;
  raw.forEach((r, i) => {
    if (!isObj(r)) return;
    const path = ['traps', i];
    out.push(...pairProblems(r, 'offset', path), ...pairProblems(r, 'from', path));
    const to = parseHexInt(r['to']);
    if (to !== undefined && !Number.isSafeInteger(to)) out.push({ path: [...path, 'to'], code: 'trap-to-past-2-53', params: { to: String(r['to']) } });
    if (typeof r['bdf'] !== 'string') return;
    const bdf = parseBdf(r['bdf']);
    if (bdf < 0) {
      out.push({ path: [...path, 'bdf'], code: 'bdf-syntax', params: { bdf: r['bdf'] } });
      return;
    }
    const bus = bdf >> 8;
    if (bus > bridges) out.push({ path: [...path, 'bdf'], code: 'bdf-no-bus', params: { bdf: r['bdf'], bus, bridges } });
    else if (bus === 0 && type !== undefined && !root.has(bdf & 0xff)) out.push({ path: [...path, 'bdf'], code: 'bdf-no-function', params: { bdf: r['bdf'] } });
    else if (bus === 0 && type !== undefined && typeof r['bar'] === 'number') {
      // A rule on a BAR the function does not have would never match: say so instead of accepting it silently.
      const fn = (functions ??= rootFunctions(devices, type)).get(bdf & 0xff)?.();
      const bar = r['bar'];
      const has = fn === undefined || (bar === ROM_BAR ? fn.romSize > 0 : fn.bars[bar] !== undefined);
      if (!has) out.push({ path: [...path, 'bar'], code: 'trap-bar-missing', params: { bdf: r['bdf'], model: fn!.model, bar: bar === ROM_BAR ? 'rom' : bar } });
    }
  });
  return out;
}
