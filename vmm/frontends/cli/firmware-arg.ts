import { FIRMWARES, firmwareVersions, type FirmwareType } from '../../../firmware/index.js';
import { UsageError } from './errors.js';

export interface FirmwareArg {
  /** As typed: `seabios`, `ovmf`, `ovmf-2025.02`. */
  readonly label: string;
  readonly firmware: { readonly type: FirmwareType; readonly version?: string };
}

/** `seabios`, `ovmf`, or `type-version` (`ovmf-2025.02`), checked against the firmware builds vfio-sim models. */
export function parseFirmwareArg(text: string): FirmwareArg {
  const m = /^(seabios|ovmf)(?:-(.+))?$/.exec(text);
  if (m === null) throw new UsageError(`--firmware: unknown firmware '${text}' (seabios, ovmf, or e.g. ${[...FIRMWARES.keys()].join(', ')})`);
  const type = m[1] as FirmwareType;
  if (m[2] !== undefined && !firmwareVersions(type).includes(m[2])) {
    throw new UsageError(`--firmware: unknown ${type} version '${m[2]}' (known: ${firmwareVersions(type).join(', ')})`);
  }
  return { label: text, firmware: { type, ...(m[2] !== undefined ? { version: m[2] } : {}) } };
}
