import type { FirmwareResult } from '../../firmware/index.js';
import { buildMachine, devicesAct, preparePassthrough, runFirmware, type BootOptions } from '../../vmm/core/boot/index.js';
import { parseConfig } from '../../vmm/frontends/config/index.js';
import type { MachineSpec } from '../../vmm/frontends/config/spec.js';
import type { Machine } from '../../vmm/core/machine/machine.js';
import type { Passthrough, PassthroughSections } from '../../vmm/passthrough/traps/index.js';

export function specOf(yaml: string): MachineSpec {
  const r = parseConfig(yaml, 'story.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`).join('\n'));
  return r.spec;
}

export type StoryOptions = BootOptions;

export interface Story {
  readonly machine: Machine;
  readonly firmware: FirmwareResult;
  readonly pt: Passthrough;
  readonly sections: PassthroughSections;
}

/** The boot pipeline's stages (vmm/core/boot) up to the devices acting, keeping the passthrough layer for later frames. */
export function story(spec: MachineSpec, o: StoryOptions = {}): Story {
  const machine = buildMachine(spec, o.profile);
  const prepared = preparePassthrough(machine, o);
  const firmware = runFirmware(machine, prepared);
  devicesAct(machine, firmware, prepared);
  const pt = prepared.passthrough;
  return { machine, firmware, pt, sections: pt.sections() };
}
