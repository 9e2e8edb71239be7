/** The facts doctor reports, read off a finished boot: registers as the guest reads them, fw_cfg, e820, BARs. */
import { findIgd, IGD_ASLS, IGD_BDSM, IGD_BDSM_GEN11, IGD_GMCH, MMIO_BDSM, MMIO_GGC, type IgdFunction } from '../../../devices/igd/index.js';
import type { BootResult } from '../../core/boot/index.js';
import type { MachineSpec } from '../config/spec.js';
import { hex, type BootReport } from '../report/types.js';
import type { DoctorFacts, IgdFacts, RegionFact } from './types.js';

const big = (h: string): number => parseInt(h, 16);

/** Where an address lands in the guest's map: a BAR, or the e820 type covering it. */
function placement(report: BootReport, addr: number): string | null {
  for (const d of report.pci.devices) {
    for (const b of d.bars) {
      if (b.address !== null && b.type !== 'io' && addr >= big(b.address) && addr < big(b.address) + big(b.size)) return `bar (${d.bdf} BAR${b.bar})`;
    }
  }
  const e = report.e820.find((x) => addr >= big(x.start) && addr < big(x.end));
  return e === undefined ? null : e.type;
}

function region(report: BootReport, base: number, size: number): RegionFact {
  return { base: base === 0 ? null : hex(base), size: hex(size), memoryMap: base === 0 ? null : placement(report, base) };
}

/** Why QEMU's IGD legacy mode is on or off for this machine (hw/vfio/igd.c vfio_pci_igd_setup preconditions). */
function modeReason(spec: MachineSpec, report: BootReport, igd: IgdFunction): string {
  const props = spec.devices.find((d) => d.model === 'vfio-igd')?.props ?? {};
  const lm = props['x-igd-legacy-mode'];
  if (igd.features.legacyMode) {
    return igd.features.line === '9.1' || igd.features.line === '9.2'
      ? 'legacy mode: QEMU ≤ 9.x enables it for an IGD at 00:02.0 on i440fx with 00:1f.0 free'
      : `legacy mode: ${lm === 'on' ? 'x-igd-legacy-mode=on' : `auto: gen ${igd.gen} VGA-class IGD at 00:02.0 on i440fx`}`;
  }
  if (report.igd?.skipped != null) return `not legacy mode: ${report.igd.skipped}`;
  if (lm === 'off' || lm === false) return 'not legacy mode: x-igd-legacy-mode=off (UPT mode: the guest sees the IGD as a plain device)';
  if (spec.machine.type === 'q35') return 'not legacy mode: on q35 00:1f.0 holds the ICH9 LPC, so QEMU cannot create its LPC bridge there ("cannot support legacy mode due to existing devices at address 1f.0")';
  if (igd.gen >= 10) return `not legacy mode: QEMU's automatic legacy mode covers gen 6..9 only (this is gen ${igd.gen})`;
  const qemuInfo = report.events.filter((e) => e.kind.startsWith('qemu-')).map((e) => e.message);
  return `not legacy mode${qemuInfo.length > 0 ? `: ${qemuInfo[0]}` : ''}`;
}

function igdFacts(spec: MachineSpec, report: BootReport, igd: IgdFunction): IgdFacts {
  const r = report.igd!;
  const c4 = (o: number): number => igd.configRead(o, 4) >>> 0;
  const bdsmC0 = c4(IGD_BDSM_GEN11 + 4) * 0x1_0000_0000 + c4(IGD_BDSM_GEN11);
  const mirrorBdsm = (igd.barRead(0, MMIO_BDSM + 4, 4) >>> 0) * 0x1_0000_0000 + (igd.barRead(0, MMIO_BDSM, 4) >>> 0);
  const dsmBase = r.guestBdsm === null ? 0 : big(r.guestBdsm);
  const fake = r.fakeBars.find((f) => f.holds !== 'opregion');
  const dsm: RegionFact = fake !== undefined && fake.address !== null
    ? { base: fake.address, size: r.stolenSize, memoryMap: `bar (${fake.bdf} BAR${fake.bar})` }
    : region(report, dsmBase, big(r.stolenSize));
  const asls = r.guestAsls === null ? 0 : big(r.guestAsls);
  return {
    generation: r.generation,
    platform: r.generationName,
    deviceId: r.deviceId,
    qemuLine: r.qemuLine,
    legacyMode: r.legacyMode,
    modeReason: modeReason(spec, report, igd),
    strategy: r.strategy,
    guestReads: { '0x50': hex(igd.configRead(IGD_GMCH, 2)), '0x5c': hex(c4(IGD_BDSM)), '0xc0': hex(bdsmC0), '0xfc': hex(c4(IGD_ASLS)) },
    mirrors: { ggc: hex(igd.barRead(0, MMIO_GGC, 4) & 0xffff), bdsm: hex(mirrorBdsm) },
    hostBdsm: r.hostBdsm,
    dsm,
    opregion: r.opregionSize === null ? null : region(report, asls, big(r.opregionSize)),
  };
}

/** The boot report's "QEMU refuses to start: …" prefix; the fact carries QEMU's own message. */
const REFUSED_PREFIX = 'QEMU refuses to start: ';

/**
 * QEMU's realize error when it exits before the guest runs: the IGD report's `refused` (devices/igd/behaviour.ts
 * decides it per QEMU line; hw/vfio/igd.c error paths). Errors in automatic legacy mode only skip IGD setup
 * (`igd.skipped`) and a bad x-igd-gms is reported and ignored: neither stops QEMU, so neither is a refusal.
 */
function qemuRefusal(report: BootReport): string | undefined {
  const r = report.igd?.refused;
  if (r === undefined || r === null) return undefined;
  return r.startsWith(REFUSED_PREFIX) ? r.slice(REFUSED_PREFIX.length) : r;
}

export function collectFacts(spec: MachineSpec, boot: BootResult): DoctorFacts {
  const report = boot.report;
  const m = boot.machine;
  const igd = findIgd(m.pci.functions());
  const refusal = qemuRefusal(report);
  let top = big(report.machine.above4g) > 0 ? 0x1_0000_0000 + big(report.machine.above4g) : big(report.machine.below4g);
  for (const d of report.pci.devices) for (const b of d.bars) if (b.address !== null && b.type !== 'io') top = Math.max(top, big(b.address) + big(b.size));
  const profile = report.profile;
  return {
    qemu: profile?.qemu ?? spec.machine.qemu ?? '',
    machine: profile?.machine ?? spec.machine.type,
    firmware: profile !== undefined ? `${profile.firmware.type} ${profile.firmware.version}` : (spec.firmware.type ?? 'seabios'),
    cpu: { vendor: profile?.cpu.vendor ?? 'amd', physBits: profile?.cpu['phys-bits'] ?? 40 },
    qemuRefuses: refusal ?? null,
    qemuMessages: report.events.filter((e) => e.kind.startsWith('qemu-') && e.kind !== 'qemu-refused').map((e) => `${e.kind.slice(5)}: ${e.message}`),
    fwcfg: m.fwcfg.fileNames().map((name) => ({ name, size: m.fwcfg.file(name)?.length ?? 0 })),
    igd: igd !== undefined && report.igd !== undefined ? igdFacts(spec, report, igd) : null,
    iommuFaults: report.iommu?.faultCount ?? 0,
    dmaCorruption: report.iommu?.corruption.length ?? 0,
    hostIommuWidth: spec.host?.iommuWidth ?? null,
    topOfMappings: hex(top),
  };
}
