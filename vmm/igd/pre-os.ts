/**
 * What lights the IGD before the OS. Gen 6–10: the legacy VBIOS in the ROM (the vBIOS behaviour `firmware.vbios` /
 * `--vbios` names). Gen 11+ has no legacy VBIOS at all: only the UEFI GOP carried in the romfile (IntelGopDriver +
 * PlatformGopPolicy, with IgdAssignmentDxe) can, and only under UEFI firmware (the VfioIgdPkg strategy); under a
 * legacy (SeaBIOS) setup nothing runs and the screen stays dark until the guest driver loads.
 */
import type { IgdFunction } from '../../devices/igd/index.js';
import type { Machine } from '../machine/machine.js';
import { igdState } from './state.js';

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
  if (igd.gen < 11) return { program: asked ?? LEGACY_VBIOS_DEFAULT };
  if (asked !== undefined) {
    return { program: asked, note: `a legacy VBIOS ('${asked}') was asked of a gen ${igd.gen} device: none exists from gen 11 (only the UEFI GOP)` };
  }
  if (igdState(m)?.strategy.firmwareKind === 'ovmf') return { program: GOP_PROGRAM };
  return { program: null, note: `no pre-OS display: gen ${igd.gen} has no legacy VBIOS, and the UEFI GOP needs OVMF with a romfile carrying IntelGopDriver` };
}
