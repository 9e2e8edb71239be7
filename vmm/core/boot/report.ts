/**
 * Stage 5: one typed report from the machine's final state and what every stage returned. Section order is
 * the report's contract (JSON consumers and byte-identical fixtures rely on it): base, profile, igd, the
 * passthrough sections (traps, rom, display, iommu), the workload's (qxl, dirty, workload); the IOMMU section
 * always describes the final state, after the workload's DMA too.
 */
import type { FirmwareResult, OvmfPostResult } from '../../../firmware/index.js';
import { igdReport } from '../../passthrough/igd/index.js';
import type { Machine } from '../machine/machine.js';
import { profileHazards } from '../profile/hazards.js';
import { profileReport } from '../profile/profile.js';
import { buildBaseReport } from '../../frontends/report/build.js';
import type { BootReport } from '../../frontends/report/types.js';
import type { Acted } from './act.js';
import type { Prepared } from './prepare.js';
import { hex } from '../format.js';

export function buildReport(configLabel: string, machine: Machine, firmware: FirmwareResult, prepared: Prepared, acted: Acted): BootReport {
  const { passthrough } = prepared;
  // Sections are added to the base object in the contract's order, each key appended once: the same JSON as
  // spreading the base into a new object and assigning the passthrough's sections minus `iommu`, without the
  // copies (docs/performance.md §24).
  const report = buildBaseReport(configLabel, machine, firmware);
  // QEMU's IGD quirk aborts the VM when the vBIOS programs the GTT before BDSM: that ends the boot too.
  report.panic ??= passthrough.fatal;
  const profile = profileReport(machine.profile);
  const hazards = profileHazards(machine.profile, firmware.windows.mem64);
  if (hazards.length > 0) profile.hazards = hazards;
  report.profile = profile;
  const ovmf = (firmware as Partial<OvmfPostResult>).ovmf;
  if (ovmf !== undefined) {
    const pair = (p: readonly [number, number]): [string, string] => [hex(p[0]), hex(p[1])];
    report.uefi = {
      apertures: { io: pair(ovmf.apertures.io), mem32: pair(ovmf.apertures.mem32), mem64: ovmf.apertures.mem64 === null ? null : pair(ovmf.apertures.mem64) },
      memoryMap: ovmf.uefiMap.map((m) => ({ start: hex(m.start), end: hex(m.end), type: m.type })),
    };
  }
  const igd = igdReport(machine, firmware);
  if (igd !== null) report.igd = igd;
  // vfio-pci realize failed: QEMU exits before the guest runs, so the boot ends there (boot exits 1).
  if (igd?.refused != null) report.panic = igd.refused;
  const sections = passthrough.sections();
  report.traps = sections.traps;
  report.rom = sections.rom;
  if (sections.display !== undefined) report.display = sections.display;
  // The IOMMU section sits where it first existed: after scan-out when a device DMA'd by then, else after the
  // workload's. Either way it is the final state, which `sections()` (called after the workload) already built.
  if (acted.iommuBeforeWorkload && sections.iommu !== undefined) report.iommu = sections.iommu;
  if (acted.workload !== undefined) Object.assign(report, acted.workload);
  if (sections.iommu !== undefined) report.iommu = sections.iommu;
  return report;
}
