/**
 * Stage 2: what the VMM sets up around assigned devices before the firmware runs — the IGD for the chosen
 * stolen-memory strategy (QEMU's vfio-igd quirks, fw_cfg files, fake BARs), the trap layer between CPU and devices,
 * and the option-ROM programs the firmware will run.
 */
import { resolveIgdStrategy, type IgdStrategy } from '../../../firmware/igd/index.js';
import { prepareIgdMachine } from '../../passthrough/igd/index.js';
import type { Machine } from '../machine/machine.js';
import { installPassthrough, type Passthrough } from '../../passthrough/traps/index.js';
import type { BootOptions } from './options.js';

export interface Prepared {
  readonly strategy: IgdStrategy;
  readonly passthrough: Passthrough;
}

export function preparePassthrough(machine: Machine, options: BootOptions): Prepared {
  const strategy = resolveIgdStrategy(machine.spec.firmware.igdStrategy, options.strategy);
  prepareIgdMachine(machine, strategy, options.configPath);
  const passthrough = installPassthrough(machine, {
    ...(options.quirks !== undefined ? { quirks: options.quirks } : {}),
    ...(options.vbios !== undefined ? { vbios: options.vbios } : {}),
    ...(options.configPath !== undefined ? { configPath: options.configPath } : {}),
    ...(options.trace !== undefined && options.trace !== false ? { trace: options.trace } : {}),
    ...(options.quirkRelocation !== undefined ? { quirkRelocation: options.quirkRelocation } : {}),
    ...(options.mode !== undefined ? { mode: options.mode } : {}),
    ...(options.romPrograms !== undefined ? { romPrograms: options.romPrograms } : {}),
  });
  return { strategy, passthrough };
}
