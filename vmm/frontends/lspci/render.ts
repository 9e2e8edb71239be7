/**
 * The guest's PCI functions as `lspci -nnv` prints them (pciutils lspci.c show_device/show_verbose/show_bases,
 * ls-caps.c show_caps), read from each function's config space after the boot, so users can diff it against
 * what their guest prints. "Kernel driver in use" lines and IRQ routing the guest OS chooses are not shown.
 */
import type { PciFunction } from '../../../devices/pci/function.js';
import { CLASSES, DEVICES, PROG_IFS, SUBSYSTEMS, VENDORS } from './names.js';
import { hex } from '../../core/format.js';

const h2 = (n: number): string => n.toString(16).padStart(2, '0');
const h4 = (n: number): string => n.toString(16).padStart(4, '0');

/** pciutils show_size: the largest of K/M/G/T that divides the size. */
export function lspciSize(x: number): string {
  const suffix = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (i < suffix.length - 1 && x % 1024 === 0) {
    x /= 1024;
    i++;
  }
  return `[size=${x}${suffix[i]}]`;
}

function vendorName(v: number): string | undefined {
  return VENDORS[v];
}

/** "Vendor Device [vvvv:dddd]" as lspci -nn names an ID pair. */
function idText(vendor: number, device: number, names: ReadonlyMap<number, string>): string {
  const v = vendorName(vendor);
  const d = names.get(vendor * 0x10000 + device);
  const ids = `[${h4(vendor)}:${h4(device)}]`;
  if (v === undefined) return `Device ${ids}`;
  return `${v} ${d ?? 'Device'} ${ids}`;
}

type Cfg = Pick<PciFunction, 'configRead'>;
const r8 = (f: Cfg, o: number): number => f.configRead(o, 1);
const r16 = (f: Cfg, o: number): number => f.configRead(o, 2);
const r32 = (f: Cfg, o: number): number => f.configRead(o, 4) >>> 0;

/** Capability list (ls-caps.c): the names lspci -v prints. */
function capabilities(fn: PciFunction): string[] {
  const out: string[] = [];
  if ((r16(fn, 0x06) & 0x10) === 0) return out;
  const vendor = r16(fn, 0);
  let off = r8(fn, 0x34) & ~3;
  const seen = new Set<number>();
  while (off >= 0x40 && !seen.has(off)) {
    seen.add(off);
    const id = r8(fn, off);
    out.push(`Capabilities: [${h2(off)}] ${capName(fn, id, off, vendor)}`);
    off = r8(fn, off + 1) & ~3;
  }
  if (fn.cfg.length > 0x100 && r32(fn, 0x100) !== 0 && r32(fn, 0x100) !== 0xffffffff) {
    let x = 0x100;
    const seenX = new Set<number>();
    while (x >= 0x100 && !seenX.has(x)) {
      seenX.add(x);
      const hdr = r32(fn, x);
      out.push(`Capabilities: [${x.toString(16)}] ${EXT_CAPS[hdr & 0xffff] ?? `Extended Capability ID ${hex(hdr & 0xffff)}`}`);
      x = hdr >>> 20;
    }
  }
  return out;
}


const EXT_CAPS: Readonly<Record<number, string>> = {
  0x0001: 'Advanced Error Reporting', 0x0003: 'Device Serial Number', 0x000b: 'Vendor Specific Information', 0x000d: 'Access Control Services',
  0x000e: 'Alternative Routing-ID Interpretation (ARI)', 0x000f: 'Address Translation Service (ATS)', 0x0010: 'Single Root I/O Virtualization (SR-IOV)',
  0x001b: 'Process Address Space ID (PASID)', 0x0013: 'Page Request Interface (PRI)',
};

/** PCIe port types (PCI_EXP_FLAGS_TYPE) as ls-caps.c cap_express names them. */
const EXP_TYPES: Readonly<Record<number, string>> = {
  0: 'Endpoint', 1: 'Legacy Endpoint', 4: 'Root Port', 5: 'Upstream Port', 6: 'Downstream Port', 7: 'PCI-Express to PCI/PCI-X Bridge',
  8: 'PCI/PCI-X to PCI-Express Bridge', 9: 'Root Complex Integrated Endpoint', 10: 'Root Complex Event Collector',
};

/** virtio_pci_cap cfg_type (virtio 1.x §4.1.4) → pciutils' names. */
const VIRTIO_CAPS: Readonly<Record<number, string>> = { 1: 'CommonCfg', 2: 'Notify', 3: 'ISR', 4: 'DeviceCfg', 5: '<unknown>' };

