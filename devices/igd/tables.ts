/**
 * Intel IGD generation tables: the one place for GMCH/GGC decoding, BAR geometry, BDSM location and
 * QEMU's device-ID → generation rules. Generations use i915's GRAPHICS_VER numbering (docs/igd.md §2.4).
 */

export const MiB = 0x10_0000;

/** The assigned-IGD model and the one address guests and QEMU's legacy mode accept for it. */
export const IGD_MODEL = 'vfio-igd';
export const IGD_DEVFN = 0x10; // 00:02.0

// ---- config-space registers of 00:02.0 (docs/igd.md §1.1) ----
/** GGC / GMCH_CTRL, 16 bits (QEMU reads it as 32). docs/igd.md §1.1; LK-DRM i915_drm.h SNB_GMCH_CTRL. */
export const IGD_GMCH = 0x50;
/** BDSM, 32-bit, gen 6..10 (bits 31:20 the base). docs/igd.md §1.1. */
export const IGD_BDSM = 0x5c;
/** BDSM, 64-bit ("BSM DW0/DW1"), gen 11+. docs/igd.md §1.1; QEMU 7bafcd176729. */
export const IGD_BDSM_GEN11 = 0xc0;
/** BGSM (GTT stolen base), 64-bit, read by the gen 12 Windows driver. docs/igd.md §1.1. */
export const IGD_BGSM = 0xf0;
/** ASLS: the OpRegion's physical address. docs/igd.md §1.1. */
export const IGD_ASLS = 0xfc;
/** Config word the vBIOS reads for BDSM (the upper half of 0x5C), shifted left 16. docs/igd.md §4, §11.7. */
export const IGD_VBIOS_BDSM_WORD = 0x5e;
/** BDSM base mask (INTEL_BSM_MASK): the base is 1 MiB aligned. docs/igd.md §1.1. */
export const BDSM_MASK = 0xfff0_0000;
/** GGC.IVD, "IGD VGA disable" (bit 1, every layout). docs/igd.md §2.1. */
export const GMCH_IVD = 0x2;

// ---- BAR0 MMIO mirrors (docs/igd.md §1.3, §1.1) ----
export const MMIO_GGC = 0x10_8040;
export const MMIO_BDSM = 0x10_80c0;
export const MMIO_BGSM = 0x10_8100;
export const MMIO_STOLEN_RESERVED = 0x10_82c0;

// ---- BARs (docs/igd.md §1.2; LK-DRM intel_pci_config.h GEN4_GTTMMADR_BAR/GMADR_BAR/IO_BAR) ----
export const IGD_BAR_MMIO = 0;
export const IGD_BAR_APERTURE = 2;
export const IGD_BAR_IO = 4;
/** I/O BAR4: MMIO_Index at +0, MMIO_Data at +4; index bit 0 selects the GTT half. docs/igd.md §4. */
export const BAR4_INDEX = 0;
export const BAR4_DATA = 4;
export const BAR4_GTT_SELECT = 0x1;
/** The IGD's I/O BAR is 64 bytes (lspci "I/O ports at ... [size=64]" on every generation here). */
export const IGD_IO_BAR_SIZE = 0x40;
/** GMADR (aperture) size the host BIOS set: 256 MiB, the common default (vfio-sim default). */
export const IGD_APERTURE_SIZE = 256 * MiB;
/** Option ROM (vBIOS) BAR: Intel vBIOS images are 64 KiB. */
export const IGD_ROM_SIZE = 0x1_0000;
/** GTT PTE valid bit (docs/igd.md §11.7). */
export const GTT_PTE_VALID = 0x1;
/** Each GTT entry maps 4 KiB. docs/igd.md §2.3. */
export const GTT_PAGE = 0x1000;

/** Config names ↔ i915 generation (docs/igd.md §2.4; the config loader's `generation:`). */
export const IGD_GENERATIONS: Readonly<Record<string, number>> = {
  snb: 6, ivb: 7, hsw: 7, bdw: 8, chv: 8, skl: 9, kbl: 9, cfl: 9, icl: 11, tgl: 12, adl: 12, 'adl-n': 12, rpl: 12,
  // Graphics IP 12.70 (MTL, ARL), Xe2 (LNL, 20) and Xe3 (PTL, 30): i915_pci.c / xe_pci.c graphics versions.
  mtl: 12, arl: 12, lnl: 20, ptl: 30,
};
/** Platforms whose stolen memory lives in LMEMBAR (i915 HAS_LMEMBAR_SMEM_STOLEN). */
export const IGD_LMEMBAR_PLATFORMS: readonly string[] = ['mtl', 'arl', 'lnl', 'ptl'];
export const IGD_GENERATION_NAMES: readonly string[] = Object.keys(IGD_GENERATIONS);
/** The platform a bare generation number stands for (gen 10 has no config name: Cannon Lake). */
export const GENERATION_DEFAULT_NAME: Readonly<Record<number, string>> = { 6: 'snb', 7: 'ivb', 8: 'bdw', 9: 'skl', 10: 'cnl', 11: 'icl', 12: 'tgl', 20: 'lnl', 30: 'ptl' };

