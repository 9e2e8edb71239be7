import { IGD_ASLS, IGD_GMCH, MiB } from '../../devices/igd/tables.js';
import type { FirmwareContext } from '../igd-hook.js';
import { BDSM_ALIGN, bdfText, FW_OPREGION, IGD_BDF, PAGE_SIZE, writeBdsm } from './common.js';
import { vfioIgdPrivate, vfioIgdStolenSize } from './vfioigdpkg-table.js';
import type { IgdStrategy } from './types.js';

const pagesOf = (bytes: number): number => Math.ceil(bytes / PAGE_SIZE);

/**
 * OVMF + VfioIgdPkg's IgdAssignmentDxe (docs/igd.md §6.2; tomitamoeko/VfioIgdPkg IgdAssignment.c, its DEBUG lines): requires
 * etc/igd-opregion and a device ID in its table (vfioigdpkg-table.ts); the OpRegion in ACPI NVS pages below 4 GiB
 * (tail of the last page zeroed), ASLS written; for 00:02.0 (not Meteor Lake or later, which get the OpRegion only)
 * stolen memory sized from the device's GMCH (not etc/igd-bdsm-size), 1 MiB
 * aligned, EfiReservedMemoryType below 4 GiB, BDSM written 32-bit at 0x5C or 64-bit at 0xC0 on gen 11+.
 * Allocation is Allocate32BitAlignedPagesWithType: AllocatePages(AllocateMaxAddress, 4 GiB − 1) of size +
 * alignment − 1 pages, aligned inside, padding freed (firmware/ovmf/context.ts gives memalign* that meaning).
 * It runs only under OVMF, when the IGD's romfile carries the driver (vmm/core/boot/firmware.ts).
 */
export function vfioIgdPkgSetup(ctx: FirmwareContext, bdf: number): void {
  const opSize = ctx.fwcfgFileSize(FW_OPREGION);
  if (opSize === undefined) return; // EFI_UNSUPPORTED: no IGD assigned
  if (opSize === 0) {
    ctx.log(`IgdAssignmentEntry: ${FW_OPREGION}: zero size\n`);
    return;
  }
  // GetPciName: "%04x:%02x:%02x.%x" (segment 0).
  const name = `0000:${bdfText(bdf)}`;
  const priv = vfioIgdPrivate(ctx.configRead16(bdf, 0x02));
  if (priv === undefined) {
    ctx.log('PciIoNotify: GetIgdPrivateData: Unsupported\n');
    return;
  }
  const opBytes = pagesOf(opSize) * PAGE_SIZE;
  const op = ctx.memalignTmpHigh(PAGE_SIZE, opBytes);
  // AllocatePages(AllocateMaxAddress) finds no free range: EFI_NOT_FOUND, printed with %r.
  if (op === 0) ctx.log(`SetupOpRegion: ${name}: failed to allocate OpRegion: Not Found\n`);
  else {
    ctx.e820Add(op, opBytes, 'nvs');
    ctx.fwcfgReadInto(FW_OPREGION, op);
    if (opBytes > opSize) ctx.io.writeBytes(op + opSize, new Uint8Array(opBytes - opSize));
    ctx.configWrite32(bdf, IGD_ASLS, op);
    const over = ctx.io.readMem(op + 0x14, 4);
    ctx.log(`SetupOpRegion: ${name}: OpRegion @ 0x${op.toString(16)} size 0x${opSize.toString(16)} version ${over >>> 24}.${(over >>> 16) & 0xff}.${(over >>> 8) & 0xff}\n`);
  }
  // Only 00:02.0 gets stolen memory, and only when its private data can size it (Meteor Lake and later: OpRegion only).
  if (bdf !== IGD_BDF || priv.kind === 'null') return;
  const size = vfioIgdStolenSize(priv, ctx.configRead16(bdf, IGD_GMCH));
  if (size === 0) return; // SetupStolenMemory: EFI_INVALID_PARAMETER
  const bytes = pagesOf(size) * PAGE_SIZE;
  const addr = ctx.memalignTmpHigh(BDSM_ALIGN, bytes);
  if (addr === 0) {
    ctx.log(`SetupStolenMemory: ${name}: failed to allocate stolen memory: Not Found\n`);
    return;
  }
  ctx.e820Add(addr, bytes, 'reserved');
  // Fresh RAM already reads zero: the ZeroMem of the DSM costs nothing to model.
  // IGD_FLAG_BDSM_32BIT writes 0x5C, IGD_FLAG_BDSM_64BIT the 64-bit 0xC0.
  writeBdsm(ctx, bdf, priv.bdsm64 ? 11 : 6, addr);
  ctx.log(`SetupStolenMemory: ${name}: stolen memory @ 0x${addr.toString(16)}, size ${Math.floor(size / MiB)} MB\n`);
}

export const uefiReserved: IgdStrategy = {
  name: 'uefi-reserved',
  summary: 'OVMF IgdAssignmentDxe/VfioIgdPkg: OpRegion in ACPI NVS, stolen memory reserved below 4 GiB, 64-bit BDSM on gen 11+',
  firmwareKind: 'ovmf',
  vmm: { fwcfg: true },
  firmware: vfioIgdPkgSetup,
};
