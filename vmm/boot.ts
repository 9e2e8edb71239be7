import { post, type FirmwareResult } from '../firmware/index.js';
import { resolveIgdStrategy } from '../firmware/igd/index.js';
import { registerAllModels } from '../devices/index.js';
import type { MachineSpec } from './config/spec.js';
import type { BudgetLimits } from './budget/budget.js';
import { assertBootable } from './spec-check.js';
import { finishIgdMachine, igdReport, prepareIgdMachine } from './igd/index.js';
import { iommuReport } from './iommu/index.js';
import { Machine } from './machine/machine.js';
import { buildBaseReport } from './report/build.js';
import type { BootReport } from './report/types.js';
import { installPassthrough, type Passthrough } from './traps/index.js';
import { runWorkload } from './workload/index.js';

export interface BootOptions {
  /** Path shown in the report's `config` field; relative `rom:`/vBIOS paths resolve from its folder. */
  readonly configPath?: string;
  /** Overrides `firmware.igd-strategy` (`--strategy`). */
  readonly strategy?: string;
  /** Overrides `firmware.vbios` (`--vbios`). */
  readonly vbios?: string;
  /** false = QEMU 10.0 behaviour: no built-in IGD BAR4 quirk (`--no-quirks`). */
  readonly quirks?: boolean;
  /** Keep every trap hit for `--trace FILE`. */
  readonly trace?: boolean;
  /** Limits of this boot (`--budget`); unset quantities keep DEFAULT_BUDGET's value. */
  readonly budget?: Partial<BudgetLimits>;
}

export interface BootResult {
  readonly report: BootReport;
  readonly machine: Machine;
  readonly firmware: FirmwareResult;
  /** The trap layer, option ROMs and IOMMU wiring of this boot (its trace, for `--trace`). */
  readonly passthrough: Passthrough;
}

/**
 * One boot, the way QEMU + SeaBIOS does it: build the machine from the spec, let the VMM prepare the
 * assigned IGD for the chosen strategy, put the trap layer between CPU and devices, run the firmware
 * (PCI placement, IGD setup, option ROMs), attach devices to the IOMMU and let them act (IGD scan-out,
 * the config's display workload), and report. Pure and deterministic: no I/O, so it runs the same
 * inline, in a worker or in a test.
 */
export function bootSpec(spec: MachineSpec, options: BootOptions = {}): BootResult {
  registerAllModels();
  // Specs built in code never met the config validator: the same rules apply here (InvalidSpecError).
  assertBootable(spec, options.strategy);
  const machine = new Machine(spec, options.budget ?? {});
  const strategy = resolveIgdStrategy(spec.firmware.igdStrategy, options.strategy);
  prepareIgdMachine(machine, strategy);
  const passthrough = installPassthrough(machine, {
    ...(options.quirks !== undefined ? { quirks: options.quirks } : {}),
    ...(options.vbios !== undefined ? { vbios: options.vbios } : {}),
    ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
    ...(options.trace === true ? { trace: true } : {}),
  });
  const firmware = post(machine.cpu, {
    ...(strategy.firmware ? { igdSetup: strategy.firmware } : {}),
    runOptionRom: passthrough.runOptionRom,
  });
  finishIgdMachine(machine, firmware);
  if (firmware.panic === null) passthrough.afterFirmware();
  const report = buildBaseReport(options.configPath ?? spec.name ?? '<spec>', machine, firmware);
  // QEMU's IGD quirk aborts the VM when the vBIOS programs the GTT before BDSM: that ends the boot too.
  report.panic ??= passthrough.fatal;
  const igd = igdReport(machine, firmware);
  if (igd !== null) report['igd'] = igd;
  Object.assign(report, passthrough.sections());
  if (firmware.panic === null && passthrough.fatal === null) Object.assign(report, runWorkload(machine, spec.workload).sections);
  if (machine.dma.isBuilt) report['iommu'] = iommuReport(machine.dma.iommu);
  // Events recorded after the base report (a workload's budget overrun) belong in it too.
  if (machine.events.length > report.events.length) report.events = machine.events.map((e) => ({ source: e.source, kind: e.kind, message: e.message }));
  return { report, machine, firmware, passthrough };
}
