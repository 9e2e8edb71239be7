import { findIgd, type IgdFunction } from '../../devices/igd/index.js';
import type { FirmwareResult } from '../../firmware/index.js';
import { bootSpec } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import type { IgdReport } from '../../vmm/passthrough/igd/index.js';
import type { Machine } from '../../vmm/core/machine/machine.js';
import type { BootReport } from '../../vmm/frontends/report/types.js';

export const MiB = 0x10_0000;

/** A MachineSpec from YAML text (fails the test on config errors). */
export function specOf(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 't.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.spec;
}

/** An IGD machine in a few words: machine type, memory, host.igd flow mapping, vfio-igd props; QEMU 10.1 unless named. */
export function igdYaml(type: 'pc' | 'q35', memory: string, host: string, props = '', extra = '', qemu = '10.1'): string {
  return `machine: { type: ${type}, memory: ${memory}, qemu: '${qemu}' }\nhost:\n  igd: ${host}\ndevices:\n  - model: vfio-igd${props ? `\n    props: ${props}` : ''}\n${extra}`;
}

export interface IgdBoot {
  readonly machine: Machine;
  readonly fw: FirmwareResult;
  readonly igd: IgdFunction;
  readonly report: BootReport & { igd: IgdReport };
}

/** One boot through the real pipeline (vmm/core/boot: traps, option ROMs, IOMMU and scan-out included). */
export function bootIgd(spec: MachineSpec, strategy?: string): IgdBoot {
  const { machine, firmware, report } = bootSpec(spec, { configPath: 't.yaml', ...(strategy !== undefined ? { strategy } : {}) });
  // A machine without an IGD (a baseline some tests compare with) has no igd section: tests that read it fail loudly.
  return { machine, fw: firmware, igd: findIgd(machine.pci.functions())!, report: report as BootReport & { igd: IgdReport } };
}

export function bootYaml(yaml: string, strategy?: string): IgdBoot {
  return bootIgd(specOf(yaml), strategy);
}
