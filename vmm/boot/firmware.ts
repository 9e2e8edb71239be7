/**
 * Stage 3: the profile's firmware runs on the machine's CPU view (ports, memory, CPUID), with the IGD strategy's
 * firmware half and the option-ROM hook; then the VMM finishes what depends on the firmware's placement.
 */
import type { FirmwareResult } from '../../firmware/index.js';
import { finishIgdMachine } from '../igd/index.js';
import type { Machine } from '../machine/machine.js';
import type { Prepared } from './prepare.js';

export function runFirmware(machine: Machine, prepared: Prepared): FirmwareResult {
  const { strategy, passthrough } = prepared;
  const firmware = machine.profile.firmware.post(machine.cpu, {
    ...(strategy.firmware ? { igdSetup: strategy.firmware } : {}),
    runOptionRom: passthrough.runOptionRom,
  });
  finishIgdMachine(machine, firmware);
  return firmware;
}
