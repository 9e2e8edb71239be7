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
  // BootOptions is a PassthroughOptions (the same fields; `trace: false` keeps no trace, as an absent one): passed
  // as it is. Seven conditional spreads into a new literal were a quarter of this stage (docs/performance.md §25).
  const passthrough = installPassthrough(machine, options);
  return { strategy, passthrough };
}
