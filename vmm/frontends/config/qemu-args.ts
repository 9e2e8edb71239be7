import { MODELS } from '../../../devices/index.js';
/**
 * The QEMU command line that boots a config's topology on the QEMU version its profile names — only what that
 * QEMU accepts. Which properties exist in which QEMU, and where vfio-sim's defaults differ from QEMU's, is one
 * table (QEMU_PROP_FACTS) read off `-device DRIVER,help` of QEMU 7.2.22 (Debian 12) and 10.0.13 (Debian 13).
 */
import { own } from '../../../devices/own.js';

import { compareVersions, DEFAULT_QEMU, type QemuVersion } from '../../../devices/qemu-version.js';
import { DEFAULT_CPU } from '../../core/profile/cpu.js';
import { formatSize } from './size.js';
import type { DeviceSpec, PropValue } from '../../../devices/spec.js';
import type { MachineSpec } from './spec.js';
import { devfnText } from '../../core/format.js';

/** The binary and fixed options the SeaBIOS fixtures were recorded with (docs/firmware-seabios.md §11 RUN; fixtures' qemu_args). */
export const QEMU_BINARY = 'qemu-system-x86_64';
const FIXED_OPTIONS = ['-display', 'none', '-nodefaults', '-no-user-config'] as const;

/** Models QEMU spells differently: the simulated IGD is QEMU's vfio-pci on the host's 00:02.0. */
const QEMU_DRIVERS: Readonly<Record<string, { readonly driver: string; readonly fixed: readonly string[] }>> = {
  'vfio-igd': { driver: 'vfio-pci', fixed: ['host=0000:00:02.0'] },
};

interface PropFact {
  readonly model: string;
  readonly prop: string;
  /** First QEMU version that has the property; null = none does (a vfio-sim knob). */
  readonly since: QemuVersion | null;
  /** vfio-sim's default when it differs from QEMU's: printed explicitly when the config leaves the prop unset. */
  readonly simDefault?: PropValue;
}

const QEMU_PROP_FACTS: readonly PropFact[] = [
  // vfio-sim's choice of IGD semantics; QEMU has no such property.
  { model: 'vfio-igd', prop: 'x-igd-behaviour', since: null },
  // vfio-sim's stand-in for the console index QEMU assigns by command-line order (QEMU 7.2: "Property 'qxl.x-console-id' not found").
  { model: 'qxl', prop: 'x-console-id', since: null },
  { model: 'qxl-vga', prop: 'x-console-id', since: null },
  // hw/vfio/pci.c vfio_pci_dev_properties: x-igd-lpc and x-igd-legacy-mode are new in 10.0 (absent from 7.2's help).
  { model: 'vfio-igd', prop: 'x-igd-lpc', since: '10.0' },
  { model: 'vfio-igd', prop: 'x-igd-legacy-mode', since: '10.0' },
  // QEMU's x-igd-opregion defaults off in 7.2 and 10.0; vfio-sim's on, so every strategy has an OpRegion.
  { model: 'vfio-igd', prop: 'x-igd-opregion', since: '7.2', simDefault: true },
];

/** NIC models whose `netdev` names a backend QEMU must be given with -netdev (else: no backend, QEMU warns). */
const NIC_MODELS = new Set(['e1000', 'e1000e', 'rtl8139', 'virtio-net-pci', 'vmxnet3']);

/** Block models whose `drive` names a backend (-blockdev node-name). */
const DRIVE_MODELS = new Set(['virtio-blk-pci', 'nvme']);

/** QEMU's option syntax doubles commas inside a value (QemuOpts). */
const escape = (s: string): string => s.replace(/,/g, ',,');

function propText(model: string, name: string, v: PropValue): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (typeof v === 'number') return MODELS.lookup(model)?.props[name]?.type === 'size' ? formatSize(v) : String(v);
  return escape(v);
}

const addrText = devfnText;

/** A config property the named QEMU does not have, left off the command line. */
export interface DroppedProp {
  readonly device: string;
  readonly prop: string;
  readonly reason: string;
}

function factOf(model: string, prop: string): PropFact | undefined {
  return QEMU_PROP_FACTS.find((f) => f.model === model && f.prop === prop);
}

