import type { BootReport } from '../report/types.js';
import { formatSizeApprox, hex } from '../../core/format.js';

/**
 * What the address-map picture shows, extracted from a BootReport: regions of guest physical
 * address space in lanes. Optional report sections (igd, iommu) are read defensively.
 */
export type LaneId = 'e820' | 'windows' | 'bridges' | 'bars' | 'igd' | 'dirty' | 'iommu';
export type RegionKind =
  | 'ram' | 'reserved' | 'acpi' | 'nvs'
  | 'window32' | 'window64' | 'bridge-mem' | 'bridge-prefmem'
  | 'bar-mem' | 'bar-prefmem' | 'rom'
  | 'stolen' | 'opregion' | 'host-stolen'
  | 'dirty'
  | 'fault' | 'corruption';

export interface MapRegion {
  lane: LaneId;
  kind: RegionKind;
  start: number;
  /** Exclusive. */
  end: number;
  label: string;
  /** Longer text for the tooltip. */
  detail: string;
}

export interface MapModel {
  title: string;
  subtitle: string;
  regions: MapRegion[];
  /** Lines under the picture: I/O BARs (port space), unplaced BARs, hazards. */
  notes: string[];
}

/** OpRegion size when the report does not say (docs/igd.md §5.1: 8 KiB, OPREGION_SIZE 0x2000). */
export const DEFAULT_OPREGION_SIZE = 0x2000;
const PAGE = 0x1000;

function num(h: unknown): number | null {
  if (typeof h === 'number') return h;
  if (typeof h !== 'string' || h === '') return null;
  const n = Number(h);
  return Number.isFinite(n) ? n : null;
}
/** Ends come both inclusive (bridge limits, 0x...fff) and exclusive (SeaBIOS dumps); regions start even. */
function exclusiveEnd(end: number): number {
  return end % 2 === 1 ? end + 1 : end;
}
function obj(x: unknown): Record<string, unknown> | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}
function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

export const sizeText = formatSizeApprox;
const hx = hex;

/**
 * Reserved e820 ranges every boot of a machine type has, by exact [start, end): the map names them instead of
 * showing a bare "reserved". Sources: SeaBIOS src/fw/pciinit.c mch_mmconfig_setup (q35 ECAM at QEMU's default
 * PCIEXBAR 0xb0000000, 256 MiB) and ich9_lpc_setup (RCBA 0xfed1c000, 16 KiB); src/fw/shadow.c / e820 of the
 * BIOS ROM (256 KiB below 4 GiB) and the 0xf0000 BIOS area; src/memmap.h EBDA below 640 KiB; QEMU hw/i386/pc.c
 * AMD_HT_START..AMD_HT_END.
 */
const KNOWN_RESERVED: readonly { start: number; end: number; label: string; what: string }[] = [
  { start: 0x9_fc00, end: 0xa_0000, label: 'EBDA', what: 'extended BIOS data area' },
  { start: 0xf_0000, end: 0x10_0000, label: 'BIOS', what: 'SeaBIOS in the 0xf0000 segment' },
  { start: 0xb000_0000, end: 0xc000_0000, label: 'MMCONFIG', what: 'q35 PCIe ECAM (MMCONFIG), 256 buses' },
  { start: 0xfed1_c000, end: 0xfed2_0000, label: 'ICH9 RCRB', what: 'ICH9 root complex register block (RCBA)' },
  { start: 0xfffc_0000, end: 0x1_0000_0000, label: 'BIOS ROM', what: 'the BIOS flash image below 4 GiB' },
  { start: 0xfd_0000_0000, end: 0x100_0000_0000, label: 'AMD HT hole', what: "AMD's HyperTransport range, reserved by QEMU for an AMD vCPU" },
];

