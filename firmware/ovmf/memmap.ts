/**
 * The UEFI memory map OVMF hands an OS loader, reduced to its firmware-owned ranges, and the e820 a Linux guest
 * derives from it (drivers/firmware/efi/libstub/x86-stub.c setup_e820: boot-services, loader and conventional
 * memory → RAM; runtime code/data, reserved and MMIO → reserved; ACPI reclaim → ACPI; ACPI NVS → NVS; neighbours
 * of one type merged). The firmware-owned ranges sit at fixed offsets below the top of low RAM (PEI's permanent
 * memory, the ACPI tables, the variable store's runtime buffers) and at fixed low addresses (SEC/PEI work areas of
 * OvmfPkg/OvmfPkgX64.fdf: the page tables, GHCB, the work area): per release, as recorded on every memory size.
 */
import type { E820Range, E820Type } from '../types.js';
import { FOUR_GIB, type OvmfPlatform } from './platform.js';
import type { OvmfVersion } from './versions.js';

export type UefiType = 'Conventional' | 'RuntimeCode' | 'RuntimeData' | 'Reserved' | 'ACPIReclaimMemory' | 'ACPIMemoryNVS' | 'MemoryMappedIO';

export interface UefiRange {
  start: number;
  end: number; // inclusive
  type: UefiType;
}

interface Fixed {
  /** 'low': absolute; 'top': `start`/`end` count down from the top of low RAM (inclusive range [top − start, top − end − 1]). */
  readonly at: 'low' | 'top';
  readonly start: number;
  readonly end: number;
  readonly type: UefiType;
}

/** The firmware-owned ranges inside RAM, per release (recorded: identical for 512M…6G, pc and q35). */
const FIXED: Readonly<Record<OvmfVersion, readonly Fixed[]>> = {
  '2022.11': [
    { at: 'low', start: 0x806000, end: 0x807fff, type: 'ACPIMemoryNVS' },
    { at: 'low', start: 0x810000, end: 0x8fffff, type: 'ACPIMemoryNVS' },
    { at: 'top', start: 0x1560000, end: 0x145e000, type: 'RuntimeData' },
    { at: 'top', start: 0xb14000, end: 0xa14000, type: 'RuntimeData' },
    { at: 'top', start: 0xa14000, end: 0x914000, type: 'RuntimeCode' },
    { at: 'top', start: 0x914000, end: 0x894000, type: 'Reserved' },
    { at: 'top', start: 0x894000, end: 0x882000, type: 'ACPIReclaimMemory' },
    { at: 'top', start: 0x882000, end: 0x802000, type: 'ACPIMemoryNVS' },
    { at: 'top', start: 0x10c000, end: 0x88000, type: 'RuntimeData' },
    { at: 'top', start: 0x88000, end: 0x0, type: 'ACPIMemoryNVS' },
  ],
  '2025.02': [
    { at: 'low', start: 0x800000, end: 0x807fff, type: 'ACPIMemoryNVS' },
    { at: 'low', start: 0x80b000, end: 0x80bfff, type: 'ACPIMemoryNVS' },
    { at: 'low', start: 0x811000, end: 0x8fffff, type: 'ACPIMemoryNVS' },
    { at: 'top', start: 0x16c1000, end: 0x1600000, type: 'RuntimeData' },
    { at: 'top', start: 0xb13000, end: 0xa13000, type: 'RuntimeData' },
    { at: 'top', start: 0xa13000, end: 0x913000, type: 'RuntimeCode' },
    { at: 'top', start: 0x913000, end: 0x893000, type: 'Reserved' },
    { at: 'top', start: 0x893000, end: 0x881000, type: 'ACPIReclaimMemory' },
    { at: 'top', start: 0x881000, end: 0x801000, type: 'ACPIMemoryNVS' },
    { at: 'top', start: 0x13e000, end: 0x13a000, type: 'Reserved' },
    { at: 'top', start: 0x13a000, end: 0x138000, type: 'ACPIMemoryNVS' },
    { at: 'top', start: 0x10c000, end: 0x88000, type: 'RuntimeData' },
    { at: 'top', start: 0x88000, end: 0x0, type: 'ACPIMemoryNVS' },
  ],
};

