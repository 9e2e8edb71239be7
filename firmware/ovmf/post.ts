/**
 * OVMF on QEMU, from reset to the boot manager, reduced to what shapes the machine: PlatformInitLib (memory,
 * ECAM, apertures), PciBusDxe + PciHostBridgeDxe (enumeration, allocation, programming, option ROMs through one
 * temporary window), BDS enabling every function, and the UEFI memory map. A RELEASE build: it prints nothing.
 */
import type { FirmwareIo } from '../io.js';
import { bdfText } from '../seabios/printf.js';
import { PciConfig } from '../seabios/pci-config.js';
import type { FirmwareResult, Placement, PostOptions } from '../types.js';
import { makeDxeContext, PageAllocator } from './context.js';
import { scanBus, type EnumerationContext, type OvmfDevice } from './enumerate.js';
import { linuxE820, uefiMemoryMap, type UefiRange } from './memmap.js';
import { platformInit, type OvmfPlatform } from './platform.js';
import { bridgeNodes, createResourceMap, insertNode, programResource, type Programmed, type ResNode } from './resources.js';
import type { OvmfRelease } from './versions.js';

/** What OVMF decided beyond the common FirmwareResult. */
export interface OvmfDetails {
  readonly apertures: { io: [number, number]; mem32: [number, number]; mem64: [number, number] | null };
  readonly uefiMap: UefiRange[];
  readonly physBits: number;
  /** Things worth telling the user that a RELEASE OVMF does silently (e.g. no IgdAssignmentDxe in the romfile). */
  readonly notes: string[];
}

/** The lowest RAM DXE drivers allocate from: above SEC/PEI's work areas and the DXE core's first pools. */
const DXE_FREE_BOTTOM = 0x180_0000;
const INTEL = 0x8086;
const IGD_DRIVER = 'IgdAssignmentDxe';
/** VfioIgdPkg's GOP: IntelGopDriver (with PlatformGopPolicy) in the same romfile, a UEFI driver BDS connects. */
const GOP_DRIVER = 'IntelGopDriver';

/** An Intel display function as IgdAssignmentDxe's PciIoNotify checks it (VGA 0x0300 prog-if 0, or 0x0380). */
function isIntelDisplay(cfg: PciConfig, d: OvmfDevice): boolean {
  if (d.vendor !== INTEL) return false;
  return (d.classCode === 0x0300 && cfg.read8(d.bdf, 0x09) === 0) || d.classCode === 0x0380;
}

/** GetMaxOptionRomSize: the largest ROM of any device (bridges included). */
function maxRom(devs: readonly OvmfDevice[]): number {
  let m = 0;
  for (const d of devs) m = Math.max(m, d.romSize, maxRom(d.children));
  return m;
}

/**
 * ProcessOptionRom / LoadOpRomImage / RomDecode (PciOptionRomSupport.c): each ROM in turn through the one window,
 * upstream bridges opened onto it (ProgramUpstreamBridgeForRom), then the ROM BAR disabled again (0xFFFFFFFE).
 */
function readOptionRoms(cfg: PciConfig, devs: readonly OvmfDevice[], romBase: number): void {
  for (const d of devs) {
    if (d.romSize > 0) {
      const off = d.isBridge ? 0x38 : 0x30;
      cfg.write32(d.bdf, off, (romBase | 1) >>> 0);
      const ups: OvmfDevice[] = [];
      for (let p = d.parent; p !== null; p = p.parent) ups.unshift(p);
      const saved = ups.map((b) => [cfg.read16(b.bdf, 0x20), cfg.read16(b.bdf, 0x22)] as const);
      for (const b of ups) {
        cfg.write16(b.bdf, 0x20, (romBase >>> 16) & 0xffff);
        cfg.write16(b.bdf, 0x22, ((romBase + d.romSize - 1) >>> 16) & 0xffff);
        cfg.write16(b.bdf, 0x04, 0x2);
      }
      cfg.write16(d.bdf, 0x04, 0x2);
      cfg.write16(d.bdf, 0x04, 0x0);
      ups.forEach((b, i) => {
        cfg.write16(b.bdf, 0x20, saved[i]![0]);
        cfg.write16(b.bdf, 0x22, saved[i]![1]);
        cfg.write16(b.bdf, 0x04, 0x0);
      });
      cfg.write32(d.bdf, off, 0xffff_fffe);
    }
    readOptionRoms(cfg, d.children, romBase);
  }
}

function placementType(kind: string): Placement['type'] {
  return kind === 'io' ? 'io' : kind.startsWith('p') ? 'prefmem' : 'mem';
}

export interface OvmfPostResult extends FirmwareResult {
  readonly ovmf: OvmfDetails;
}

