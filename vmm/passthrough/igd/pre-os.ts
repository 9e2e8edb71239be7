/**
 * What lights the IGD before the OS. Gen 6–10: the legacy VBIOS in the ROM (the vBIOS behaviour `firmware.vbios` /
 * `--vbios` names). Gen 11+ has no legacy VBIOS at all: only the UEFI GOP carried in the romfile (IntelGopDriver +
 * PlatformGopPolicy, with IgdAssignmentDxe) can, and only under UEFI firmware (OVMF runs it at BDS when the romfile
 * carries IntelGopDriver, next to IgdAssignmentDxe); under SeaBIOS nothing runs and the screen stays dark until the guest driver loads.
 */
import type { IgdFunction } from '../../../devices/igd/index.js';
import type { Machine } from '../../core/machine/machine.js';

export const LEGACY_VBIOS_DEFAULT = 'reads-bdsm';
export const GOP_PROGRAM = 'intel-gop';

export interface PreOsChoice {
  /** The ROM program to run, or null for none. */
  readonly program: string | null;
  /** Said in the boot's events when the choice needs explaining. */
  readonly note?: string;
}

/** The pre-OS program of the assigned IGD; `asked` is an explicit vbios (config or --vbios). */
export function igdPreOsProgram(m: Machine, igd: IgdFunction, asked: string | undefined): PreOsChoice {
  // Under OVMF (no CSM) the only ROM code that runs is the EFI GOP, and OVMF calls this only for a romfile carrying
  // IntelGopDriver (firmware/ovmf/post.ts); a legacy VBIOS runs under SeaBIOS only.
  if (m.profile.firmware.type === 'ovmf') {
    // The bundled GOP program is the gen 11+ one (64-bit BDSM at 0xC0, PTEs through BAR0); an older generation's GOP
    // is not modelled: nothing runs, as before OVMF ran GOPs at all.
    if (igd.gen < 11) return { program: null };
    if (asked !== undefined) return { program: GOP_PROGRAM, note: `a legacy VBIOS ('${asked}') was asked under OVMF: without a CSM only the UEFI GOP runs` };
    return { program: GOP_PROGRAM };
  }
  if (igd.gen < 11) return { program: asked ?? LEGACY_VBIOS_DEFAULT };
  if (asked !== undefined) {
    return { program: asked, note: `a legacy VBIOS ('${asked}') was asked of a gen ${igd.gen} device: none exists from gen 11 (only the UEFI GOP)` };
  }
  return { program: null, note: `no pre-OS display: gen ${igd.gen} has no legacy VBIOS, and the UEFI GOP needs OVMF with a romfile carrying IntelGopDriver` };
}
