import { describe, expect, it } from 'vitest';
import type { BootOptions } from '../../vmm/core/boot/index.js';
import { runDoctor } from '../../vmm/frontends/doctor/index.js';
import { igdMachine, spec } from './helpers.js';

/** Each IGD hazard becomes a finding: its own title, the hazard's message as the cause, and this fix. */
const CASES: readonly [string, string, BootOptions, string, string][] = [
  [igdMachine('q35', 'tgl'), 'bdsm-0xc0-unset', {}, 'gen 11+ drivers find no stolen memory: the 64-bit BDSM at 0xC0 stays 0',
    'use OVMF with IgdAssignmentDxe (VfioIgdPkg) in the romfile: it writes the 64-bit BDSM at 0xC0 that gen 11+ drivers read (firmware.type: ovmf)'],
  [igdMachine('q35', 'skl'), 'no-stolen-memory', { strategy: 'none' }, 'BDSM reads 0: the GTT aims at address 0 or at host addresses',
    'give the guest stolen memory: x-igd-opregion=on with a QEMU that publishes etc/igd-bdsm-size (SeaBIOS reserves it, strategy e820-reserved), or OVMF + IgdAssignmentDxe'],
  [igdMachine('q35', 'skl'), 'windows-igd-bar5', { strategy: 'igd-bar5' }, 'Windows rejects the IGD with an unknown BAR5',
    'Windows guests: use e820-reserved (SeaBIOS) or uefi-reserved (OVMF) instead of igd-bar5'],
  [igdMachine('q35', 'skl'), 'windows-unknown-device', { strategy: 'dummy-device' }, 'Windows shows the dummy device as an unknown device',
    'Windows guests: use e820-reserved or uefi-reserved instead of dummy-device'],
  [igdMachine('q35', 'bdw'), 'zero-gms-no-stolen', { strategy: 'zero-gms' }, 'no stolen memory at all (GMCH reads GMS 0)',
    'use a strategy that gives the guest stolen memory (e820-reserved or uefi-reserved) for the vBIOS and the Windows driver'],
  [igdMachine('q35', 'snb'), 'zero-gms-gen6-ggms', { strategy: 'zero-gms' }, 'on gen 6/7 clearing byte 0x51 clears GGMS, not GMS',
    'on gen 6/7 use e820-reserved: clearing byte 0x51 clears GGMS, not GMS'],
  [igdMachine('pc', 'skl'), 'identity-leaks-host-layout', { strategy: 'identity' }, "guest stolen memory sits at the host's address",
    'accept it, or use e820-reserved when the guest must not learn host addresses'],
];

describe('doctor: IGD hazards as findings', () => {
  it.each(CASES.map(([yaml, id, options, title, fix]) => ({ id, yaml, options, title, fix })))('igd-$id', ({ yaml, id, options, title, fix }) => {
    const run = runDoctor(spec(yaml), options);
    const hazard = run.report.igd!.hazards.find((h) => h.id === id)!;
    expect(hazard).toBeDefined();
    const f = run.doctor.findings.find((x) => x.id === `igd-${id}`);
    expect(f).toEqual({ id: `igd-${id}`, severity: id === 'identity-leaks-host-layout' ? 'info' : 'warn', title, cause: hazard.message, fix });
  });
});