/** Runs OVMF `release` on the machine behind `io`. */
export function ovmfPost(release: OvmfRelease, io: FirmwareIo, options: PostOptions = {}): OvmfPostResult {
  const cfg = new PciConfig(io);
  const p: OvmfPlatform = platformInit(io, cfg, release);
  const mmio64Size = p.mmio64 === null ? 0 : p.mmio64.end - p.mmio64.base;

  // PciBusDxe: the root bridge's buses, depth-first.
  const ctx: EnumerationContext = { cfg, release, mmio64Size, counter: 0, all: [] };
  const roots: OvmfDevice[] = [];
  scanBus(ctx, 0, null, roots);

  // PciHostBridgeResourceAllocator: the ROM window first, then the device tree.
  const n = bridgeNodes(null);
  const romSize = maxRom(roots);
  if (romSize > 0) insertNode(n.mem32, { dev: null, bar: 'rom', window: 'mem32', resType: 'mem32', length: romSize, alignment: romSize - 1, padding: false, children: [], offset: 0 });
  createResourceMap(roots, null, { combine: true, mem64: p.mmio64 !== null, pmem64: p.mmio64 !== null, pmem32: true }, n);

  // PciHostBridgeDxe: each root node bottom-up from its aperture's base, aligned (PciHostBridge.c AllocateResource).
  const programmed: Programmed[] = [];
  const rom = { base: 0 };
  const notes: string[] = [];
  const place = (root: ResNode, ap: { base: number; end: number } | null, what: string): void => {
    if (ap === null || root.children.length === 0) return;
    const base = Math.ceil(ap.base / (root.alignment + 1)) * (root.alignment + 1);
    // PciHostBridgeAdjustAllocation (dropping the largest request and retrying) is not modelled: say so instead.
    if (base + root.length > ap.end) notes.push(`PCI: the ${what} resources (0x${root.length.toString(16)} bytes) overflow OVMF's aperture [0x${ap.base.toString(16)}, 0x${ap.end.toString(16)}): real OVMF would drop devices`);
    programResource(cfg, base, root, programmed, rom);
  };
  place(n.io, p.io, 'IO');
  place(n.mem32, p.mmio32, '32-bit MMIO');
  place(n.pmem32, p.mmio32, '32-bit prefetchable');
  place(n.mem64, p.mmio64, '64-bit MMIO');
  place(n.pmem64, p.mmio64, '64-bit prefetchable');

  // Option ROMs are read (and their EFI drivers dispatched); Debian's OVMF has no CSM, so legacy ROM code (a vBIOS)
  // never runs. The one ROM program that does run is an EFI GOP driver (IntelGopDriver), at BDS below.

  if (romSize > 0) readOptionRoms(cfg, roots, rom.base);

  // IgdAssignmentDxe, when an option ROM carries it: its PciIoNotify visits every PciIo (every function), and the
  // OpRegion/stolen-memory setup runs for Intel display functions (VfioIgdPkg IgdAssignment.c).
  const pages = new PageAllocator(DXE_FREE_BOTTOM, p.lowMemory - release.dxeFreeTopBelowTolm);
  const dxe = makeDxeContext(io, cfg, p, ctx.all, pages);
  const displays = ctx.all.filter((d) => isIntelDisplay(cfg, d));
  const carrier = ctx.all.find((d) => d.romSize > 0 && (options.optionRomDrivers?.(d.bdf) ?? []).includes(IGD_DRIVER));
  if (carrier !== undefined && options.igdSetup !== undefined) {
    for (const d of displays) options.igdSetup(dxe.ctx, d.bdf);
  } else if (displays.length > 0) {
    notes.push(`no ${IGD_DRIVER} in romfile: nothing allocates stolen memory`);
  }

  // BDS connects every device; each ends with IO, memory and bus-master decoding (observed 0x0007 everywhere).
  for (const d of ctx.all) cfg.write16(d.bdf, 0x04, 0x7);

  // BDS ConnectController starts the GOP of an Intel display whose romfile carries IntelGopDriver (VfioIgdPkg): it
  // runs after IgdAssignmentDxe (whose PciIo notify ran at enumeration) and reads the BDSM/OpRegion it set up. The
  // pre-OS program it runs is the VMM's choice (PostOptions.runOptionRom, vmm/passthrough/igd/pre-os.ts).
  if (options.runOptionRom !== undefined) {
    for (const d of displays) {
      if (d.romSize > 0 && (options.optionRomDrivers?.(d.bdf) ?? []).includes(GOP_DRIVER)) options.runOptionRom(dxe.ctx, d.bdf, rom.base, d.romSize);
    }
  }

  const placements: Placement[] = [];
  for (const x of programmed) {
    if (typeof x.bar !== 'number') continue;
    const kind = x.dev.bars.find((b) => b.index === x.bar)!.kind;
    placements.push({ bdf: bdfText(x.dev.bdf), bar: x.bar, type: placementType(kind), address: x.address, size: x.length });
  }
  const uefiMap = uefiMemoryMap(p, { version: release.version, reservedAbove4g: release.reservedAbove4gInMap }, dxe.allocations);
  const apertures: OvmfDetails['apertures'] = {
    io: [p.io.base, p.io.end - 1],
    mem32: [p.mmio32.base, p.mmio32.end - 1],
    mem64: p.mmio64 === null ? null : [p.mmio64.base, p.mmio64.end - 1],
  };
  return {
    log: dxe.log.join(''),
    panic: null,
    e820: linuxE820(uefiMap),
    placements,
    windows: { io: apertures.io, mem32: [p.mmio32.base, p.mmio32.end], mem64: apertures.mem64 },
    ovmf: { apertures, uefiMap, physBits: p.physBits, notes },
  };
}
