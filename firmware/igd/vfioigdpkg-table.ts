/**
 * VfioIgdPkg IgdAssignmentDxe's device table (tomitamoeko/VfioIgdPkg IgdAssignmentDxe/IgdPrivate.c, IgdDeviceTable
 * over i915's INTEL_*_IDS lists): for each device ID, how the driver sizes stolen memory and where it writes BDSM.
 * An ID the table does not hold gets EFI_UNSUPPORTED from GetIgdPrivateData and nothing is set up (no OpRegion
 * either). Meteor Lake and later (MTL, ARL, LNL, PTL) map to NullPrivate: OpRegion only, no stolen memory (their DSM
 * lives in LMEMBAR, which the device itself decodes).
 */
import { chvGmsSize, firmwareIgdGen, MiB } from '../../devices/igd/tables.js';

/** The private data kinds of IgdPrivate.c. */
export type VfioIgdPrivate =
  | { readonly kind: 'gen6' | 'gen8' | 'chv' | 'gen9'; readonly bdsm64: false }
  | { readonly kind: 'gen11'; readonly bdsm64: true }
  | { readonly kind: 'null' };

/**
 * i915's INTEL_MTL_IDS, INTEL_ARL_IDS, INTEL_LNL_IDS and INTEL_PTL_IDS (include/drm/intel/pciids.h): the
 * platforms IgdPrivate.c gives NullPrivate.
 */
const OPREGION_ONLY_IDS: ReadonlySet<number> = new Set([
  0x7d40, 0x7d45, 0x7d55, 0x7d60, 0x7dd5, // MTL
  0x7d41, 0x7d51, 0x7d67, 0x7dd1, 0xb640, // ARL
  0x6420, 0x64a0, 0x64b0, // LNL
  0xb080, 0xb081, 0xb082, 0xb083, 0xb08f, 0xb090, 0xb0a0, 0xb0b0, // PTL
]);

/**
 * GetIgdPrivateData(DeviceId): the table's entry, or undefined (EFI_UNSUPPORTED). Up to Raptor Lake the i915 ID
 * lists are the prefixes firmwareIgdGen matches (devices/igd/tables.ts); BDW and CHV differ only in how GMS is sized.
 */
export function vfioIgdPrivate(deviceId: number): VfioIgdPrivate | undefined {
  if (OPREGION_ONLY_IDS.has(deviceId)) return { kind: 'null' };
  const gen = firmwareIgdGen(deviceId);
  if (gen === 6 || gen === 7) return { kind: 'gen6', bdsm64: false }; // SNB, IVB, HSW, VLV share Gen6Private
  if (gen === 8) return { kind: (deviceId & 0xff00) === 0x2200 ? 'chv' : 'gen8', bdsm64: false };
  if (gen === 9 || gen === 10) return { kind: 'gen9', bdsm64: false };
  if (gen === 11 || gen === 12) return { kind: 'gen11', bdsm64: true };
  return undefined;
}

/** GetStolenSize of a private kind from the GGC the guest reads at 0x50; 0 for NullPrivate (no stolen memory). */
export function vfioIgdStolenSize(p: VfioIgdPrivate, gmch: number): number {
  switch (p.kind) {
    case 'null':
      return 0;
    case 'gen6': // Gen6StolenSize: GMS bits 7:3, 32 MiB units
      return ((gmch >> 3) & 0x1f) * 32 * MiB;
    case 'gen8': // Gen8StolenSize: GMS bits 15:8, 32 MiB units (no 4 MiB range)
      return ((gmch >> 8) & 0xff) * 32 * MiB;
    case 'chv': // ChvStolenSize: GMS bits 7:3 with Cherryview's three ranges
      return chvGmsSize((gmch >> 3) & 0x1f);
    case 'gen9':
    case 'gen11': {
      // Gen9StolenSize: GMS bits 15:8; below 0xF0 32 MiB units, 0xF0..0xFE 4 MiB steps from 4 MiB
      const gms = (gmch >> 8) & 0xff;
      return gms < 0xf0 ? gms * 32 * MiB : (gms - 0xf0) * 4 * MiB + 4 * MiB;
    }
  }
}
