import type { BarReport, BootReport, DeviceReport } from '../report/types.js';
import { formatSize } from '../../core/format.js';
import type { MonitorReport } from '../../passthrough/workload/monitors.js';

/** Human summary of one boot: an `lspci -tv`-like tree with BARs and windows, then the e820 map. */
export function renderBootText(r: BootReport): string {
  const out: string[] = [];
  const mem = Number(r.machine.memory);
  out.push(`${r.config}: ${r.name ?? '(unnamed)'} — ${r.machine.type}, ${sizeText(mem)} RAM (${sizeText(Number(r.machine.below4g))} below 4G, ${sizeText(Number(r.machine.above4g))} above)`);
  const p = r.profile;
  if (p !== undefined) {
    out.push(`  profile: QEMU ${p.qemu} (${p.machine}), vCPU ${p.cpu.model} ${p.cpu.vendor} ${p.cpu['phys-bits']} phys-bits, ${p.firmware.type} ${p.firmware.version}`);
    for (const h of p.hazards ?? []) out.push(`  hazard ${h.id}: ${h.message}`);
  }
  if (r.panic !== null) out.push(r.igd?.refused === r.panic ? `  ${r.panic}` : `  FIRMWARE PANIC: ${r.panic}`);
  const w = r.pci.windows;
  const winLabel = r.uefi !== undefined ? `OVMF ${r.profile?.firmware.version ?? ''} apertures` : 'PCI windows';
  out.push(`  ${winLabel}: io ${w.io ? `${w.io[0]}-${w.io[1]}` : 'none'}, 32-bit ${w.mem32[0]}-${w.mem32[1]}, 64-bit ${w.mem64 ? `${w.mem64[0]}-${w.mem64[1]}` : 'none'}`);
  out.push('  PCI tree:');
  const byBus = new Map<number, DeviceReport[]>();
  for (const d of r.pci.devices) {
    const bus = parseInt(d.bdf.slice(0, 2), 16);
    byBus.set(bus, [...(byBus.get(bus) ?? []), d]);
  }
  const seen = new Set<DeviceReport>();
  const walk = (bus: number, indent: string): void => {
    const list = byBus.get(bus) ?? [];
    list.forEach((d, i) => {
      if (seen.has(d)) return;
      seen.add(d);
      const last = i === list.length - 1;
      out.push(`${indent}${last ? '└─' : '├─'} ${d.bdf} [${d.vendor.slice(2)}:${d.device.slice(2)}] class ${d.class.slice(2)} ${d.model}${d.id ? ` (id ${d.id})` : ''}`);
      const sub = indent + (last ? '   ' : '│  ');
      for (const b of d.bars) out.push(`${sub}  ${barText(b)}`);
      if (d.bridge) {
        const br = d.bridge;
        const wt = (x: { base: string; limit: string } | null): string => (x ? `${x.base}-${x.limit}` : 'closed');
        out.push(`${sub}  bus ${br.secondary}..${br.subordinate}  io ${wt(br.io)}  mem ${wt(br.mem)}  prefmem ${wt(br.prefmem)}`);
        if (br.secondary > bus) walk(br.secondary, sub);
      }
    });
  };
  walk(0, '    ');
  for (const d of r.pci.devices) if (!seen.has(d)) out.push(`    (unreachable) ${d.bdf} ${d.model}`);
  out.push(...sectionLines(r));
  out.push(r.uefi !== undefined ? '  e820 (as Linux derives it from the UEFI memory map):' : '  e820:');
  for (const e of r.e820) out.push(`    ${e.start.padStart(14)} - ${e.end.padStart(14)}  ${e.type}`);
  if (r.uefi !== undefined) {
    out.push('  UEFI memory map, firmware-owned (inclusive):');
    for (const m of r.uefi.memoryMap) if (m.type !== 'Conventional') out.push(`    ${m.start.padStart(14)} - ${m.end.padStart(14)}  ${m.type}`);
  }
  for (const e of r.events) out.push(`  event ${e.source} ${e.kind}: ${e.message}`);
  return out.join('\n');
}

