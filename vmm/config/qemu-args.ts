import { own } from './own.js';
import { lookupModel } from '../../devices/registry.js';
import { formatSize } from './size.js';
import type { DeviceSpec, MachineSpec, PropValue } from './spec.js';

/** The binary and fixed options the SeaBIOS fixtures were recorded with (seabios-pci.md §0 RUN; fixtures' qemu_args). */
export const QEMU_BINARY = 'qemu-system-x86_64';
const FIXED_OPTIONS = ['-display', 'none', '-nodefaults', '-no-user-config'] as const;

/** Models QEMU spells differently: the simulated IGD is QEMU's vfio-pci on the host's 00:02.0. */
const QEMU_DRIVERS: Readonly<Record<string, { readonly driver: string; readonly fixed: readonly string[] }>> = {
  'vfio-igd': { driver: 'vfio-pci', fixed: ['host=0000:00:02.0'] },
};

/** QEMU's option syntax doubles commas inside a value (QemuOpts). */
const escape = (s: string): string => s.replace(/,/g, ',,');

function propText(model: string, name: string, v: PropValue): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return lookupModel(model)?.props[name]?.type === 'size' ? formatSize(v) : String(v);
  return escape(v);
}

function addrText(devfn: number): string {
  return `${(devfn >> 3).toString(16).padStart(2, '0')}.${(devfn & 7).toString(16)}`;
}

/** `-device` argument: driver, id, bus, addr, then the props in the config's order. */
export function deviceArg(d: DeviceSpec): string {
  const q = own(QEMU_DRIVERS, d.model);
  const parts = [q?.driver ?? d.model, ...(q?.fixed ?? [])];
  if (d.id !== '') parts.push(`id=${escape(d.id)}`);
  if (d.bus !== undefined) parts.push(`bus=${escape(d.bus)}`);
  if (d.devfn !== undefined) parts.push(`addr=${addrText(d.devfn)}`);
  for (const [k, v] of Object.entries(d.props)) parts.push(`${k}=${propText(d.model, k, v)}`);
  return parts.join(',');
}

/** `-m` argument; QEMU reads a bare number as MiB, so sizes always carry a suffix (B for odd byte counts). */
export function memoryArg(m: MachineSpec['machine']): string {
  let s = formatSize(m.memory, 'B');
  if (m.slots !== undefined) s += `,slots=${m.slots}`;
  if (m.maxmem !== undefined) s += `,maxmem=${formatSize(m.maxmem, 'B')}`;
  return s;
}

/** The QEMU 7.2 command line that boots the same topology, one argument per element (the fixtures' qemu_args style). */
export function qemuArgs(spec: MachineSpec): string[] {
  const args: string[] = [QEMU_BINARY, '-machine', spec.machine.type, '-m', memoryArg(spec.machine), ...FIXED_OPTIONS];
  for (const d of spec.devices) args.push('-device', deviceArg(d));
  return args;
}