/** `-device` argument for `qemu`: driver, id, bus, addr, the props that QEMU has in config order, then vfio-sim defaults QEMU lacks. */
export function deviceArg(d: DeviceSpec, qemu: QemuVersion = DEFAULT_QEMU, dropped: DroppedProp[] = []): string {
  const q = own(QEMU_DRIVERS, d.model);
  const parts = [q?.driver ?? d.model, ...(q?.fixed ?? [])];
  if (d.id !== '') parts.push(`id=${escape(d.id)}`);
  if (d.bus !== undefined) parts.push(`bus=${escape(d.bus)}`);
  if (d.devfn !== undefined) parts.push(`addr=${addrText(d.devfn)}`);
  const label = d.id !== '' ? d.id : d.model;
  for (const [k, v] of Object.entries(d.props)) {
    // romfile-drivers describes what the romfile holds (for the OVMF model); QEMU has no such property.
    if (k === 'romfile-drivers') continue;
    const f = factOf(d.model, k);
    if (f !== undefined && (f.since === null || compareVersions(qemu, f.since) < 0)) {
      dropped.push({ device: label, prop: k, reason: f.since === null ? 'a vfio-sim setting, not a QEMU property' : `not in QEMU ${qemu} (new in ${f.since})` });
      continue;
    }
    parts.push(`${k}=${propText(d.model, k, v)}`);
  }
  for (const f of QEMU_PROP_FACTS) {
    if (f.model !== d.model || f.simDefault === undefined || f.prop in d.props) continue;
    if (f.since !== null && compareVersions(qemu, f.since) >= 0) parts.push(`${f.prop}=${propText(d.model, f.prop, f.simDefault)}`);
  }
  return parts.join(',');
}

/** `-m` argument; QEMU reads a bare number as MiB, so sizes always carry a suffix (B for odd byte counts). */
export function memoryArg(m: MachineSpec['machine']): string {
  let s = formatSize(m.memory, 'B');
  if (m.slots !== undefined) s += `,slots=${m.slots}`;
  if (m.maxmem !== undefined) s += `,maxmem=${formatSize(m.maxmem, 'B')}`;
  return s;
}

/** `-machine` argument: the versioned name when the config gave one (pc-q35-9.0), else the alias. */
function machineArg(m: MachineSpec['machine']): string {
  const name = m.version === undefined ? m.type : `pc-${m.type === 'q35' ? 'q35' : 'i440fx'}-${m.version}`;
  return m.maxRamBelow4g === undefined ? name : `${name},max-ram-below-4g=${formatSize(m.maxRamBelow4g, 'B')}`;
}

/**
 * `-cpu` when the config names a vCPU: the model, then the vendor and phys-bits where they differ from the
 * model's (qemu64: AuthenticAMD, 40 bits under TCG; `host` takes the host's vendor).
 */
function cpuArg(m: MachineSpec['machine']): string[] {
  const cpu = m.cpu;
  if (cpu === undefined) return [];
  const model = cpu.model ?? DEFAULT_CPU.model;
  const parts = [model];
  if (model !== 'host' && cpu.vendor !== undefined && cpu.vendor !== DEFAULT_CPU.vendor) parts.push(`vendor=${cpu.vendor === 'intel' ? 'GenuineIntel' : 'AuthenticAMD'}`);
  if (cpu.physBits !== undefined && (model === 'host' || cpu.physBits !== DEFAULT_CPU.physBits)) parts.push(`phys-bits=${cpu.physBits}`);
  return ['-cpu', parts.join(',')];
}

/** The command line and what it had to leave out for the named QEMU. */
export function qemuCommandLine(spec: MachineSpec, qemu: QemuVersion = spec.machine.qemu ?? DEFAULT_QEMU): { args: string[]; dropped: DroppedProp[] } {
  const dropped: DroppedProp[] = [];
  const smp = spec.machine.smp === undefined ? [] : ['-smp', String(spec.machine.smp)];
  const args: string[] = [QEMU_BINARY, '-machine', machineArg(spec.machine), '-m', memoryArg(spec.machine), ...cpuArg(spec.machine), ...smp, ...FIXED_OPTIONS];
  // One user-mode backend per netdev a NIC names (QEMU refuses a netdev id it does not know).
  const netdevs = new Set<string>();
  for (const d of spec.devices) {
    const nd = d.props['netdev'];
    if (NIC_MODELS.has(d.model) && typeof nd === 'string' && !netdevs.has(nd)) {
      netdevs.add(nd);
      args.push('-netdev', `user,id=${escape(nd)}`);
    }
  }
  // A block device's `drive` names a backend: an empty null-co node (reads zeros; the topology is what matters).
  const drives = new Set<string>();
  for (const d of spec.devices) {
    const dr = d.props['drive'];
    if (DRIVE_MODELS.has(d.model) && typeof dr === 'string' && !drives.has(dr)) {
      drives.add(dr);
      args.push('-blockdev', `null-co,node-name=${escape(dr)}`);
    }
  }
  for (const d of spec.devices) args.push('-device', deviceArg(d, qemu, dropped));
  return { args, dropped };
}

/** The command line for the config's own QEMU version, one argument per element (the fixtures' qemu_args style). */
export function qemuArgs(spec: MachineSpec): string[] {
  return qemuCommandLine(spec).args;
}
