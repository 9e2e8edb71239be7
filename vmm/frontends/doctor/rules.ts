/**
 * Doctor's rules: each reads the typed boot report and the facts and returns findings with a cause and a
 * concrete fix. Order is the order users meet problems in: QEMU's start, the firmware, the IGD, DMA, the guest
 * driver. Add a rule here when a new report section or fact appears.
 */
import type { DoctorContext, Finding, Rule } from './types.js';

const big = (h: string): number => parseInt(h, 16);
const hexs = (n: number): string => `0x${n.toString(16)}`;

/** Fixes for QEMU's IGD refusals, by message (hw/vfio/igd.c error paths). */
const REFUSAL_FIXES: readonly [RegExp, string][] = [
  [/Cannot create LPC bridge/, "x-igd-lpc=on needs an i440fx machine (machine.type: pc): on q35 00:1f.0 is the ICH9 LPC. Use pc, or drop x-igd-lpc"],
  [/Machine is not i440fx/, 'x-igd-legacy-mode=on needs pc (i440fx), the IGD at 00:02.0 and a gen 6..9 IGD: switch to machine pc, or use x-igd-legacy-mode=off (UPT) on q35'],
  [/Device has no ROM/, 'legacy mode needs the IGD option ROM: set romfile= to a vBIOS dump (or an OVMF-era IgdAssignmentDxe ROM), or x-igd-legacy-mode=off'],
  [/must have address 1f\.0/, 'the IGD LPC bridge must sit at 00:1f.0: free that slot'],
];

/** Fixes per IGD hazard id (vmm/passthrough/igd/hazards.ts): what makes the hazard go away. */
const HAZARD_FIXES: Readonly<Record<string, string>> = {
  'bdsm-0xc0-unset': 'use OVMF with IgdAssignmentDxe (VfioIgdPkg) in the romfile: it writes the 64-bit BDSM at 0xC0 that gen 11+ drivers read (firmware.type: ovmf)',
  'no-stolen-memory': 'give the guest stolen memory: x-igd-opregion=on with a QEMU that publishes etc/igd-bdsm-size (SeaBIOS reserves it, strategy e820-reserved), or OVMF + IgdAssignmentDxe',
  'host-bdsm-visible': 'let something program BDSM: QEMU legacy mode (pc, 00:02.0, romfile), or a QEMU version that emulates BDSM for this generation, or OVMF + IgdAssignmentDxe',
  'gen11-stolen-reserved': 'GuC/HuC reach STOLEN_RESERVED by host address: boot with i915.enable_guc=0 (Linux) or expect Code 43 on Windows; identity placement of stolen memory avoids it where the host range is guest RAM',
  'stolen-size-mismatch': 'keep the guest GMS equal to the host BIOS value: drop x-igd-gms, or set the BIOS "DVMT pre-allocated" to the size you need',
  'no-opregion': 'add x-igd-opregion=on to the vfio-pci device (QEMU < 10.1 defaults it off)',
  'host-asls-visible': 'add x-igd-opregion=on to the vfio-pci device (QEMU < 10.1 defaults it off): QEMU then emulates ASLS and points it at its copy',
  'lpc-ids-missing': 'use machine pc with x-igd-lpc=on (or legacy mode) so QEMU copies the host PCH IDs to 00:1f.0',
  'fake-bar-moves': 'keep the guest from moving the BAR (pci=realloc=off on Linux), or use e820-reserved stolen memory instead of a BAR',
  'fake-bar-moved': 'use e820-reserved stolen memory: a BAR the guest moves leaves BDSM and the GTT pointing at the old address',
  'windows-igd-bar5': 'Windows guests: use e820-reserved (SeaBIOS) or uefi-reserved (OVMF) instead of igd-bar5',
  'windows-unknown-device': 'Windows guests: use e820-reserved or uefi-reserved instead of dummy-device',
  'identity-refused': 'identity placement needs the host stolen range to be guest RAM: give the guest more memory, or use e820-reserved',
  'identity-leaks-host-layout': 'accept it, or use e820-reserved when the guest must not learn host addresses',
  'zero-gms-no-stolen': 'use a strategy that gives the guest stolen memory (e820-reserved or uefi-reserved) for the vBIOS and the Windows driver',
  'zero-gms-gen6-ggms': 'on gen 6/7 use e820-reserved: clearing byte 0x51 clears GGMS, not GMS',
  'strategy-refused': 'pick a strategy this firmware supports (see `vfio-sim compare`)',
};

