import { registerAllModels } from '../../devices/index.js';
import { registerIgd } from '../../devices/igd/index.js';
import { post, type FirmwareResult } from '../../firmware/index.js';
import { resolveIgdStrategy } from '../../firmware/igd/index.js';
import { parseConfig } from '../../vmm/config/index.js';
import type { MachineSpec } from '../../vmm/config/spec.js';
import { finishIgdMachine, prepareIgdMachine } from '../../vmm/igd/prepare.js';
import { Machine } from '../../vmm/machine/machine.js';
import { installPassthrough, type Passthrough, type PassthroughOptions, type PassthroughSections } from '../../vmm/traps/index.js';

export function specOf(yaml: string): MachineSpec {
  registerAllModels();
  registerIgd();
  const r = parseConfig(yaml, 'story.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.spec;
}

export interface StoryOptions extends PassthroughOptions {
  readonly strategy?: string;
}

export interface Story {
  readonly machine: Machine;
  readonly firmware: FirmwareResult;
  readonly pt: Passthrough;
  readonly sections: PassthroughSections;
}

/** The boot pipeline's passthrough path: spec → Machine → IGD prepare → traps → POST (+ ROMs) → IOMMU + scan-out. */
export function story(spec: MachineSpec, o: StoryOptions = {}): Story {
  const machine = new Machine(spec);
  prepareIgdMachine(machine, o.strategy);
  const pt = installPassthrough(machine, o);
  const strategy = resolveIgdStrategy(spec.firmware.igdStrategy, o.strategy);
  const firmware = post(machine.cpu, { ...(strategy.firmware ? { igdSetup: strategy.firmware } : {}), runOptionRom: pt.runOptionRom });
  finishIgdMachine(machine, firmware);
  if (firmware.panic === null) pt.afterFirmware();
  return { machine, firmware, pt, sections: pt.sections() };
}
