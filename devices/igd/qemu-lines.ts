/**
 * QEMU's IGD behaviour is a property of the QEMU version: one table, keyed by the first release of each line, of
 * every fact of hw/vfio/igd.c that changed between releases. behaviour.ts applies it; nothing else compares versions.
 *
 * Sources (hw/vfio/igd.c unless named):
 * - ≤ 9.1: the 2016 design (c4c45e943e51, split into igd.c in 2020), unchanged up to v9.1.x:
 *   vfio_probe_igd_bar4_quirk carries everything; igd_gen() returns 8 for unknown IDs ("Assume newer is
 *   compatible") and legacy mode takes gen 6 or 8 only; GMS is cleared in the emulated GMCH unless x-igd-gms
 *   (1..0x10, "Unsupported IGD GMS value 0x%x" above); etc/igd-bdsm-size = (ggms_mb + gms_mb) MiB with
 *   `if (gen > 6) ggms_mb = 1 << ggms_mb` (GGMS 0 counts as 1 MiB); BDSM only at 0x5C.
 * - 9.2: Corvin Köhne's series (QEMU 9.2 cycle; 7bafcd176729 BDSM at 0xC0 for gen 11+, 11b5ce95beec BDSM mirror
 *   at BAR0+0x1080C0 for gen 11+, 971ca22f041b host GMS kept and x-igd-gms dropped, 9c86b9fb43cf EHL/TGL IDs):
 *   igd_gen() returns -1 for unknown IDs, legacy mode for every known generation; igd_get_stolen_mb() returns 0 with
 *   "Unsupported IGD GMS value" for GMS > 0x10 below gen 9. The GGMS-0 fix (03828b00a2bf) came after 9.2.0.
 * - 10.0: Tomita Moeko's rework (PULLs 2024-12-24 and 2025-03): igd_gen() aligned with i915 (HSW/VLV 7, SKL/KBL 9,
 *   GLK/CML/ICL/JSL/RKL/ADL/RPL added), BAR4 GTT quirk removed (5aed8b0f0be2), bdsm-size = DSM only (5faec6a5e220),
 *   vfio_pci_igd_config_quirk: unknown generation → "unsupported in legacy mode" and no setup at all; legacy mode
 *   automatic for gen 6..9 VGA at 00:02.0 on pc_piix; GMCH always emulated; GGC and BDSM mirrors
 *   (vfio_probe_igd_bar0_quirk, ea652c2beeae / f926baa03b7b) for gen ≥ 6; x-igd-gms back (37f05a59e869:
 *   ≤ 0x10 below gen 8, else ≤ 0x40, a bad value only reported); x-igd-lpc, x-igd-legacy-mode; ASLS emulated
 *   when the OpRegion is set up; errors fail realize except in automatic legacy mode.
 * - 10.1: vfio_pci_igd_opregion_detect(): every Intel display-class (0x03xx, vfio_is_base_display) device with a
 *   kernel OpRegion region gets "OpRegion detected on Intel display %x.", ASLS emulated, etc/igd-bdsm-size (0 for
 *   an unknown generation: "newer device without BDSM register"); no OpRegion region → every IGD quirk skipped;
 *   legacy mode also needs VGA class and GGC.IVD clear ("Require host VGA decode for legacy mode", Jul 2025);
 *   vfio_pci_igd_override_gms(): 0xF0..0xFE accepted from gen 9, a bad value fails realize; GGC mirror only with
 *   x-igd-gms; x-igd-opregion on by default for IGD; x-pci-class-code (hw/vfio/pci.c).
 */
import { qemu10Gen } from './tables.js';
export type IgdQemuLine = '9.1' | '9.2' | '10.0' | '10.1';

