import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { FirmwareResult, PostOptions } from '../../firmware/index.js';
import { resolveProfile } from '../../vmm/core/profile/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import type { DeviceSpec } from '../../devices/spec.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import { Machine } from '../../vmm/core/machine/machine.js';

export const SEABIOS_FIXTURES = fileURLToPath(new URL('../fixtures/seabios/', import.meta.url));

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Every folder of recorded SeaBIOS topologies (both QEMUs, the model fixtures). */
export const SEABIOS_DIRS = ['seabios', 'seabios-models', 'seabios-qemu10', 'seabios-qemu10-intel'] as const;

/** Every recorded SeaBIOS topology of SEABIOS_DIRS, parsed, named `folder/file.yaml`. */
export function seabiosFixtureSpecs(): { name: string; spec: MachineSpec }[] {
  const out: { name: string; spec: MachineSpec }[] = [];
  for (const d of SEABIOS_DIRS) {
    for (const f of readdirSync(`${FIXTURES}${d}`).filter((n) => n.endsWith('.yaml')).sort()) {
      const r = parseConfig(readFileSync(`${FIXTURES}${d}/${f}`, 'utf8'), f);
      if (r.ok) out.push({ name: `${d}/${f}`, spec: r.spec });
    }
  }
  return out;
}

export interface FixtureWindow {
  base: string;
  limit: string;
}

export interface Fixture {
  qemu_args: string[];
  expected: {
    bars: { bdf: string; bar: number; address: string; size: string; type: 'io' | 'mem' | 'prefmem' }[];
    e820: { start: string; end: string; type: string }[];
    devices: {
      bdf: string;
      vendor: string;
      device: string;
      class: string;
      bridge?: { secondary: number; subordinate: number; io: FixtureWindow | null; mem: FixtureWindow | null; prefmem: FixtureWindow | null };
    }[];
    windows: { io: [string, string] | null; mem32: [string, string] | null; mem64: [string, string] | null };
  };
}

export function fixtureNames(dir = SEABIOS_FIXTURES): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** Recordings of this suite's own corner cases, made with scripts/record-seabios.sh. */
export const RECORDED = fileURLToPath(new URL('./recorded/', import.meta.url));

export function loadFixture(name: string, dir = SEABIOS_FIXTURES): { spec: MachineSpec; fx: Fixture; log: string } {
  const r = parseConfig(readFileSync(`${dir}${name}.yaml`, 'utf8'), `${name}.yaml`);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.errors)}`);
  const fx = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as Fixture;
  return { spec: r.spec, fx, log: readFileSync(`${dir}${name}.seabios.log`, 'utf8') };
}

/**
 * Boots `spec` as the suite's QEMU 7.2 + SeaBIOS 1.16.2 recordings were made: a spec that names no QEMU version
 * boots as 7.2 (the unit tests here were written against that stack), one that names it boots its own profile.
 */
export function boot(spec: MachineSpec, options?: PostOptions): { machine: Machine; fw: FirmwareResult } {
  const profile = resolveProfile(spec, spec.machine.qemu === undefined ? { qemu: '7.2' } : {});
  const machine = new Machine(spec, profile);
  return { machine, fw: profile.firmware.post(machine.cpu, options) };
}

/** Boots `spec` on the firmware of its own profile (QEMU version, vCPU, firmware release from the config). */
export function bootProfiled(spec: MachineSpec, options?: PostOptions): { machine: Machine; fw: FirmwareResult } {
  const machine = new Machine(spec);
  return { machine, fw: machine.profile.firmware.post(machine.cpu, options) };
}

/** Parses a YAML machine config (the loader validates it as `vfio-sim boot` would) and boots it. */
export function bootYaml(yaml: string, options?: PostOptions): { machine: Machine; fw: FirmwareResult } {
  return boot(specOf(yaml), options);
}

export function specOf(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 'inline.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.spec;
}

/** A MachineSpec built by hand (for unit tests that need topologies no fixture has). */
export function spec(type: 'q35' | 'pc', memory: number, devices: Partial<DeviceSpec>[], extra: Partial<MachineSpec['machine']> = {}): MachineSpec {
  return {
    machine: { type, memory, ...extra },
    devices: devices.map((d) => ({ model: d.model ?? 'edu', id: d.id ?? '', props: d.props ?? {}, ...(d.bus !== undefined ? { bus: d.bus } : {}), ...(d.devfn !== undefined ? { devfn: d.devfn } : {}) })),
    firmware: {},
    traps: [],
  };
}

/** The lines of a SeaBIOS log that describe PCI setup, the fw_cfg/e820 inputs, device init and the final e820 map. */
const COMPARED = /^(PCI: |PCIe: |=== PCI|Found |physbits: |cpuid 0x4|e820 map has|  \d+: [0-9a-f]{16} - |qemu\/e820: |Moving pm_base|Running on QEMU|Q35 LPC init|PIIX3\/PIIX4 init|Using pmtimer|Returned \d+ bytes of ZoneHigh|Relocating init|QEMU fw_cfg DMA|Scan for (VGA )?option rom|No Xen)/;

export function comparedLines(log: string): string[] {
  return log.split('\n').filter((l) => COMPARED.test(l));
}

export const hex = (n: number): string => `0x${n.toString(16)}`;
