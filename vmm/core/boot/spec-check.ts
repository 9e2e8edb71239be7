/**
 * The library boundary of bootSpec: a MachineSpec built in code never went through the config
 * validator, so it is checked here with the same rules (the topology checks QEMU's -device realize
 * applies, memory bounds, known IGD strategies). A spec that fails them is refused with every reason,
 * instead of booting something QEMU would never start (devfn 999, a device replacing the MCH at 00:00.0,
 * an unknown strategy quietly becoming the default).
 */
import { IGD_STRATEGY_NAMES } from '../../../firmware/igd/types.js';
import type { MachineSpec } from '../../frontends/config/spec.js';
import { checkDevices } from '../../frontends/config/topology.js';
import { renderProblem } from '../../frontends/config/problems.js';
import { isMarkedValidated } from '../../frontends/config/validated.js';
import { ramLayout } from '../machine/layout.js';
import { DEFAULT_CPU } from '../profile/cpu.js';
import { DEFAULT_QEMU } from '../../../devices/qemu-version.js';

/** bootSpec's refusal of a spec that does not validate. */
export class InvalidSpecError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid MachineSpec: ${problems.join('; ')}`);
    this.name = 'InvalidSpecError';
  }
}

const MIN_MEMORY = 0x10_0000;

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** Every reason `spec` (with an optional strategy override) cannot boot; empty when it can. */
export function specProblems(spec: MachineSpec, strategy?: string): string[] {
  const out: string[] = [];
  if (typeof spec !== 'object' || spec === null) return ['the spec is not an object'];
  const m = spec.machine as Partial<MachineSpec['machine']> | undefined;
  if (m?.type !== 'q35' && m?.type !== 'pc') out.push(`machine.type must be q35 or pc, not ${String(m?.type)}`);
  const mem = m?.memory;
  if (typeof mem !== 'number' || !Number.isSafeInteger(mem) || mem < MIN_MEMORY) out.push(`machine.memory must be a whole number of bytes of at least 1M, not ${String(mem)}`);
  // The same bound as the config loader's: RAM must end below 1 << the vCPU's physical address bits (QEMU
  // pc_memory_init), which also keeps every address far below 2^53.
  const physBits = m?.cpu?.physBits ?? DEFAULT_CPU.physBits;
  const limit = 2 ** physBits;
  const type = m?.type;
  const ramEnd = (bytes: number): number => {
    if (type !== 'q35' && type !== 'pc') return 0;
    const l = ramLayout(type, bytes, { cpu: { vendor: m?.cpu?.vendor ?? DEFAULT_CPU.vendor, physBits }, machineVersion: m?.version ?? m?.qemu ?? DEFAULT_QEMU });
    return l.above4g > 0 ? l.above4gStart + l.above4g : l.below4g;
  };
  if (typeof mem === 'number' && Number.isSafeInteger(mem) && mem >= MIN_MEMORY && ramEnd(mem) > limit) out.push(`machine.memory puts guest RAM past the vCPU's ${physBits} address bits`);
  if (m?.maxmem !== undefined && (!Number.isSafeInteger(m.maxmem) || ramEnd(m.maxmem) > limit || (typeof mem === 'number' && m.maxmem < mem))) out.push(`machine.maxmem ${String(m.maxmem)} is below memory or past the vCPU's ${physBits} address bits`);
  if (!Array.isArray(spec.devices)) return [...out, 'devices must be a list'];
  for (const s of [spec.firmware?.igdStrategy, strategy]) {
    if (s !== undefined && !(IGD_STRATEGY_NAMES as readonly string[]).includes(s)) out.push(`unknown IGD strategy '${s}' (known: ${IGD_STRATEGY_NAMES.join(', ')})`);
  }
  // Back to the config's shape, then through the config's own topology checks.
  const raw = spec.devices.map((d, i) => {
    const devfn = d.devfn;
    const valid = devfn === undefined || (Number.isInteger(devfn) && devfn >= 0 && devfn <= 0xff);
    if (!valid) out.push(`devices[${i}].devfn ${String(devfn)} is not a device/function number 0..255`);
    const addr = devfn === undefined || !valid ? undefined : `${hex2(devfn >> 3)}.${(devfn & 7).toString(16)}`;
    return { model: d.model, ...(d.id !== '' && d.id !== undefined ? { id: d.id } : {}), ...(d.bus !== undefined ? { bus: d.bus } : {}), ...(addr !== undefined ? { addr } : {}), props: d.props ?? {}, ...(d.rom !== undefined ? { rom: d.rom } : {}) };
  });
  const topo = checkDevices({ devices: raw, machineType: m?.type === 'q35' || m?.type === 'pc' ? m.type : undefined, lineOf: () => 0 });
  for (const p of topo.problems) out.push(`${p.path.join('.')}: ${renderProblem(p)}`);
  return out;
}

/** Throws InvalidSpecError when `spec` does not validate. */
export function assertBootable(spec: MachineSpec, strategy?: string): void {
  // parseConfig's specs passed the same checks; only the strategy override is new.
  const problems = isMarkedValidated(spec)
    ? strategy !== undefined && !(IGD_STRATEGY_NAMES as readonly string[]).includes(strategy)
      ? [`unknown IGD strategy '${strategy}' (known: ${IGD_STRATEGY_NAMES.join(', ')})`]
      : []
    : specProblems(spec, strategy);
  if (problems.length > 0) throw new InvalidSpecError(problems);
}