/** GMS/GGMS field positions: SNB layout for gen 6/7, BDW layout from gen 8. docs/igd.md §2.1. */
export function gmchFields(gen: number, gmch: number): { gms: number; ggms: number } {
  return gen <= 7 ? { gms: (gmch >> 3) & 0x1f, ggms: (gmch >> 8) & 0x3 } : { gms: (gmch >> 8) & 0xff, ggms: (gmch >> 6) & 0x3 };
}

/** A GMCH value with GMS/GGMS placed per generation (other bits from `base`). */
export function encodeGmch(gen: number, gms: number, ggms: number, base = 0): number {
  if (gen <= 7) return ((base & ~0x3f8) | ((gms & 0x1f) << 3) | ((ggms & 0x3) << 8)) & 0xffff;
  return ((base & ~0xffc0) | ((gms & 0xff) << 8) | ((ggms & 0x3) << 6)) & 0xffff;
}

/** GMS → DSM bytes as i915 decodes it (docs/igd.md §2.2, docs/igd.md §11.1): ×32 MiB; gen 9+ also 0xF0..0xFE = 4..60 MiB. */
export function gmsSize(gen: number, gms: number): number {
  if (gen >= 9 && gms >= 0xf0) return (gms - 0xf0 + 1) * 4 * MiB;
  return gms * 32 * MiB;
}

/** CHV's GMS table (LK-EQ, docs/igd.md §2.2): not a config generation, kept for the docs/igd.md §11.1 oracle. */
export function chvGmsSize(gms: number): number {
  if (gms < 0x11) return gms * 32 * MiB;
  if (gms < 0x17) return (8 + (gms - 0x11) * 4) * MiB;
  return (36 + (gms - 0x17) * 4) * MiB;
}

/** How a platform's hardware and i915 decode its GGC: fields, sizes, and the inverse. */
export interface GmchDecoder {
  fields(gmch: number): { gms: number; ggms: number };
  encode(gms: number, ggms: number, base?: number): number;
  dsm(gms: number): number;
  gsm(ggms: number): number;
}

/**
 * The GGC decoder of one platform. Cherryview is gen 8 but keeps the SNB field positions (GMS bits 7:3, GGMS 9:8)
 * with its own GMS table and a power-of-two GGMS (early-quirks.c chv_stolen_size, i915 chv_get_total_gtt_size);
 * QEMU knows it only as "gen 8" and reads the BDW positions — the mismatch the guest view reports.
 */
export function platformGmch(name: string, gen: number): GmchDecoder {
  if (name === 'chv') {
    return {
      fields: (gmch) => gmchFields(6, gmch),
      encode: (gms, ggms, base = 0) => encodeGmch(6, gms, ggms, base),
      dsm: chvGmsSize,
      gsm: (ggms) => (ggms === 0 ? 0 : (1 << ggms) * MiB),
    };
  }
  return {
    fields: (gmch) => gmchFields(gen, gmch),
    encode: (gms, ggms, base = 0) => encodeGmch(gen, gms, ggms, base),
    dsm: (gms) => gmsSize(gen, gms),
    gsm: (ggms) => ggmsSize(gen, ggms),
  };
}

/** MTL (DSM in LMEMBAR): 0..4 ×32 MiB, 0xF0..0xFE ×4 MiB, else invalid (-1, i915 -EIO). docs/igd.md §2.2. */
export function mtlGmsSize(gms: number): number {
  if (gms <= 0x04) return gms * 32 * MiB;
  if (gms >= 0xf0 && gms <= 0xfe) return (gms - 0xf0 + 1) * 4 * MiB;
  return -1;
}

/** GGMS → GSM (GTT) bytes: linear MiB on gen 6/7; 2^GGMS MiB from gen 8, 0 = none. docs/igd.md §2.3, §11.2. */
export function ggmsSize(gen: number, ggms: number): number {
  if (gen <= 7) return ggms * MiB;
  return ggms === 0 ? 0 : (1 << ggms) * MiB;
}

/** Whether a generation's GMCH can encode `gms` (docs/igd.md §2.2; QEMU's x-igd-gms ranges). */
export function gmsEncodable(gen: number, gms: number): boolean {
  if (!Number.isInteger(gms) || gms < 0) return false;
  if (gen <= 7) return gms <= 0x10;
  if (gen === 8) return gms <= 0x40;
  return gms <= 0x40 || (gms >= 0xf0 && gms <= 0xfe);
}