/** The IGD, trap, IOMMU, display and dirty-tracking sections, when the boot has them. */
function sectionLines(r: BootReport): string[] {
  const out: string[] = [];
  const igd = r.igd;
  if (igd !== undefined) {
    out.push(`  IGD (${igd.generationName}, gen ${igd.generation}), strategy ${igd.strategy}:`);
    out.push(`    QEMU behaviour ${igd.qemuLine} (the IGD code of that QEMU version), legacy mode ${igd.legacyMode ? 'on' : 'off'}`);
    if (igd.skipped !== null) out.push(`    QEMU did no IGD setup: ${igd.skipped}`);
    out.push(`    host BDSM ${igd.hostBdsm}  guest BDSM ${igd.guestBdsm ?? 'unset'}  guest ASLS ${igd.guestAsls ?? 'unset'}`);
    out.push(`    stolen ${sizeText(Number(igd.stolenSize))}, GTT ${sizeText(Number(igd.gttSize))}, etc/igd-bdsm-size ${igd.fwcfg['etc/igd-bdsm-size'] ?? 'absent'}`);
    for (const h of igd.hazards) out.push(`    hazard ${h.id}: ${h.message}`);
    const rf = igd.romfile;
    if (rf !== undefined) {
      out.push(`    romfile ${rf.path}: ${rf.found ? `${rf.holds.join(', ') || 'nothing usable'}; ${rf.matches === true ? 'claims' : 'does NOT claim'} ${igd.deviceId}` : 'not found here'}`);
      for (const n of rf.notes) out.push(`      note: ${n}`);
    }
    for (const g of igd.guest) out.push(`    guest ${g.driver}: ${g.message}${g.conditional !== undefined ? ` (${g.conditional})` : ''} — ${g.cause}`);
  }
  const traps = r.traps;
  if (traps !== undefined && (traps.hits > 0 || traps.fatal !== null)) {
    out.push(`  traps: ${traps.hits} hits, ${traps.rewrites} rewrites, ${traps.drops} drops${traps.fatal ? `; fatal: ${traps.fatal}` : ''}`);
  }
  const display = r.display;
  for (const d of display ?? []) out.push(`  display ${d.bdf}: ${d.mode}, ${d.pages} pages scanned out from ${d.firstPage ?? '-'}, ${d.faultedPages} faulted`);
  const io = r.iommu;
  if (io !== undefined) {
    out.push(`  IOMMU: ${io.faultCount} faults, ${io.corruption.length} corruption ranges`);
    for (const f of io.faults.slice(0, 3)) out.push(`    ${f.dmar}`);
    if (io.faultCount > 3) out.push(`    ... and ${io.faultCount - 3} more`);
    for (const c of io.corruption) out.push(`    corruption: ${c.source} ${c.access} [${c.start}, ${c.end})`);
  }
  const dirty = r.dirty;
  const monitors = r.workload?.monitors ?? [];
  for (const d of dirty ?? []) {
    // A span is the monitors plugged on exactly that range (one span can serve several plugs of the same size).
    const on = monitors.filter((m) => m.range.start === d.range.start && m.range.end === d.range.end);
    const who = on.length === 0 ? '' : ` (${[...new Set(on.map(monitorText))].join('; ')})`;
    out.push(`  dirty framebuffer [${d.range.start}, ${d.range.end}): ${d.pages} pages${who}`);
  }
  return out;
}

/** x-igd-behaviour in words: which QEMU releases behave so. */
function monitorText(m: MonitorReport): string {
  const where = m.device !== undefined ? ` on ${m.device}` : '';
  return `monitor ${m.id}, ${m.kind} ${m.width}x${m.height}${where}`;
}

function barText(b: BarReport): string {
  const name = b.bar === 6 ? 'ROM ' : `BAR${b.bar}`;
  const flags = [b.is64 ? '64-bit' : '', b.prefetch ? 'prefetchable' : ''].filter((x) => x !== '').join(', ');
  return `${name} ${b.type.padEnd(7)} ${(b.address ?? 'unassigned').padStart(12)}  size ${sizeText(Number(b.size))}${flags ? ` (${flags})` : ''}`;
}

/** Exact sizes in text output (1G, 512M; plain bytes otherwise). */
export const sizeText = (n: number): string => formatSize(n);