export interface IgdQemuBehaviour {
  readonly line: IgdQemuLine;
  /** How the README and reports name the line. */
  readonly label: string;
  /** The first QEMU release of the line ('0' = every release before the next line). */
  readonly since: string;
  /** igd_gen() of the line. */
  readonly genTable: 'q16' | 'q24' | 'qn';
  /** Where the legacy-mode decision lives: the BAR4 probe (each failure only drops legacy mode, which carries
   *  every quirk) or vfio_pci_igd_config_quirk (features decoupled, errors fail realize). */
  readonly model: 'bar4-probe' | 'config-quirk';
  /** Generations legacy mode accepts. */
  readonly legacyGens: 'snb-or-gen8' | 'known' | 'gen6-9';
  /** Legacy mode also requires GGC.IVD clear and a VGA class code. */
  readonly legacyNeedsVgaDecode: boolean;
  /** Display classes the IGD code looks at at all: VGA (0x0300) only, or any display (0x03xx). */
  readonly display: 'vga' | 'any';
  /** An unknown generation: legacy mode off (9.x), no IGD setup at all (10.0), OpRegion only with bdsm-size 0 (10.1). */
  readonly unknownGen: 'legacy-off' | 'skip-all' | 'opregion-only';
  /** GMS the guest sees without x-igd-gms: 0 (2016 design) or the host's. */
  readonly gmsDefault: 'zero' | 'host';
  /** x-igd-gms: ignored (9.2), 1..0x10 (≤ 9.1), or per-generation ranges (10.x). */
  readonly gmsOption: 'none' | 'q16' | 'qn-0x40' | 'qn-0xfe';
  /** What a rejected x-igd-gms does: reported and ignored, or realize fails. */
  readonly gmsInvalid: 'ignore' | 'refuse';
  /** etc/igd-bdsm-size: GTT (GSM) + DSM, or DSM only. */
  readonly bdsmSize: 'gsm+dsm' | 'dsm';
  /** `1 << GGMS` without the zero check: GGMS 0 sizes the GSM at 1 MiB (gen ≥ 8 in QEMU's numbering). */
  readonly ggmsZeroIsOneMiB: boolean;
  /** The BDSM register QEMU emulates on gen 11+: the 64-bit one at 0xC0, or (≤ 9.1) always 0x5C. */
  readonly bdsmGen11: boolean;
  /** The BAR4 index/data GTT quirk (vfio_igd_quirk_data_write), installed with legacy mode. */
  readonly bar4Quirk: boolean;
  /** When GMCH (0x50) is emulated (read-only, QEMU's value): with legacy mode, whenever IGD setup runs, or only with x-igd-gms. */
  readonly gmchEmulated: 'legacy' | 'setup' | 'x-igd-gms';
  /** BAR0 mirrors: GGC at 0x108040, BDSM at 0x1080C0. */
  readonly ggcMirror: 'none' | 'setup' | 'x-igd-gms';
  readonly bdsmMirror: 'none' | 'gen11' | 'setup';
  /** ASLS (0xFC) emulated: when the OpRegion is set up, or whenever an OpRegion is detected. */
  readonly aslsEmulated: 'opregion' | 'detected';
  /** x-igd-opregion's default. */
  readonly opregionDefault: boolean;
  /** vfio-pci IGD options the line has (others are unknown properties to that QEMU). */
  readonly options: readonly string[];
}

const Q9_OPTIONS = ['x-igd-opregion', 'x-igd-gms'] as const;

export const IGD_QEMU_LINES: Readonly<Record<IgdQemuLine, IgdQemuBehaviour>> = {
  '9.1': {
    line: '9.1', label: '≤ 9.1', since: '0', genTable: 'q16', model: 'bar4-probe', legacyGens: 'snb-or-gen8', legacyNeedsVgaDecode: false,
    display: 'vga', unknownGen: 'legacy-off', gmsDefault: 'zero', gmsOption: 'q16', gmsInvalid: 'ignore', bdsmSize: 'gsm+dsm',
    ggmsZeroIsOneMiB: true, bdsmGen11: false, bar4Quirk: true, gmchEmulated: 'legacy', ggcMirror: 'none', bdsmMirror: 'none',
    aslsEmulated: 'opregion', opregionDefault: false, options: Q9_OPTIONS,
  },
  '9.2': {
    line: '9.2', label: '9.2', since: '9.2', genTable: 'q24', model: 'bar4-probe', legacyGens: 'known', legacyNeedsVgaDecode: false,
    display: 'vga', unknownGen: 'legacy-off', gmsDefault: 'host', gmsOption: 'none', gmsInvalid: 'ignore', bdsmSize: 'gsm+dsm',
    ggmsZeroIsOneMiB: true, bdsmGen11: true, bar4Quirk: true, gmchEmulated: 'legacy', ggcMirror: 'none', bdsmMirror: 'gen11',
    // x-igd-gms stays a property (hw/vfio/pci.c) but igd.c no longer reads it: accepted and ignored.
    aslsEmulated: 'opregion', opregionDefault: false, options: ['x-igd-opregion', 'x-igd-gms'],
  },
  '10.0': {
    line: '10.0', label: '10.0', since: '10.0', genTable: 'qn', model: 'config-quirk', legacyGens: 'gen6-9', legacyNeedsVgaDecode: false,
    display: 'vga', unknownGen: 'skip-all', gmsDefault: 'host', gmsOption: 'qn-0x40', gmsInvalid: 'ignore', bdsmSize: 'dsm',
    ggmsZeroIsOneMiB: false, bdsmGen11: true, bar4Quirk: false, gmchEmulated: 'setup', ggcMirror: 'setup', bdsmMirror: 'setup',
    aslsEmulated: 'opregion', opregionDefault: false, options: ['x-igd-opregion', 'x-igd-gms', 'x-igd-lpc', 'x-igd-legacy-mode'],
  },
  '10.1': {
    line: '10.1', label: '10.1+', since: '10.1', genTable: 'qn', model: 'config-quirk', legacyGens: 'gen6-9', legacyNeedsVgaDecode: true,
    display: 'any', unknownGen: 'opregion-only', gmsDefault: 'host', gmsOption: 'qn-0xfe', gmsInvalid: 'refuse', bdsmSize: 'dsm',
    ggmsZeroIsOneMiB: false, bdsmGen11: true, bar4Quirk: false, gmchEmulated: 'x-igd-gms', ggcMirror: 'x-igd-gms', bdsmMirror: 'setup',
    aslsEmulated: 'detected', opregionDefault: true, options: ['x-igd-opregion', 'x-igd-gms', 'x-igd-lpc', 'x-igd-legacy-mode', 'x-pci-class-code'],
  },
};

