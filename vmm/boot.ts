import { post, type FirmwareResult } from '../firmware/index.js';
import { registerAllModels } from '../devices/index.js';
import type { MachineSpec } from './config/spec.js';
import { iommuReport } from './iommu/index.js';
import { Machine } from './machine/machine.js';
import { buildBaseReport } from './report/build.js';
import type { BootReport } from './report/types.js';
import { runWorkload } from './workload/index.js';

export interface BootOptions {
  /** Path shown in the report's `config` field. */
  readonly configPath?: string;
  /** Overrides `firmware.igd-strategy`. */
  readonly strategy?: string;
  /** Overrides `firmware.vbios`. */
  readonly vbios?: string;
  /** false = QEMU 10.0 behaviour: no built-in IGD BAR4 quirk. */
  readonly quirks?: boolean;
}

export interface BootResult {
  readonly report: BootReport;
  readonly machine: Machine;
  readonly firmware: FirmwareResult;
}

/**
 * One boot, the way QEMU + SeaBIOS does it: build the machine from the spec, run the firmware
 * (PCI placement, IGD setup, option ROMs), let the devices act, and report. Pure and deterministic:
 * no I/O, so it runs the same inline, in a worker or in a test.
 */
export function bootSpec(spec: MachineSpec, options: BootOptions = {}): BootResult {
  registerAllModels();
  const machine = new Machine(spec);
  const firmware = post(machine.cpu);
  const report = buildBaseReport(options.configPath ?? spec.name ?? '<spec>', machine, firmware);
  if (firmware.panic === null) Object.assign(report, runWorkload(machine, spec.workload).sections);
  if (machine.dma.isBuilt) report['iommu'] = iommuReport(machine.dma.iommu);
  return { report, machine, firmware };
}