/** Valid GMS values in words, for error messages. */
export function gmsRangeText(gen: number): string {
  return gen <= 7 ? '0x00..0x10' : gen === 8 ? '0x00..0x40' : '0x00..0x40 or 0xf0..0xfe';
}

/** The largest valid GGMS: 3 is reserved on gen 6/7 (4th-gen datasheet, docs/igd.md §2.3); gen 8+ use all of 0..3. */
export function ggmsMax(gen: number): number {
  return gen <= 7 ? 2 : 3;
}

export function ggmsValid(gen: number, ggms: number): boolean {
  return Number.isInteger(ggms) && ggms >= 0 && ggms <= ggmsMax(gen);
}

/** BAR0 (GTTMMADR): 4 MiB with the GTT from 2 MiB on gen 6/7; 16 MiB with the GTT from 8 MiB later. docs/igd.md §1.2. */
export function bar0Size(gen: number): number {
  return gen <= 7 ? 4 * MiB : 16 * MiB;
}
export function gttOffset(gen: number): number {
  return bar0Size(gen) / 2;
}
/** GTT entry size: 4 bytes before gen 8, 8 bytes from gen 8. docs/igd.md §2.3. */
export function pteSize(gen: number): 4 | 8 {
  return gen < 8 ? 4 : 8;
}
/** Where BDSM lives: 32-bit 0x5C before gen 11, 64-bit 0xC0 from gen 11. docs/igd.md §2.4. */
export function bdsmRegister(gen: number): { offset: number; width: 4 | 8 } {
  return gen >= 11 ? { offset: IGD_BDSM_GEN11, width: 8 } : { offset: IGD_BDSM, width: 4 };
}

/**
 * Decodes one GTT entry to the page it maps, or -1 when invalid. Gen 6/7: address bits 39:32 sit
 * in PTE bits 11:4 (i915 GEN6_PTE_ADDR_ENCODE); gen 8+: bits 45:12 (GEN12_GGTT_PTE_ADDR_MASK).
 */
export function decodePte(gen: number, pte: number): number {
  const lo = pte % 0x1_0000_0000;
  if ((lo & GTT_PTE_VALID) === 0) return -1;
  if (gen < 8) return ((lo & 0xffff_f000) >>> 0) + ((lo >>> 4) & 0xff) * 0x1_0000_0000;
  const hi = Math.floor(pte / 0x1_0000_0000) & 0x3fff;
  return hi * 0x1_0000_0000 + ((lo & 0xffff_f000) >>> 0);
}

/** Encodes a page address as a valid GTT entry (inverse of decodePte). */
export function encodePte(gen: number, addr: number): number {
  const lo = addr % 0x1_0000_0000;
  const hi = Math.floor(addr / 0x1_0000_0000);
  if (gen < 8) return (((lo & 0xffff_f000) | ((hi & 0xff) << 4) | GTT_PTE_VALID) >>> 0);
  return hi * 0x1_0000_0000 + (((lo & 0xffff_f000) | GTT_PTE_VALID) >>> 0);
}

/**
 * QEMU's gtt_max for the BAR4 quirk: the index bound (GSM bytes / 4 KiB × PTE bytes). docs/igd.md §4
 * item 3, §11.2 (gen 6 2 MiB → 0x800; gen 8 8 MiB → 0x4000).
 */
export function gttMaxIndex(gen: number, gsmBytes: number): number {
  return (gsmBytes / GTT_PAGE) * pteSize(gen);
}

/** QEMU 10.x's igd_gen (i915-aligned IDs, mask 0xFF00, Broxton first; unknown = -1). The per-version tables are qemu-lines.ts's. */
export function qemu10Gen(deviceId: number): number {
  if ((deviceId & 0xffe) === 0xa84) return 9;
  switch (deviceId & 0xff00) {
    case 0x0100: return 6;
    case 0x0400: case 0x0a00: case 0x0c00: case 0x0d00: case 0x0f00: return 7;
    case 0x1600: case 0x2200: return 8;
    case 0x1900: case 0x3100: case 0x5900: case 0x3e00: case 0x9b00: return 9;
    case 0x8a00: case 0x4500: case 0x4e00: return 11;
    case 0x9a00: case 0x4c00: case 0x4600: case 0xa700: return 12;
    default: return -1;
  }
}

/**
 * The generation guest firmware assumes for a device ID (VfioIgdPkg matches i915's full ID lists;
 * QEMU 10.0's masks give the same classes for every platform here, plus Cannon Lake 0x5Axx = gen 10).
 */
export function firmwareIgdGen(deviceId: number): number {
  const g = qemu10Gen(deviceId);
  if (g < 0 && (deviceId & 0xff00) === 0x5a00) return 10;
  return g;
}