function capName(fn: PciFunction, id: number, off: number, vendor: number): string {
  const pm = (b: boolean): string => (b ? '+' : '-');
  switch (id) {
    case 0x01:
      return `Power Management version ${r16(fn, off + 2) & 7}`;
    case 0x04:
      return `Slot ID: ${r8(fn, off + 2) & 0x1f} slots, First${pm((r8(fn, off + 2) & 0x20) !== 0)}, chassis ${h2(r8(fn, off + 3))}`;
    case 0x05: {
      const ctl = r16(fn, off + 2);
      return `MSI: Enable${pm((ctl & 1) !== 0)} Count=${1 << ((ctl >> 4) & 7)}/${1 << ((ctl >> 1) & 7)} Maskable${pm((ctl & 0x100) !== 0)} 64bit${pm((ctl & 0x80) !== 0)}`;
    }
    case 0x09:
      if (vendor === 0x1af4) return `Vendor Specific Information: VirtIO: ${VIRTIO_CAPS[r8(fn, off + 3)] ?? '<unknown>'}`;
      return `Vendor Specific Information: Len=${h2(r8(fn, off + 2))} <?>`;
    case 0x0c:
      return 'Hot-plug capable';
    case 0x0d:
      return `Subsystem: ${idText(r16(fn, off + 4), r16(fn, off + 6), DEVICES)}`;
    case 0x10: {
      const flags = r16(fn, off + 2);
      const type = (flags >> 4) & 0xf;
      const slot = type === 4 || type === 6 ? ` (Slot${pm((flags & 0x100) !== 0)})` : '';
      // ls-caps.c cap_express prints the version "(vN)" only at -vv
      return `Express ${EXP_TYPES[type] ?? 'Unknown type'}${slot}, MSI ${h2((flags >> 9) & 0x1f)}`;
    }
    case 0x11: {
      const ctl = r16(fn, off + 2);
      return `MSI-X: Enable${pm((ctl & 0x8000) !== 0)} Count=${(ctl & 0x7ff) + 1} Masked${pm((ctl & 0x4000) !== 0)}`;
    }
    default:
      return `#${h2(id)} [${h4(r16(fn, off + 2))}]`;
  }
}

/** The BAR lines (lspci show_bases), from the registers and the sizes the function decodes. */
function bars(fn: PciFunction, count: number): string[] {
  const out: string[] = [];
  const cmd = r16(fn, 0x04);
  for (let i = 0; i < count; i++) {
    const spec = fn.bars[i];
    if (spec === undefined) continue;
    const lo = r32(fn, 0x10 + 4 * i);
    if (spec.space === 'io') {
      const a = lo & ~3;
      out.push(`I/O ports at ${a === 0 ? '<unassigned>' : h4(a)}${(cmd & 1) === 0 ? ' [disabled]' : ''} ${lspciSize(spec.size)}`);
      continue;
    }
    const is64 = (lo & 6) === 4;
    const hi = is64 ? r32(fn, 0x14 + 4 * i) : 0;
    const a = hi * 0x1_0000_0000 + ((lo & ~0xf) >>> 0);
    const where = a === 0 ? '<unassigned>' : a.toString(16).padStart(8, '0');
    out.push(`Memory at ${where} (${is64 ? '64-bit' : '32-bit'}, ${(lo & 8) !== 0 ? 'prefetchable' : 'non-prefetchable'})${(cmd & 2) === 0 ? ' [disabled]' : ''} ${lspciSize(spec.size)}`);
    if (is64) i++;
  }
  return out;
}

function rom(fn: PciFunction): string[] {
  if (fn.romSize === 0) return [];
  const v = r32(fn, fn.romOffset);
  const a = (v & ~0x7ff) >>> 0;
  // lspci.c show_rom: the enable bit first, then the command register's memory decode
  const state = (v & 1) === 0 ? ' [disabled]' : (r16(fn, 0x04) & 2) === 0 ? ' [disabled by cmd]' : '';
  return [`Expansion ROM at ${a === 0 ? '<unassigned>' : a.toString(16).padStart(8, '0')}${state} ${lspciSize(fn.romSize)}`];
}

