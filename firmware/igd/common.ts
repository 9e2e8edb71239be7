import {
  bdsmRegister, firmwareIgdGen, IGD_ASLS, MiB,
} from '../../devices/igd/tables.js';
import type { FirmwareContext } from '../igd-hook.js';
import { bdfText } from '../seabios/printf.js';

/** fw_cfg names of QEMU's IGD contract (docs/igd.md §3.4) and EVE's identity base (docs/igd.md §6.2). */
export const FW_OPREGION = 'etc/igd-opregion';
export const FW_BDSM_SIZE = 'etc/igd-bdsm-size';
export const FW_STOLEN_BASE = 'etc/igd-stolen-base';
/** BDSM goes only to the Intel VGA at 00:02.0 (SeaBIOS pci_to_bdf(0, 2, 0); VfioIgdPkg bus 0 dev 2 fn 0). */
export const IGD_BDF = 0x10;
export const PAGE_SIZE = 0x1000;
/** Stolen memory alignment every firmware uses (docs/igd.md §3.4: "1 MiB alignment required"). */
export const BDSM_ALIGN = MiB;
/** Source lines of SeaBIOS 1.16.2 src/fw/pciinit.c's two warn_noalloc() calls in intel_igd_setup. */
export const SEABIOS_NOALLOC_OPREGION_LINE = 300;
export const SEABIOS_NOALLOC_BDSM_LINE = 319;

export const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** SeaBIOS warn_noalloc(): "WARNING - Unable to allocate resource at %s:%d!". */
export function warnNoalloc(ctx: FirmwareContext, line: number): void {
  ctx.log(`WARNING - Unable to allocate resource at intel_igd_setup:${line}!\n`);
}

/** The generation firmware infers from the device ID it reads at config 0x02. */
export function igdGenOf(ctx: FirmwareContext, bdf: number): number {
  return firmwareIgdGen(ctx.configRead16(bdf, 0x02));
}

/** Writes a stolen base where the generation keeps BDSM: 32-bit 0x5C, or 64-bit 0xC0/0xC4 from gen 11. */
export function writeBdsm(ctx: FirmwareContext, bdf: number, gen: number, addr: number): void {
  const r = bdsmRegister(gen);
  ctx.configWrite32(bdf, r.offset, addr % 0x1_0000_0000);
  if (r.width === 8) ctx.configWrite32(bdf, r.offset + 4, Math.floor(addr / 0x1_0000_0000));
}

/**
 * SeaBIOS's OpRegion half of intel_igd_setup (docs/igd.md §6.1): memalign_high(4 KiB) in ZoneHigh, copy the
 * file, write ASLS, log. Returns false when SeaBIOS returns early (no space, copy failed), which also
 * skips the BDSM half.
 */
export function seabiosOpRegion(ctx: FirmwareContext, bdf: number): boolean {
  const size = ctx.fwcfgFileSize(FW_OPREGION) ?? 0;
  if (size === 0) return true;
  const addr = ctx.memalignHigh(PAGE_SIZE, size);
  if (addr === 0) {
    warnNoalloc(ctx, SEABIOS_NOALLOC_OPREGION_LINE);
    return false;
  }
  // SeaBIOS frees the block on a failed copy; this allocator never frees (a POST-lifetime zone), the loss is one block.
  if (ctx.fwcfgReadInto(FW_OPREGION, addr) < 0) return false;
  ctx.configWrite32(bdf, IGD_ASLS, addr);
  ctx.log(`Intel IGD OpRegion enabled at 0x${hex8(addr)}, size ${size >> 10}KB, dev ${bdfText(bdf)}\n`);
  return true;
}

export { bdfText };