export function buildMapModel(r: BootReport): MapModel {
  const regions: MapRegion[] = [];
  const notes: string[] = [];
  const add = (lane: LaneId, kind: RegionKind, start: number | null, end: number | null, label: string, detail: string): void => {
    if (start === null || end === null || end <= start) return;
    regions.push({ lane, kind, start, end, label, detail: `${detail}\n${hx(start)}–${hx(end - 1)} (${sizeText(end - start)})` });
  };

  for (const e of r.e820 ?? []) {
    const s = num(e.start);
    const en = num(e.end);
    const known = e.type === 'reserved' ? KNOWN_RESERVED.find((k) => k.start === s && k.end === en) : undefined;
    add('e820', e.type, s, en === null ? null : exclusiveEnd(en), known?.label ?? (e.type === 'ram' ? 'RAM' : e.type), known === undefined ? `e820 ${e.type}` : `e820 reserved: ${known.what}`);
  }
  const w = r.pci?.windows;
  // OVMF hands PciHostBridgeDxe fixed apertures (PlatformInitLib); SeaBIOS sizes its windows from what it found.
  const fw = r.profile?.firmware;
  const ovmf = fw?.type === 'ovmf';
  const winName = ovmf ? 'OVMF aperture' : 'window';
  if (w?.mem32) add('windows', 'window32', num(w.mem32[0]), exclusiveEnd(num(w.mem32[1]) ?? 0), ovmf ? 'OVMF 32-bit aperture' : 'PCI 32-bit', `PCI 32-bit MMIO ${winName}`);
  if (w?.mem64) add('windows', 'window64', num(w.mem64[0]), exclusiveEnd(num(w.mem64[1]) ?? 0), ovmf ? 'OVMF 64-bit aperture' : 'PCI 64-bit', `PCI 64-bit MMIO ${winName}`);

  const io: string[] = [];
  for (const d of r.pci?.devices ?? []) {
    const who = `${d.bdf} ${d.model}`;
    const br = d.bridge;
    if (br) {
      for (const [k, win] of [['bridge-mem', br.mem], ['bridge-prefmem', br.prefmem]] as const) {
        if (win) add('bridges', k, num(win.base), exclusiveEnd(num(win.limit) ?? 0), `${d.bdf} ${k === 'bridge-mem' ? 'mem' : 'pref'}`, `${who} bus ${br.secondary}..${br.subordinate} ${k === 'bridge-mem' ? 'memory' : 'prefetchable'} window`);
      }
    }
    for (const b of d.bars) {
      const name = b.bar === 6 ? 'ROM' : `BAR${b.bar}`;
      const size = num(b.size) ?? 0;
      const base = num(b.address);
      if (b.type === 'io') {
        if (base !== null) io.push(`${d.bdf} ${name} ${hx(base)}+${hx(size)}`);
        continue;
      }
      if (base === null) {
        notes.push(`unplaced: ${who} ${name} (${sizeText(size)} ${b.type})`);
        continue;
      }
      const kind: RegionKind = b.bar === 6 ? 'rom' : b.type === 'prefmem' ? 'bar-prefmem' : 'bar-mem';
      add('bars', kind, base, base + size, `${d.bdf} ${name} ${d.model}`, `${who} ${name} ${b.type}${b.is64 ? ' 64-bit' : ''}`);
    }
  }
  if (io.length > 0) notes.push(`I/O BARs (port space, not drawn): ${io.join(', ')}`);

  const igd = obj(r['igd']);
  let sub = '';
  if (igd) {
    const stolen = num(igd['stolenSize']) ?? 0;
    const gb = num(igd['guestBdsm']);
    const ga = num(igd['guestAsls']);
    const hb = num(igd['hostBdsm']);
    const opSize = num(igd['opregionSize']) ?? DEFAULT_OPREGION_SIZE;
    if (gb !== null && stolen > 0) add('igd', 'stolen', gb, gb + stolen, 'guest stolen (BDSM)', `IGD guest stolen memory, BDSM=${hx(gb)}`);
    if (ga !== null) add('igd', 'opregion', ga, ga + opSize, 'OpRegion (ASLS)', `IGD OpRegion copy, ASLS=${hx(ga)}`);
    if (hb !== null && stolen > 0 && hb !== gb) add('igd', 'host-stolen', hb, hb + stolen, 'host stolen', `host stolen memory at ${hx(hb)} (not the guest's)`);
    sub = `IGD gen ${String(igd['generation'] ?? '?')}, strategy ${String(igd['strategy'] ?? '?')}`;
    for (const h of arr(igd['hazards'])) {
      const ho = obj(h);
      notes.push(`hazard ${String(ho?.['id'] ?? '?')}: ${String(ho?.['message'] ?? '')}`);
    }
  }

  // Dirty-tracked framebuffer ranges (report.dirty from the workload, issue 5), when present.
  for (const d of arr(r['dirty']).map(obj)) {
    const range = obj(d?.['range']);
    const pages = d?.['pages'];
    add('dirty', 'dirty', num(range?.['start']), num(range?.['end']), typeof pages === 'number' ? `${pages} dirty pages` : 'tracked', 'dirty-tracked range');
  }

  const iommu = obj(r['iommu']);
  const faults = arr(iommu?.['faults']).map(obj).filter((f) => f !== undefined);
  const corruption = arr(iommu?.['corruption']).map(obj).filter((c) => c !== undefined);
  for (const g of groupFaults(faults)) {
    add('iommu', 'fault', g.start, g.end, `${g.count} fault${g.count > 1 ? 's' : ''}`, `IOMMU faults from ${g.sources} (${g.access}, reason ${g.reasons}): ${g.count}`);
  }
  for (const c of corruption) {
    const s = num(c['start']);
    const e = num(c['end']);
    add('iommu', 'corruption', s, e === null ? null : exclusiveEnd(e), 'corruption', `DMA corruption by ${String(c['source'] ?? '?')}`);
  }
  const faultCount = typeof iommu?.['faultCount'] === 'number' ? (iommu['faultCount'] as number) : faults.length;
  if (iommu) sub += `${sub ? '; ' : ''}${faultCount} IOMMU faults, ${corruption.length} corrupted ranges`;
  if (r.panic) notes.unshift(`FIRMWARE PANIC: ${r.panic}`);

  const mem = num(r.machine?.memory);
  const fwText = fw !== undefined ? `, ${fw.type === 'ovmf' ? 'OVMF' : 'SeaBIOS'} ${fw.version}` : '';
  const title = `${r.name ?? r.config} — ${r.machine?.type ?? '?'}${mem !== null ? `, ${sizeText(mem)} RAM` : ''}${fwText}`;
  return { title, subtitle: sub, regions, notes };
}

