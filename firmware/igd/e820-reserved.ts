import { IGD_BDSM, MiB } from '../../devices/igd/tables.js';
import type { FirmwareContext } from '../igd-hook.js';
import {
  BDSM_ALIGN, bdfText, FW_BDSM_SIZE, hex8, IGD_BDF, SEABIOS_NOALLOC_BDSM_LINE, seabiosOpRegion, warnNoalloc,
} from './common.js';
import type { IgdStrategy } from './types.js';

/**
 * SeaBIOS 1.16.2 intel_igd_setup, exactly (SeaBIOS src/fw/pciinit.c; docs/igd.md §6.1): the OpRegion in ZoneHigh,
 * 4 KiB aligned, ASLS written; then, only for 00:02.0 and a nonzero etc/igd-bdsm-size, stolen memory
 * 1 MiB aligned top-down in ZoneTmpHigh, e820 reserved, its address written to 0x5C (never 0xC0).
 */
export function seabiosIgdSetup(ctx: FirmwareContext, bdf: number): void {
  const bdsmSize = ctx.fwcfgLoadInt(FW_BDSM_SIZE, 0);
  if (!seabiosOpRegion(ctx, bdf)) return;
  if (bdsmSize === 0 || bdf !== IGD_BDF) return;
  const addr = ctx.memalignTmpHigh(BDSM_ALIGN, bdsmSize);
  if (addr === 0) {
    warnNoalloc(ctx, SEABIOS_NOALLOC_BDSM_LINE);
    return;
  }
  ctx.e820Add(addr, bdsmSize, 'reserved');
  ctx.configWrite32(bdf, IGD_BDSM, addr);
  ctx.log(`Intel IGD BDSM enabled at 0x${hex8(addr)}, size ${Math.floor(bdsmSize / MiB)}MB, dev ${bdfText(bdf)}\n`);
}

export const e820Reserved: IgdStrategy = {
  name: 'e820-reserved',
  summary: 'SeaBIOS intel_igd_setup: stolen memory 1 MiB-aligned top-down below 4 GiB, e820 reserved, BDSM at 0x5C',
  firmwareKind: 'seabios',
  vmm: { fwcfg: true },
  firmware: seabiosIgdSetup,
};
