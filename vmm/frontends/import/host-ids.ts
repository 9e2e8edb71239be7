/**
 * Intel IGD device IDs → platform, the way i915 groups them (Linux include/drm/intel/pciids.h, INTEL_SNB_IDS ..
 * INTEL_RPLP_IDS; i915_pci.c maps each list to a platform and GRAPHICS_VER). Ranges by the high byte and, where a
 * byte holds two platforms (SNB/IVB in 0x01xx), by the low byte. `name` is a vfio-sim `host.igd.generation` name;
 * platforms without one are given by number. Meteor Lake and later (graphics IP 12.70+) have no BDSM register
 * (DSM in LMEMBAR, i915 HAS_LMEMBAR_SMEM_STOLEN) and are outside what vfio-sim models.
 */
export interface IgdPlatform {
  readonly platform: string;
  readonly gen: number;
  /** The config's generation name, when the platform has one. */
  readonly name?: string;
  /** Why vfio-sim cannot model it (Meteor Lake and later). */
  readonly unsupported?: string;
}

interface Row {
  readonly match: (id: number) => boolean;
  readonly p: IgdPlatform;
}

const hi = (b: number) => (id: number): boolean => (id & 0xff00) === b;
const LMEMBAR = 'graphics IP 12.70+ keeps stolen memory inside LMEMBAR (BAR2 + 8 MiB) and has no BDSM register; vfio-sim models gen 6..12';

const ROWS: readonly Row[] = [
  { match: (id) => (id & 0xfff0) === 0x0150 || (id & 0xfff0) === 0x0160, p: { platform: 'Ivy Bridge', gen: 7, name: 'ivb' } },
  { match: hi(0x0100), p: { platform: 'Sandy Bridge', gen: 6, name: 'snb' } },
  { match: hi(0x0f00), p: { platform: 'Valleyview', gen: 7 } },
  { match: (id) => [0x0400, 0x0a00, 0x0c00, 0x0d00].includes(id & 0xff00), p: { platform: 'Haswell', gen: 7, name: 'hsw' } },
  { match: hi(0x1600), p: { platform: 'Broadwell', gen: 8, name: 'bdw' } },
  { match: hi(0x2200), p: { platform: 'Cherryview', gen: 8 } },
  { match: (id) => (id & 0xffe) === 0xa84 || (id & 0xff00) === 0x3100, p: { platform: 'Broxton/Gemini Lake', gen: 9 } },
  { match: hi(0x1900), p: { platform: 'Skylake', gen: 9, name: 'skl' } },
  { match: (id) => (id & 0xff00) === 0x5900 || id === 0x87c0 || id === 0x87ca, p: { platform: 'Kaby Lake', gen: 9, name: 'kbl' } },
  { match: (id) => (id & 0xff00) === 0x3e00 || (id & 0xff00) === 0x9b00, p: { platform: 'Coffee/Comet Lake', gen: 9, name: 'cfl' } },
  { match: hi(0x5a00), p: { platform: 'Cannon Lake', gen: 10 } },
  { match: hi(0x8a00), p: { platform: 'Ice Lake', gen: 11, name: 'icl' } },
  { match: (id) => (id & 0xff00) === 0x4500 || (id & 0xff00) === 0x4e00, p: { platform: 'Elkhart/Jasper Lake', gen: 11 } },
  { match: hi(0x9a00), p: { platform: 'Tiger Lake', gen: 12, name: 'tgl' } },
  { match: hi(0x4c00), p: { platform: 'Rocket Lake', gen: 12 } },
  { match: (id) => (id & 0xff00) === 0x4600 || (id & 0xff00) === 0xa700, p: { platform: 'Alder/Raptor Lake', gen: 12, name: 'adl' } },
  { match: (id) => (id & 0xff00) === 0x7d00 || id === 0xb640, p: { platform: 'Meteor/Arrow Lake', gen: 12, unsupported: LMEMBAR } },
  { match: (id) => (id & 0xff00) === 0x6400 || (id & 0xff00) === 0xb000, p: { platform: 'Lunar/Panther Lake', gen: 20, unsupported: LMEMBAR } },
];

/** The platform of an Intel IGD device ID, or undefined when i915 does not know it. */
export function igdPlatform(deviceId: number): IgdPlatform | undefined {
  return ROWS.find((r) => r.match(deviceId))?.p;
}
