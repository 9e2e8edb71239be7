/**
 * The FirmwareContext OVMF gives a DXE driver loaded from an option ROM (VfioIgdPkg's IgdAssignmentDxe): config
 * space through PciIo, fw_cfg through QemuFwCfgLib, and the UEFI page allocator as AllocatePages(AllocateMaxAddress,
 * 4 GiB − 1) sees it — the highest free pages below 4 GiB. Allocations become typed UEFI descriptors.
 */
import type { FirmwareContext } from '../igd-hook.js';
import type { FirmwareIo } from '../io.js';
import type { PciConfig } from '../seabios/pci-config.js';
import type { E820Type, FwPciDevice } from '../types.js';
import type { OvmfDevice } from './enumerate.js';
import type { UefiRange, UefiType } from './memmap.js';
import type { OvmfPlatform } from './platform.js';
import { configAccessors } from '../seabios/pci-config.js';

const PAGE = 0x1000;

/** Free RAM below 4 GiB as [start, end) ranges, allocated top-down (CoreAllocatePages with AllocateMaxAddress). */
export class PageAllocator {
  private free: [number, number][];

  constructor(start: number, end: number) {
    this.free = [[start, end]];
  }

  /** gBS->AllocatePages(AllocateMaxAddress, 4 GiB − 1): the highest `pages` free pages, or 0. */
  allocate(pages: number): number {
    const bytes = pages * PAGE;
    for (let i = this.free.length - 1; i >= 0; i--) {
      const [lo, hi] = this.free[i]!;
      if (hi - lo < bytes) continue;
      this.free[i] = [lo, hi - bytes];
      return hi - bytes;
    }
    return 0;
  }

  freePages(addr: number, pages: number): void {
    this.free.push([addr, addr + pages * PAGE]);
    this.free.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const r of this.free) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last[1] >= r[0]) last[1] = Math.max(last[1], r[1]);
      else if (r[1] > r[0]) merged.push([r[0], r[1]]);
    }
    this.free = merged;
  }

  /**
   * VfioIgdPkg Allocate32BitAlignedPagesWithType: pages + (alignment − 1) pages, aligned up inside, the bottom and
   * top padding freed again.
   */
  allocateAligned(bytes: number, align: number): number {
    const pages = Math.ceil(bytes / PAGE);
    const alignPages = Math.max(1, align / PAGE);
    const base = this.allocate(pages + alignPages - 1);
    if (base === 0) return 0;
    const aligned = Math.ceil(base / (alignPages * PAGE)) * alignPages * PAGE;
    const bottom = (aligned - base) / PAGE;
    const top = alignPages - 1 - bottom;
    if (bottom > 0) this.freePages(base, bottom);
    if (top > 0) this.freePages(aligned + pages * PAGE, top);
    return aligned;
  }
}

const UEFI_OF: Readonly<Record<E820Type, UefiType>> = { ram: 'Conventional', reserved: 'Reserved', acpi: 'ACPIReclaimMemory', nvs: 'ACPIMemoryNVS' };

function fwDevice(d: OvmfDevice, cfg: PciConfig): FwPciDevice {
  const rev = cfg.read32(d.bdf, 0x08);
  return {
    bdf: d.bdf, vendor: d.vendor, device: d.device, classCode: d.classCode, progIf: (rev >>> 8) & 0xff, revision: rev & 0xff,
    headerType: cfg.read8(d.bdf, 0x0e), secondaryBus: d.secondary, parent: null, rootbus: 0,
  };
}

export interface DxeContext {
  readonly ctx: FirmwareContext;
  /** Typed ranges the driver allocated (for the UEFI map). */
  readonly allocations: UefiRange[];
  readonly log: string[];
}

export function makeDxeContext(io: FirmwareIo, cfg: PciConfig, p: OvmfPlatform, devices: readonly OvmfDevice[], pages: PageAllocator): DxeContext {
  const allocations: UefiRange[] = [];
  const log: string[] = [];
  const list = devices.map((d) => fwDevice(d, cfg));
  const ramOver4g = Math.max(0, p.highMemoryEnd - 0x1_0000_0000);
  const ctx: FirmwareContext = {
    io,
    platform: p.q35 ? 'q35' : 'i440fx',
    ...configAccessors(cfg),
    devices: list,
    fwcfgFile: (name) => p.fwcfg.file(name),
    fwcfgFileSize: (name) => p.fwcfg.size(name),
    fwcfgReadInto: (name, addr) => p.fwcfg.readInto(name, addr),
    fwcfgLoadInt: (name, def) => p.fwcfg.loadInt(name, def),
    // A UEFI driver has one allocator: every SeaBIOS zone maps onto AllocatePages below 4 GiB.
    memalignHigh: (align, size) => pages.allocateAligned(size, align),
    memalignTmpHigh: (align, size) => pages.allocateAligned(size, align),
    memalignLow: () => 0,
    e820Add: (start, size, type) => {
      allocations.push({ start, end: start + size - 1, type: UEFI_OF[type] });
    },
    ramSize: p.lowMemory,
    ramSizeOver4G: ramOver4g,
    lowerRamSize: () => false,
    log: (text) => log.push(text),
  };
  return { ctx, allocations, log };
}
