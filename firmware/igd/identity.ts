import { bdsmRegister, MiB } from '../../devices/igd/tables.js';
import type { FirmwareContext } from '../igd-hook.js';
import { bdfText, FW_BDSM_SIZE, FW_STOLEN_BASE, hex8, IGD_BDF, igdGenOf, seabiosOpRegion, writeBdsm } from './common.js';
import type { IgdStrategy } from './types.js';

/**
 * Guest stolen memory at the host's own address (bhyve GVT-d, EVE's etc/igd-stolen-base, the SRD
 * "host-bdsm" patch; docs/igd.md §7). The VMM has already reserved the host DSM range in the e820 it
 * hands the firmware and publishes its base, or refused (then the file is absent and BDSM stays 0).
 * The firmware places the OpRegion as SeaBIOS does and writes the host base into BDSM (0xC0 on gen 11+).
 */
export function identityIgdSetup(ctx: FirmwareContext, bdf: number): void {
  if (!seabiosOpRegion(ctx, bdf)) return;
  if (bdf !== IGD_BDF) return;
  const base = ctx.fwcfgLoadInt(FW_STOLEN_BASE, 0);
  if (base === 0) {
    ctx.log(`Intel IGD BDSM: no ${FW_STOLEN_BASE} (the VMM refused identity placement), dev ${bdfText(bdf)}\n`);
    return;
  }
  const gen = igdGenOf(ctx, bdf);
  writeBdsm(ctx, bdf, gen, base);
  const size = ctx.fwcfgLoadInt(FW_BDSM_SIZE, 0);
  ctx.log(`Intel IGD BDSM enabled at 0x${hex8(base)} (host address), size ${Math.floor(size / MiB)}MB, reg 0x${bdsmRegister(gen).offset.toString(16)}, dev ${bdfText(bdf)}\n`);
}

export const identity: IgdStrategy = {
  name: 'identity',
  summary: "guest stolen memory at the host's address (bhyve/EVE), refused when guest RAM cannot hold it",
  firmwareKind: 'patched',
  vmm: { fwcfg: true, identity: true },
  firmware: identityIgdSetup,
};
