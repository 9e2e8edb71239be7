/**
 * Stage 2: what the VMM sets up around assigned devices before the firmware runs — the IGD for the chosen
 * stolen-memory strategy (QEMU's vfio-igd quirks, fw_cfg files, fake BARs), the trap layer between CPU and devices,
 * and the option-ROM programs the firmware will run.
 */
import { resolveIgdStrategy, type IgdStrategy } from '../../../firmware/igd/index.js';
import { prepareIgdMachine } from '../../passthrough/igd/index.js';
import type { Machine } from '../machine/machine.js';
import { installPassthrough, type Passthrough, type PassthroughOptions } from '../../passthrough/traps/index.js';
import type { BootOptions } from './options.js';

export interface Prepared {
  readonly strategy: IgdStrategy;
  readonly passthrough: Passthrough;
}

export function preparePassthrough(machine: Machine, options: BootOptions): Prepared {
  const strategy = resolveIgdStrategy(machine.spec.firmware.igdStrategy, options.strategy);
  prepareIgdMachine(machine, strategy, options.configPath);
  // Only the options given, set one by one (a literal of seven conditional spreads cost more than it does).
  const pt: { -readonly [K in keyof PassthroughOptions]: PassthroughOptions[K] } = {};
  if (options.quirks !== undefined) pt.quirks = options.quirks;
  if (options.vbios !== undefined) pt.vbios = options.vbios;
  if (options.configPath !== undefined) pt.configPath = options.configPath;
  if (options.trace !== undefined && options.trace !== false) pt.trace = options.trace;
  if (options.quirkRelocation !== undefined) pt.quirkRelocation = options.quirkRelocation;
  if (options.mode !== undefined) pt.mode = options.mode;
  if (options.romPrograms !== undefined) pt.romPrograms = options.romPrograms;
  const passthrough = installPassthrough(machine, pt);
  return { strategy, passthrough };
}