/** Type 1 header: bus numbers and the three windows (lspci show_htype1, pciutils 3.8+ wording). */
function bridgeLines(fn: PciFunction): string[] {
  const out = [`Bus: primary=${h2(r8(fn, 0x18))}, secondary=${h2(r8(fn, 0x19))}, subordinate=${h2(r8(fn, 0x1a))}, sec-latency=${r8(fn, 0x1b)}`];
  const ioB = r8(fn, 0x1c);
  const ioL = r8(fn, 0x1d);
  const io32 = (ioB & 0xf) === 1;
  const ioBase = ((ioB & 0xf0) << 8) + (io32 ? r16(fn, 0x30) * 0x10000 : 0);
  const ioLimit = ((ioL & 0xf0) << 8) + 0xfff + (io32 ? r16(fn, 0x32) * 0x10000 : 0);
  out.push(ioBase <= ioLimit ? `I/O behind bridge: ${h4(ioBase)}-${h4(ioLimit)} ${lspciSize(ioLimit - ioBase + 1)} [${io32 ? '32' : '16'}-bit]` : `I/O behind bridge: [disabled] [${io32 ? '32' : '16'}-bit]`);
  const memB = (r16(fn, 0x20) & 0xfff0) * 0x10000;
  const memL = (r16(fn, 0x22) & 0xfff0) * 0x10000 + 0xfffff;
  out.push(memB <= memL ? `Memory behind bridge: ${memB.toString(16).padStart(8, '0')}-${memL.toString(16).padStart(8, '0')} ${lspciSize(memL - memB + 1)} [32-bit]` : 'Memory behind bridge: [disabled] [32-bit]');
  const pB = r16(fn, 0x24);
  const pL = r16(fn, 0x26);
  const p64 = (pB & 0xf) === 1;
  const pBase = (pB & 0xfff0) * 0x10000 + (p64 ? r32(fn, 0x28) * 0x1_0000_0000 : 0);
  const pLimit = (pL & 0xfff0) * 0x10000 + 0xfffff + (p64 ? r32(fn, 0x2c) * 0x1_0000_0000 : 0);
  const w = p64 ? 16 : 8;
  out.push(pBase <= pLimit
    ? `Prefetchable memory behind bridge: ${pBase.toString(16).padStart(w, '0')}-${pLimit.toString(16).padStart(w, '0')} ${lspciSize(pLimit - pBase + 1)} [${p64 ? '64' : '32'}-bit]`
    : `Prefetchable memory behind bridge: [disabled] [${p64 ? '64' : '32'}-bit]`);
  return out;
}

/** One function as `lspci -nnv` prints it. */
export function lspciFunction(fn: PciFunction): string {
  const vendor = r16(fn, 0);
  const device = r16(fn, 2);
  const rev = r8(fn, 8);
  const progIf = r8(fn, 9);
  const cls = r16(fn, 0x0a);
  const headerType = r8(fn, 0x0e) & 0x7f;
  const clsName = CLASSES[cls] ?? `Class ${h4(cls)}`;
  let head = `${fn.bdf} ${clsName} [${h4(cls)}]: ${idText(vendor, device, DEVICES)}`;
  if (rev !== 0) head += ` (rev ${h2(rev)})`;
  const pi = PROG_IFS[cls * 0x100 + progIf];
  if (progIf !== 0 || pi !== undefined) head += ` (prog-if ${h2(progIf)}${pi !== undefined ? ` [${pi}]` : ''})`;
  const lines = [head];
  if (headerType === 0) {
    const sv = r16(fn, 0x2c);
    const sd = r16(fn, 0x2e);
    if (sv !== 0 || sd !== 0) lines.push(`\tSubsystem: ${idText(sv, sd, SUBSYSTEMS)}`);
  }
  const cmd = r16(fn, 0x04);
  const status = r16(fn, 0x06);
  const flags: string[] = [];
  // lspci.c show_verbose: bus master, 66MHz, devsel timing, latency (bus masters only), IRQ
  if ((cmd & 4) !== 0) flags.push('bus master');
  if ((status & 0x20) !== 0) flags.push('66MHz');
  flags.push(['fast devsel', 'medium devsel', 'slow devsel', '??'][(status >> 9) & 3]!);
  if ((cmd & 4) !== 0) flags.push(`latency ${r8(fn, 0x0d)}`);
  const pin = r8(fn, 0x3d);
  const line = r8(fn, 0x3c);
  if (pin !== 0 && line !== 0 && line !== 0xff) flags.push(`IRQ ${line}`);
  lines.push(`\tFlags: ${flags.join(', ')}`);
  for (const b of bars(fn, headerType === 1 ? 2 : 6)) lines.push(`\t${b}`);
  if (headerType === 1) for (const b of bridgeLines(fn)) lines.push(`\t${b}`);
  for (const r of rom(fn)) lines.push(`\t${r}`);
  for (const c of capabilities(fn)) lines.push(`\t${c}`);
  return lines.join('\n') + '\n';
}

/** Every function in bus/device/function order, separated by blank lines as lspci -v does. */
export function renderLspci(functions: readonly PciFunction[]): string {
  const key = (f: PciFunction): number => parseInt(f.bdf.replace(/[:.]/g, ''), 16);
  return [...functions].sort((a, b) => key(a) - key(b)).map(lspciFunction).join('\n');
}