/** The pflash (OVMF_CODE_4M + OVMF_VARS_4M) below 4 GiB, EFI_MEMORY_RUNTIME MMIO. */
const FLASH_START = 0xffc0_0000;
const E820_RESERVED = 2;

export interface MemoryMapOptions {
  readonly version: OvmfVersion;
  /**
   * Whether QEMU's reserved e820 entries above 4 GiB (the AMD HyperTransport hole) reach the UEFI map: 2025.02's
   * PlatformInitLib turns them into reserved memory HOBs (PlatformAddHobCB), 2022.11's ignores them.
   */
  readonly reservedAbove4g: boolean;
}

/** Extra allocations (e.g. IgdAssignmentDxe's OpRegion and DSM) carve typed ranges out of RAM. */
export function uefiMemoryMap(p: OvmfPlatform, opts: MemoryMapOptions, extra: readonly UefiRange[] = []): UefiRange[] {
  const top = p.lowMemory;
  const out: UefiRange[] = [];
  for (const e of p.e820) {
    if (e.type === 1) out.push({ start: e.start, end: e.start + e.length - 1, type: 'Conventional' });
    else if (e.type === E820_RESERVED && e.start >= FOUR_GIB && opts.reservedAbove4g) out.push({ start: e.start, end: e.start + e.length - 1, type: 'Reserved' });
  }
  // Legacy VGA / BIOS area 0xA0000–0xFFFFF is not in the map (PlatformAddIoMemoryRangeHob).
  carve(out, 0xa_0000, 0xf_ffff, null);
  const fixed = FIXED[opts.version].map((f): UefiRange => (f.at === 'low' ? { start: f.start, end: f.end, type: f.type } : { start: top - f.start, end: top - f.end - 1, type: f.type }));
  for (const r of [...fixed, ...extra]) carve(out, r.start, r.end, r.type);
  if (p.ecamBase !== null) out.push({ start: p.ecamBase, end: p.ecamBase + 0x1000_0000 - 1, type: 'Reserved' });
  out.push({ start: FLASH_START, end: FOUR_GIB - 1, type: 'MemoryMappedIO' });
  return out.sort((a, b) => a.start - b.start);
}

/** Replaces [start, end] of the ranges in `out` by one range of `type` (or a hole). */
function carve(out: UefiRange[], start: number, end: number, type: UefiType | null): void {
  const next: UefiRange[] = [];
  for (const r of out) {
    if (r.end < start || r.start > end) {
      next.push(r);
      continue;
    }
    if (r.start < start) next.push({ start: r.start, end: start - 1, type: r.type });
    if (r.end > end) next.push({ start: end + 1, end: r.end, type: r.type });
  }
  if (type !== null) next.push({ start, end, type });
  out.length = 0;
  out.push(...next.sort((a, b) => a.start - b.start));
}

const E820_OF: Readonly<Record<UefiType, E820Type>> = {
  Conventional: 'ram',
  RuntimeCode: 'reserved',
  RuntimeData: 'reserved',
  Reserved: 'reserved',
  MemoryMappedIO: 'reserved',
  ACPIReclaimMemory: 'acpi',
  ACPIMemoryNVS: 'nvs',
};

/** setup_e820 (Linux x86-stub.c): the UEFI map as e820, adjacent entries of one type merged (`end` exclusive, as SeaBIOS's). */
export function linuxE820(map: readonly UefiRange[]): E820Range[] {
  const out: E820Range[] = [];
  for (const r of [...map].sort((a, b) => a.start - b.start)) {
    const type = E820_OF[r.type];
    const last = out[out.length - 1];
    if (last !== undefined && last.type === type && last.end === r.start) last.end = r.end + 1;
    else out.push({ start: r.start, end: r.end + 1, type });
  }
  return out;
}