/** One-line titles per IGD hazard id (the hazard's message becomes the cause). */
const HAZARD_TITLES: Readonly<Record<string, string>> = {
  'bdsm-0xc0-unset': 'gen 11+ drivers find no stolen memory: the 64-bit BDSM at 0xC0 stays 0',
  'no-stolen-memory': 'BDSM reads 0: the GTT aims at address 0 or at host addresses',
  'host-bdsm-visible': "the guest reads the host's BDSM, which is not its stolen memory",
  'stolen-size-mismatch': "the guest's stolen size differs from the host BIOS's",
  'no-opregion': 'no OpRegion: Windows fails with Code 43, i915 runs without the VBT',
  'host-asls-visible': "the guest reads the host's ASLS: no OpRegion in guest memory",
  'lpc-ids-missing': "00:1f.0 does not carry the host PCH's IDs",
  'fake-bar-moves': 'stolen memory sits in a BAR the guest may move',
  'fake-bar-moved': 'the stolen-memory BAR moved after the GTT was programmed',
  'windows-igd-bar5': 'Windows rejects the IGD with an unknown BAR5',
  'windows-unknown-device': 'Windows shows the dummy device as an unknown device',
  'identity-refused': 'identity placement refused',
  'identity-leaks-host-layout': "guest stolen memory sits at the host's address",
  'zero-gms-no-stolen': 'no stolen memory at all (GMCH reads GMS 0)',
  'zero-gms-gen6-ggms': 'on gen 6/7 clearing byte 0x51 clears GGMS, not GMS',
  'strategy-refused': 'the stolen-memory strategy was refused',
};

/** Hazards another rule reports as the guest driver message they cause. */
const AS_GUEST_MESSAGE = new Set(['gen11-stolen-reserved']);

export const refusal: Rule = ({ facts }) => {
  if (facts.qemuRefuses === null) return [];
  const fix = REFUSAL_FIXES.find(([r]) => r.test(facts.qemuRefuses!))?.[1] ?? 'remove the property QEMU names, or change the machine so its precondition holds';
  return [{ id: 'qemu-refuses', severity: 'fail', title: `QEMU refuses to start: ${facts.qemuRefuses}`, cause: `vfio-pci's realize fails with this error outside automatic legacy mode, so QEMU ${facts.qemu} exits before the guest runs`, fix }];
};

export const firmwarePanic: Rule = ({ report }) => {
  // QEMU's own refusal also ends the boot with a panic line; the refusal rule reports it.
  if (report.panic === null || report.panic === report.igd?.refused) return [];
  const oom = /out of (32|64)bit address space/.test(report.panic);
  return [{
    id: 'firmware-panic', severity: 'fail', title: `the firmware stops: ${report.panic}`,
    cause: oom ? 'the BARs do not fit the PCI window the firmware sizes (SeaBIOS pciinit.c pci_bios_map_devices)' : 'the firmware cannot finish POST with this topology',
    fix: oom ? 'shrink or drop the largest BARs, move 64-bit BARs behind a root port (q35), or give the 64-bit window room (more phys-bits)' : 'see the firmware log in `vfio-sim boot --json`',
  }];
};

export const igdMode: Rule = ({ facts }) => {
  const g = facts.igd;
  if (g === null) return [];
  const files = facts.fwcfg.filter((f) => f.name.startsWith('etc/igd-')).map((f) => `${f.name} (${f.size} bytes)`);
  return [{
    id: 'igd-mode', severity: 'info', title: `${g.legacyMode ? 'IGD legacy mode' : 'IGD in UPT mode (not legacy)'} — ${g.platform}, gen ${g.generation}, QEMU behaviour ${g.qemuLine}`,
    cause: `${g.modeReason}; fw_cfg: ${files.length > 0 ? files.join(', ') : 'no etc/igd-* files'}`,
    fix: null,
  }];
};

export const igdHazards: Rule = ({ report }) =>
  (report.igd?.hazards ?? []).filter((h) => !AS_GUEST_MESSAGE.has(h.id)).map((h) => ({
    id: `igd-${h.id}`, severity: h.id === 'identity-leaks-host-layout' ? 'info' : 'warn', title: HAZARD_TITLES[h.id] ?? h.message, cause: h.message,
    fix: HAZARD_FIXES[h.id] ?? null,
  }) satisfies Finding);

