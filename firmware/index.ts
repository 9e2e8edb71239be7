/**
 * The firmware layer: every firmware vfio-sim models, as values behind one small interface. A firmware sees
 * the machine only through `FirmwareIo` (ports, physical memory, CPUID) — config space, fw_cfg and the debug
 * console are reached through those, as the real firmware does. Adding a firmware = a module + one line in
 * `FIRMWARES`.
 */
import type { FirmwareIo } from './io.js';
import { ovmfPost } from './ovmf/post.js';
import { OVMF_RELEASES, OVMF_VERSIONS } from './ovmf/versions.js';
import { seabiosPost } from './seabios/post.js';
import { SEABIOS_RELEASES, SEABIOS_VERSIONS } from './seabios/versions.js';
import type { FirmwareResult, PostOptions } from './types.js';

export type { FirmwareContext, IgdSetupHook, OptionRomHook } from './igd-hook.js';
export type { E820Range, E820Type, ExtraHooks, FirmwareResult, FwPciDevice, Placement, PostOptions } from './types.js';
export type { FirmwareIo } from './io.js';
export { PANIC_IO, PANIC_MEM32 } from './seabios/place.js';
export { bdfText } from './seabios/printf.js';
export { SEABIOS_VERSIONS, type SeabiosVersion } from './seabios/versions.js';
export { OVMF_VERSIONS, type OvmfVersion } from './ovmf/versions.js';
export type { OvmfDetails, OvmfPostResult } from './ovmf/post.js';

export type FirmwareType = 'seabios' | 'ovmf';

/** One firmware build: what runs at reset. */
export interface Firmware {
  readonly type: FirmwareType;
  readonly version: string;
  /** Runs the firmware to its boot manager on the machine behind `io`; returns what it decided and printed. */
  post(io: FirmwareIo, options?: PostOptions): FirmwareResult;
}

/** Every firmware build, keyed `type-version` (e.g. `seabios-1.16.2`). */
export const FIRMWARES: ReadonlyMap<string, Firmware> = new Map<string, Firmware>([
  ...SEABIOS_VERSIONS.map((v): [string, Firmware] => {
    const release = SEABIOS_RELEASES[v];
    return [`seabios-${v}`, { type: 'seabios', version: v, post: (io, options) => seabiosPost(release, io, options) }];
  }),
  ...OVMF_VERSIONS.map((v): [string, Firmware] => {
    const release = OVMF_RELEASES[v];
    return [`ovmf-${v}`, { type: 'ovmf', version: v, post: (io, options) => ovmfPost(release, io, options) }];
  }),
]);

/** The versions of each firmware type, for config validation and editor schemas. */
export function firmwareVersions(type: FirmwareType): string[] {
  return [...FIRMWARES.values()].filter((f) => f.type === type).map((f) => f.version);
}

const FIRMWARE_LIST: readonly Firmware[] = [...FIRMWARES.values()];

export function lookupFirmware(type: FirmwareType, version: string): Firmware | undefined {
  // A scan of the few builds rather than FIRMWARES.get(`${type}-${version}`): every boot resolves its firmware,
  // and the key string was built and hashed each time (docs/performance.md §22).
  for (const f of FIRMWARE_LIST) if (f.version === version && f.type === type) return f;
  return undefined;
}

/** SeaBIOS 1.16.2 (QEMU 7.2's), for callers that drive a firmware without a machine profile (unit tests, benches). */
export function post(io: FirmwareIo, options: PostOptions = {}): FirmwareResult {
  return seabiosPost(SEABIOS_RELEASES['1.16.2'], io, options);
}
