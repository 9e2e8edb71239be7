/**
 * One IGD machine under several QEMU versions, side by side: what each version's hw/vfio/igd.c decides (legacy mode,
 * refusal, fw_cfg files, emulated registers, mirrors, the BAR4 quirk) and what the guest ends up with. This answers
 * "what changes when I upgrade QEMU?" before the user upgrades.
 */
import type { MachineSpec } from '../../frontends/config/spec.js';
import type { QemuVersion } from '../../../devices/qemu-version.js';
import type { BootReport } from '../../frontends/report/types.js';

/** Boots `spec` as QEMU `qemu` would (the CLI passes bootSpec with a profile override). */
export type QemuBootFn = (spec: MachineSpec, qemu: QemuVersion) => BootReport;

export interface QemuColumn {
  qemu: string;
  line: string | null;
  /** "QEMU refuses to start: …", a firmware panic, or null. */
  stop: string | null;
  skipped: string | null;
  legacyMode: boolean | null;
  bdsmSizeFile: string | null;
  opregion: boolean;
  guestGmch: string | null;
  guestBdsm: string | null;
  guestAsls: string | null;
  mirrors: string;
  bar4Quirk: boolean;
  faults: number | null;
  hazards: string[];
  qemuMessages: string[];
}

export interface QemuComparison {
  config: string;
  columns: QemuColumn[];
}

function column(qemu: string, r: BootReport): QemuColumn {
  const i = r.igd;
  const mirrors = i === undefined ? '-' : [i.mirrors.ggc ? 'GGC' : '', i.mirrors.bdsm ? 'BDSM' : ''].filter((s) => s !== '').join('+') || 'none';
  return {
    qemu,
    line: i?.qemuLine ?? null,
    stop: r.panic,
    skipped: i?.skipped ?? null,
    legacyMode: i?.legacyMode ?? null,
    bdsmSizeFile: i?.fwcfg['etc/igd-bdsm-size'] ?? null,
    opregion: i?.opregionSize != null,
    guestGmch: i === undefined ? null : i.guestGmch,
    guestBdsm: i?.guestBdsm ?? null,
    guestAsls: i?.guestAsls ?? null,
    mirrors,
    bar4Quirk: i?.bar4Quirk ?? false,
    faults: r.iommu?.faultCount ?? null,
    hazards: i?.hazards.map((h) => h.id) ?? [],
    qemuMessages: r.events.filter((e) => e.kind.startsWith('qemu-') && e.kind !== 'qemu-skipped' && e.kind !== 'qemu-refused').map((e) => e.message),
  };
}

/** Boots the machine once per QEMU version, in the order given. */
export function compareQemuVersions(spec: MachineSpec, versions: readonly QemuVersion[], bootFn: QemuBootFn): QemuComparison {
  const columns = versions.map((v) => column(v, bootFn(spec, v)));
  return { config: spec.name ?? '<spec>', columns };
}

const yes = (b: boolean | null): string => (b === null ? '-' : b ? 'yes' : 'no');

/** A text table, one column per QEMU version, then each version's stop reason and QEMU messages. */
export function renderQemuComparison(cmp: QemuComparison): string {
  const cols = cmp.columns;
  const rows: [string, string[]][] = [
    ['IGD behaviour', cols.map((c) => c.line ?? '-')],
    ['starts', cols.map((c) => (c.stop === null ? 'yes' : c.stop.startsWith('QEMU refuses') ? 'REFUSED' : 'panic'))],
    ['IGD setup', cols.map((c) => (c.skipped === null ? 'yes' : 'skipped'))],
    ['legacy mode', cols.map((c) => yes(c.legacyMode))],
    ['BAR4 quirk', cols.map((c) => yes(c.bar4Quirk))],
    ['igd-bdsm-size', cols.map((c) => c.bdsmSizeFile ?? '-')],
    ['OpRegion copy', cols.map((c) => yes(c.opregion))],
    ['GMCH (guest)', cols.map((c) => c.guestGmch ?? '-')],
    ['BDSM (guest)', cols.map((c) => c.guestBdsm ?? '-')],
    ['ASLS (guest)', cols.map((c) => c.guestAsls ?? '-')],
    ['BAR0 mirrors', cols.map((c) => c.mirrors)],
    ['IOMMU faults', cols.map((c) => (c.faults === null ? '-' : String(c.faults)))],
    ['hazards', cols.map((c) => (c.hazards.length === 0 ? '(none)' : c.hazards.join(',')))],
  ];
  const labelW = Math.max(...rows.map(([l]) => l.length));
  const widths = cols.map((c, i) => Math.max(c.qemu.length, ...rows.map(([, cells]) => cells[i]!.length)));
  const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - s.length));
  const line = (label: string, cells: string[]): string => [pad(label, labelW), ...cells.map((s, i) => pad(s, widths[i]!))].join('  ').trimEnd();
  const out = [`IGD under QEMU ${cols.map((c) => c.qemu).join(', ')} for ${cmp.config}`, line('QEMU', cols.map((c) => c.qemu)), line('', widths.map((w) => '-'.repeat(w)))];
  for (const [label, cells] of rows) out.push(line(label, cells));
  for (const c of cols) {
    if (c.stop === null && c.skipped === null && c.qemuMessages.length === 0) continue;
    out.push('', `QEMU ${c.qemu}:`);
    if (c.stop !== null) out.push(`  ${c.stop}`);
    if (c.skipped !== null) out.push(`  skipped: ${c.skipped}`);
    for (const m of c.qemuMessages) out.push(`  ${m}`);
  }
  return out.join('\n') + '\n';
}