/** Gen 11+ has no legacy vBIOS: pre-OS display needs the UEFI GOP in the romfile (QEMU docs/igd-assign.txt; VfioIgdPkg IgdAssignmentDxe). */
export const gen11Firmware: Rule = ({ facts, spec }) => {
  const g = facts.igd;
  if (g === null) return [];
  const out: Finding[] = [];
  const igdDev = spec.devices.find((d) => d.model === 'vfio-igd');
  const romfile = igdDev?.props['romfile'];
  if (g.generation >= 11 && !facts.firmware.startsWith('ovmf')) {
    out.push({
      id: 'gen11-needs-ovmf', severity: 'warn', title: `no boot display: gen ${g.generation} has no legacy video BIOS`,
      cause: 'Intel ships no legacy VBIOS for gen 11+; pre-OS display comes only from the UEFI GOP, which SeaBIOS cannot run',
      fix: 'use OVMF (firmware.type: ovmf, Proxmox bios: ovmf) with romfile= an image holding IntelGopDriver + IgdAssignmentDxe (VfioIgdPkg)',
    });
  }
  if (facts.firmware.startsWith('ovmf') && (romfile === undefined || romfile === '')) {
    out.push({
      id: 'ovmf-no-igd-rom', severity: 'warn', title: 'OVMF will not set up the IGD: no romfile',
      cause: "IgdAssignmentDxe runs only from the device's option ROM, so nothing reserves stolen memory or writes BDSM/ASLS",
      fix: 'add romfile= a ROM built from VfioIgdPkg (IgdAssignmentDxe, plus IntelGopDriver for a boot display)',
    });
  }
  return out;
};

export const iommu: Rule = ({ report }) => {
  const r = report.iommu;
  if (r === undefined) return [];
  const out: Finding[] = [];
  if (r.faultCount > 0) {
    const g = r.faultGroups[0];
    out.push({
      id: 'iommu-faults', severity: 'fail', title: `${r.faultCount} DMAR fault(s): ${r.faults[0]?.dmar ?? ''}`,
      cause: g !== undefined ? `${g.source} ${g.access}s ${g.low}..${g.high}, which the VFIO domain does not map (guest RAM and VMM memory only): its GTT holds addresses that are not the guest's stolen memory` : 'a device DMAs outside its domain',
      fix: 'make BDSM point at guest stolen memory before the vBIOS programs the GTT (a strategy that reserves it: e820-reserved / uefi-reserved), and do not use a vBIOS image that caches the host BDSM',
    });
  }
  if (r.corruption.length > 0) {
    const c = r.corruption[0]!;
    out.push({
      id: 'dma-corruption', severity: 'fail', title: `silent DMA into guest RAM the device was never given: ${c.source} ${c.access} ${c.start}..${c.end}`,
      cause: 'the GTT points at addresses that are ordinary guest RAM: the IOMMU translates them, so nothing faults and the guest memory is overwritten or leaked',
      fix: 'reserve the stolen memory in the guest memory map (e820-reserved / uefi-reserved) so the GTT targets memory the guest does not use',
    });
  }
  return out;
};

/** VFIO maps RAM and 64-bit BARs into the host IOMMU; above its width VFIO_MAP_DMA fails with -22 (EINVAL). */
export const iommuWidth: Rule = ({ facts }) => {
  const top = big(facts.topOfMappings);
  const w = facts.hostIommuWidth;
  if (w === null) {
    if (facts.igd !== null && facts.cpu.physBits > 39 && top > 2 ** 39) {
      return [{
        id: 'iommu-width-unknown', severity: 'info', title: `guest mappings reach ${hexs(top)}; the host IOMMU width is not known`,
        cause: 'many client IOMMUs are 39 bits wide: anything above 2^39 cannot be mapped (VFIO_MAP_DMA -22)',
        fix: 'add host.iommu-width (vfio-sim host import --dmar "$(dmesg | grep DMAR)")',
      }];
    }
    return [];
  }
  if (top <= 2 ** w) return [];
  return [{
    id: 'bar-above-iommu-width', severity: 'fail', title: `VFIO_MAP_DMA fails (-22): guest mappings reach ${hexs(top)}, above the host IOMMU's ${w}-bit limit`,
    cause: `the firmware placed memory up to ${hexs(top)} for a vCPU with ${facts.cpu.physBits} physical address bits; the host IOMMU translates only below ${hexs(2 ** w)}`,
    fix: `-cpu host,host-phys-bits-limit=${w} (machine.cpu.phys-bits: ${w}; libvirt <maxphysaddr mode='passthrough' limit='${w}'/>; Proxmox cpu: host,phys-bits=${w})`,
  }];
};

