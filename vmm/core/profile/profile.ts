/**
 * The machine profile: which QEMU, machine type, vCPU and firmware a boot models, resolved once from the config
 * (and CLI overrides) and passed down as data. Every version-dependent fact is looked up through it — in the
 * tables of `qemu.ts`, `firmware/seabios/versions.ts`, the device catalogue — never by comparing strings in place.
 */
import { lookupFirmware, type Firmware, type FirmwareType } from '../../../firmware/index.js';
import type { MachineSpec } from '../../frontends/config/spec.js';
import type { MachineType } from '../../../devices/spec.js';
import { DEFAULT_CPU, type CpuProfile } from './cpu.js';
import type { ProfileHazard } from './hazards.js';
import { DEFAULT_QEMU, type QemuVersion } from '../../../devices/qemu-version.js';
import { QEMU_RELEASES } from './qemu.js';

export interface MachineProfile {
  readonly qemu: QemuVersion;
  readonly machine: {
    readonly type: MachineType;
    /** The machine type's version: a versioned name's (`pc-q35-9.0` → 9.0), else the QEMU version's. */
    readonly version: string;
  };
  readonly cpu: CpuProfile;
  readonly firmware: Firmware;
}

/** What a command line may override (`--qemu`, `--firmware`, `compare --profiles`). */
export interface ProfileOverrides {
  readonly qemu?: QemuVersion;
  readonly firmware?: { readonly type: FirmwareType; readonly version?: string };
  readonly cpu?: { readonly vendor?: CpuProfile['vendor']; readonly physBits?: number };
}

/** Resolves the profile of a validated spec. Throws only on a spec the config validation would have refused. */
export function resolveProfile(spec: MachineSpec, overrides: ProfileOverrides = {}): MachineProfile {
  const qemu = overrides.qemu ?? spec.machine.qemu ?? DEFAULT_QEMU;
  const release = QEMU_RELEASES[qemu];
  const type = overrides.firmware?.type ?? spec.firmware.type ?? 'seabios';
  const sameType = type === (spec.firmware.type ?? 'seabios');
  const version = overrides.firmware?.version ?? (sameType ? spec.firmware.version : undefined) ?? release.firmware[type];
  const firmware = lookupFirmware(type, version);
  if (firmware === undefined) throw new Error(`bug: firmware ${type} ${version} not validated`);
  const cpu: CpuProfile = {
    model: spec.machine.cpu?.model ?? DEFAULT_CPU.model,
    vendor: overrides.cpu?.vendor ?? spec.machine.cpu?.vendor ?? DEFAULT_CPU.vendor,
    physBits: overrides.cpu?.physBits ?? spec.machine.cpu?.physBits ?? DEFAULT_CPU.physBits,
  };
  return { qemu, machine: { type: spec.machine.type, version: spec.machine.version ?? qemu }, cpu, firmware };
}

/** The profile as the report states it. */
export interface ProfileReport {
  qemu: string;
  /** Only for a version without recordings of its own: the recorded QEMU version whose PCI placement it uses (10.1 → 10.0). */
  placement?: string;
  machine: string;
  cpu: { model: string; vendor: string; 'phys-bits': number };
  firmware: { type: string; version: string };
  /** Address-space hazards of this profile's firmware placement (hazards.ts); present only when there are some. */
  hazards?: ProfileHazard[];
}

export function profileReport(p: MachineProfile): ProfileReport {
  const name = `pc-${p.machine.type === 'q35' ? 'q35' : 'i440fx'}-${p.machine.version}`;
  return {
    qemu: p.qemu,
    ...(QEMU_RELEASES[p.qemu].placement !== p.qemu ? { placement: QEMU_RELEASES[p.qemu].placement } : {}),
    machine: name,
    cpu: { model: p.cpu.model, vendor: p.cpu.vendor, 'phys-bits': p.cpu.physBits },
    firmware: { type: p.firmware.type, version: p.firmware.version },
  };
}
