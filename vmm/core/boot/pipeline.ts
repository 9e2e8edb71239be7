/**
 * One boot, the way QEMU + its firmware does it, as explicit stages with typed inputs and outputs:
 *   build machine → prepare passthrough → firmware → devices act → report.
 * The order is this function; each stage is its own module. Pure and deterministic: no I/O, so it runs the
 * same inline, in a worker or in a test — and tests, `compare` and `sweep` all run it.
 */
import type { MachineSpec } from '../../frontends/config/spec.js';
import { devicesAct } from './act.js';
import { buildMachine } from './build-machine.js';
import { runFirmware } from './firmware.js';
import type { BootOptions, BootResult } from './options.js';
import { preparePassthrough } from './prepare.js';
import { buildReport } from './report.js';
import { assertBootable } from './spec-check.js';

export function bootSpec(spec: MachineSpec, options: BootOptions = {}): BootResult {
  // Specs built in code never met the config validator: the same rules apply here (InvalidSpecError).
  assertBootable(spec, options.strategy);
  const machine = buildMachine(spec, options.profile, options.budget);
  const prepared = preparePassthrough(machine, options);
  const firmware = runFirmware(machine, prepared);
  const acted = devicesAct(machine, firmware, prepared);
  const report = buildReport(options.configPath ?? spec.name ?? '<spec>', machine, firmware, prepared, acted);
  return { report, machine, firmware, passthrough: prepared.passthrough };
}