/** Where DSM and the OpRegion landed, and whether the guest memory map protects them. */
export const placement: Rule = ({ facts }) => {
  const g = facts.igd;
  if (g === null) return [];
  const out: Finding[] = [];
  const dsm = g.dsm.base === null ? 'none (BDSM reads 0)' : `${g.dsm.base} +${g.dsm.size} (${g.dsm.memoryMap ?? 'not in the memory map'})`;
  const op = g.opregion === null ? 'none' : `${g.opregion.base} +${g.opregion.size} (${g.opregion.memoryMap ?? 'not in the memory map'})`;
  out.push({
    id: 'igd-placement', severity: 'info', title: `DSM: ${dsm}; OpRegion: ${op}`,
    cause: `the guest reads GGC ${g.guestReads['0x50']} at 0x50, BDSM ${g.guestReads['0x5c']} at 0x5C, ${g.guestReads['0xc0']} at 0xC0, ASLS ${g.guestReads['0xfc']} at 0xFC; BAR0 mirrors GGC ${g.mirrors.ggc} (+0x108040), BDSM ${g.mirrors.bdsm} (+0x1080C0); host BDSM ${g.hostBdsm}`,
    fix: null,
  });
  if (g.dsm.memoryMap === 'ram') {
    out.push({
      id: 'dsm-in-ram', severity: 'fail', title: 'stolen memory overlaps guest RAM',
      cause: 'BDSM points into memory the e820 map gives the guest OS as RAM: the OS allocates it while the GPU scans it out',
      fix: 'let the firmware reserve stolen memory (strategy e820-reserved with SeaBIOS, uefi-reserved with OVMF)',
    });
  }
  return out;
};

/** The kernel messages a Linux guest will print (i915/xe; drivers/gpu/drm/i915/gem/i915_gem_stolen.c, intel_opregion.c). */
export const guestMessages: Rule = ({ facts, report }) => {
  const g = facts.igd;
  if (g === null) return [];
  const out: Finding[] = [];
  const hz = new Set((report.igd?.hazards ?? []).map((h) => h.id));
  if (hz.has('gen11-stolen-reserved')) {
    out.push({
      id: 'guest-stolen-reserved', severity: 'warn', title: 'i915: "Stolen reserved area [...] outside stolen memory, disabling use of stolen memory"',
      cause: 'i915 reads STOLEN_RESERVED (BAR0 0x1082C0), which holds a host address, and finds it outside the guest DSM; GuC/HuC then fail (Windows: Code 43)',
      fix: HAZARD_FIXES['gen11-stolen-reserved']!,
    });
  }
  if (g.opregion === null) {
    out.push({
      id: 'guest-no-vbt', severity: 'warn', title: g.generation >= 12 ? 'xe/i915: "Failed to find VBIOS tables (VBT)"' : 'i915 runs without the VBT (no OpRegion)',
      cause: `${big(g.guestReads['0xfc']) === 0 ? 'ASLS reads 0' : `ASLS reads the host's OpRegion address ${g.guestReads['0xfc']}, not a copy in guest memory`}, so the driver finds no OpRegion mailbox with the VBT: outputs and panel timings are guessed`,
      fix: HAZARD_FIXES['no-opregion']!,
    });
  }
  if (g.dsm.memoryMap !== null && g.dsm.memoryMap.startsWith('bar')) {
    out.push({
      id: 'guest-stolen-conflict', severity: 'warn', title: 'i915: "conflict detected with stolen region"',
      cause: `the DSM at ${g.dsm.base} lies in ${g.dsm.memoryMap}, a range the kernel already assigned, so i915 cannot claim it and disables stolen memory`,
      fix: 'place stolen memory in reserved RAM (e820-reserved / uefi-reserved)',
    });
  }
  return out;
};

export const RULES: readonly Rule[] = [refusal, firmwarePanic, igdMode, igdHazards, gen11Firmware, iommu, iommuWidth, placement, guestMessages];

export function runRules(ctx: DoctorContext): Finding[] {
  return RULES.flatMap((r) => r(ctx));
}