/** Faults are single addresses; runs of adjacent pages become one region so thousands stay readable. */
function groupFaults(faults: Record<string, unknown>[]): { start: number; end: number; count: number; sources: string; access: string; reasons: string }[] {
  const pts = faults
    .map((f) => ({ a: num(f['address']), f }))
    .filter((p): p is { a: number; f: Record<string, unknown> } => p.a !== null)
    .sort((x, y) => x.a - y.a);
  const out: { start: number; end: number; count: number; src: Set<string>; acc: Set<string>; rsn: Set<string> }[] = [];
  for (const { a, f } of pts) {
    const page = Math.floor(a / PAGE) * PAGE;
    let g = out[out.length - 1];
    if (g === undefined || page > g.end) {
      g = { start: page, end: page + PAGE, count: 0, src: new Set(), acc: new Set(), rsn: new Set() };
      out.push(g);
    }
    g.end = Math.max(g.end, page + PAGE);
    g.count++;
    g.src.add(String(f['source'] ?? '?'));
    g.acc.add(String(f['access'] ?? '?'));
    g.rsn.add(String(f['reason'] ?? '?'));
  }
  return out.map((g) => ({ start: g.start, end: g.end, count: g.count, sources: [...g.src].join(','), access: [...g.acc].join('/'), reasons: [...g.rsn].join(',') }));
}