export const IGD_QEMU_LINE_NAMES: readonly IgdQemuLine[] = ['9.1', '9.2', '10.0', '10.1'];

function cmp(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am !== bm ? am - bm : an - bn;
}

/** The IGD line a QEMU version belongs to: the last line whose first release is not newer. */
export function igdQemuLine(qemu: string): IgdQemuBehaviour {
  let best = IGD_QEMU_LINES['9.1'];
  for (const name of IGD_QEMU_LINE_NAMES) if (cmp(IGD_QEMU_LINES[name].since, qemu) <= 0) best = IGD_QEMU_LINES[name];
  return best;
}

/** The ≤ 9.1 igd_gen() (2016): HSW/VLV count as 6, SKL/KBL as 8, old IDs -1, anything newer 8. */
function q16Gen(deviceId: number): number {
  if ((deviceId & 0xfff) === 0xa84) return 8;
  switch (deviceId & 0xff00) {
    case 0x0000: case 0x2500: case 0x2700: case 0x2900: case 0x2a00: case 0x2e00: case 0x3500: case 0xa000: return -1;
    case 0x0100: case 0x0400: case 0x0a00: case 0x0c00: case 0x0d00: case 0x0f00: return 6;
    default: return 8; // "Assume newer is compatible"
  }
}

/** 9.2's igd_gen(): 9.1's classes plus CFL 9, EHL 11, TGL 12; unknown IDs -1. */
function q24Gen(deviceId: number): number {
  if ((deviceId & 0xfff) === 0xa84) return 8;
  switch (deviceId & 0xff00) {
    case 0x0100: case 0x0400: case 0x0a00: case 0x0c00: case 0x0d00: case 0x0f00: return 6;
    case 0x1600: case 0x1900: case 0x2200: case 0x5900: return 8;
    case 0x3e00: return 9;
    case 0x4500: return 11;
    case 0x9a00: return 12;
    default: return -1;
  }
}

/** 10.x igd_gen(): IDs aligned with i915, Broxton (bits 11:1 = 0xA84) first; MTL and later unknown (-1) — tables.ts's table. */
const qnGen = qemu10Gen;

const GEN_TABLES: Readonly<Record<IgdQemuBehaviour['genTable'], (deviceId: number) => number>> = { q16: q16Gen, q24: q24Gen, qn: qnGen };

/** QEMU's generation for a device ID under one line (-1: no generation-specific quirks). */
export function lineGen(b: IgdQemuBehaviour, deviceId: number): number {
  return GEN_TABLES[b.genTable](deviceId);
}

/** Whether legacy mode accepts QEMU generation `qgen` in this line. */
export function legacyGenOk(b: IgdQemuBehaviour, qgen: number): boolean {
  if (b.legacyGens === 'snb-or-gen8') return qgen === 6 || qgen === 8;
  if (b.legacyGens === 'known') return qgen !== -1;
  return qgen >= 6 && qgen <= 9;
}

/**
 * x-igd-gms under a line: the accepted range text QEMU prints ("0~0x10", …) and whether `gms` is in it.
 * ≤ 9.1: 1..0x10 for every generation. 10.0: ≤ 0x10 below gen 8, else ≤ 0x40. 10.1: gen 8 ≤ 0x40, gen 9+ also
 * 0xF0..0xFE.
 */
export function gmsOverrideRange(b: IgdQemuBehaviour, qgen: number): { text: string; ok: (gms: number) => boolean } {
  if (b.gmsOption === 'q16' || qgen < 8) return { text: '0~0x10', ok: (g) => g <= 0x10 };
  if (b.gmsOption === 'qn-0x40' || qgen === 8) return { text: '0~0x40', ok: (g) => g <= 0x40 };
  return { text: '0~0x40 or 0xf0~0xfe', ok: (g) => g <= 0x40 || (g >= 0xf0 && g <= 0xfe) };
}
