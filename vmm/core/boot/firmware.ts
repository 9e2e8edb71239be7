/**
 * Stage 3: the profile's firmware runs on the machine's CPU view (ports, memory, CPUID), with the IGD strategy's
 * firmware half and the option-ROM hook; then the VMM finishes what depends on the firmware's placement.
 */
import type { FirmwareResult, OvmfPostResult } from '../../../firmware/index.js';
import { vfioIgdPkgSetup } from '../../../firmware/igd/index.js';
import { finishIgdMachine } from '../../passthrough/igd/index.js';
import type { Machine } from '../machine/machine.js';
import type { Prepared } from './prepare.js';

/** The EFI drivers each function's romfile carries (vfio-igd `romfile-drivers`), by config-space bdf. */
function romDrivers(machine: Machine): (bdf: number) => readonly string[] {
  const byBdf = new Map<number, readonly string[]>();
  for (const fn of machine.pci.functions()) {
    const v = machine.specOf.get(fn)?.props['romfile-drivers'];
    if (typeof v !== 'string') continue;
    const [b, d, f] = fn.bdf.split(/[:.]/).map((x) => Number.parseInt(x, 16));
    byBdf.set((b! << 8) | (d! << 3) | f!, v.split(',').map((x) => x.trim()).filter((x) => x !== ''));
  }
  return (bdf) => byBdf.get(bdf) ?? [];
}

export function runFirmware(machine: Machine, prepared: Prepared): FirmwareResult {
  const { strategy, passthrough } = prepared;
  const ovmf = machine.profile.firmware.type === 'ovmf';
  // Under OVMF the IGD's firmware half is whatever its option ROM carries (VfioIgdPkg's IgdAssignmentDxe), not a
  // SeaBIOS intel_igd_setup variant; a UEFI strategy under SeaBIOS has nothing to run.
  if (!ovmf && strategy.firmwareKind === 'ovmf') {
    machine.events.push({
      source: 'firmware',
      kind: 'error',
      message: `igd-strategy ${strategy.name} needs firmware.type ovmf: it is VfioIgdPkg's IgdAssignmentDxe, a UEFI driver OVMF loads from the IGD's romfile; SeaBIOS only runs intel_igd_setup`,
    });
  }
  const igdSetup = ovmf ? vfioIgdPkgSetup : strategy.firmwareKind === 'ovmf' ? undefined : strategy.firmware;
  const firmware = machine.profile.firmware.post(machine.cpu, {
    ...(igdSetup ? { igdSetup } : {}),
    runOptionRom: passthrough.runOptionRom,
    optionRomDrivers: romDrivers(machine),
  });
  for (const note of (firmware as Partial<OvmfPostResult>).ovmf?.notes ?? []) machine.events.push({ source: 'firmware', kind: 'ovmf', message: note });
  finishIgdMachine(machine, firmware);
  return firmware;
}
