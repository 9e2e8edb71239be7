/**
 * The IGD display engine, as far as a passthrough emulator needs it: the primary plane of pipe A
 * (what a vBIOS mode set programs through BAR0's MMIO registers, which the device keeps) and its
 * scan-out, which walks the GTT for the surface's graphics addresses, decodes each PTE by
 * generation, and DMAs every page through the device's DMA port, i.e. through the IOMMU. Faults and
 * silent reads of the wrong guest RAM are the IOMMU's to record; this counts what happened per page.
 */
import type { DmaPort } from '../memory/dma.js';
import type { IgdFunction } from './device.js';

// Pipe A / primary plane A registers in BAR0's MMIO half (i915 i915_reg.h: PIPESRC(PIPE_A),
// DSPCNTR/DSPSTRIDE/DSPSURF(PLANE_A); on gen 9+ the same offsets are PLANE_CTL/STRIDE/SURF(A, 1)).
export const PIPEASRC = 0x6001c; // (width - 1) << 16 | (height - 1)
export const DSPACNTR = 0x70180; // bit 31: plane enable
export const DSPASTRIDE = 0x70188; // bytes per line
export const DSPASURF = 0x7019c; // graphics address of the surface (4 KiB aligned)
export const DSPCNTR_ENABLE = 0x8000_0000;

const PAGE = 4096;
const FNV_PRIME = 0x01000193;

/**
 * FNV-1a over a zero byte is h = h * prime (xor with 0 is a no-op), so a whole zero page is one
 * multiplication by prime^4096 mod 2^32: the fingerprint of a never-written page (most of a fresh
 * framebuffer) without touching its 4096 bytes one by one.
 */
const FNV_PRIME_POW_PAGE = ((): number => {
  let m = 1;
  for (let i = 0; i < PAGE; i++) m = Math.imul(m, FNV_PRIME);
  return m;
})();

/** True when the page in `words` (a Uint32Array view of the scratch page) is all zero: a word at a time. */
function zeroPage(words: Uint32Array): boolean {
  for (let i = 0; i < words.length; i += 8) {
    if ((words[i]! | words[i + 1]! | words[i + 2]! | words[i + 3]! | words[i + 4]! | words[i + 5]! | words[i + 6]! | words[i + 7]!) !== 0) return false;
  }
  return true;
}

/** The GTT as the display engine reads it (devices/igd/gtt.ts Gtt satisfies this). */
export interface GttView {
  readonly entries: number;
  /** The page entry `i` maps, or -1 when the entry is not valid. */
  pageAddress(i: number): number;
}

export interface DisplayMode {
  readonly enabled: boolean;
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  readonly surface: number;
}

export interface ScanoutResult extends DisplayMode {
  /** GTT entries the frame covers. */
  readonly pages: number;
  /** Pages read through the IOMMU without a fault. */
  readonly readPages: number;
  /** Pages whose DMA faulted (the IOMMU recorded why). */
  readonly faultedPages: number;
  /** Entries with the valid bit clear (nothing fetched) and entries past the GTT's end. */
  readonly invalidEntries: number;
  readonly outOfRange: number;
  /** Entries inside the GTT left unfetched because the frame passed the page budget (0 normally). */
  readonly unfetched: number;
  /** First page address the frame fetched from, or null (for reports). */
  readonly firstPage: number | null;
  /** FNV-1a over every byte fetched (faulted pages read as 0xff): a frame fingerprint for tests. */
  readonly fingerprint: number;
}

/** The plane's mode from its registers (`readReg` reads a BAR0 MMIO dword). */
export function planeMode(readReg: (offset: number) => number): DisplayMode {
  const src = readReg(PIPEASRC);
  return {
    enabled: (readReg(DSPACNTR) & DSPCNTR_ENABLE) !== 0,
    width: (src >>> 16) + 1,
    height: (src & 0xffff) + 1,
    stride: readReg(DSPASTRIDE),
    surface: (readReg(DSPASURF) & ~(PAGE - 1)) >>> 0,
  };
}

/** The assigned IGD's scan-out: the mode its registers hold, through its GTT, DMA'd through `dma`. */
export function igdScanOut(igd: Pick<IgdFunction, 'gtt' | 'bar0Dword'>, dma: DmaPort, maxPages = Infinity): ScanoutResult {
  return scanOutFrame(igd.gtt, dma, planeMode((off) => igd.bar0Dword(off)), new Uint8Array(PAGE), maxPages);
}

/**
 * Fetches one frame of `mode`: for each 4 KiB of the surface, the GTT entry's page, read through `dma`.
 * At most `maxPages` entries are fetched (the boot's page budget): a vBIOS can program PIPEASRC and
 * DSPASTRIDE to 0xffffffff, a 2^48-byte "frame" no display engine would scan. The rest of such a
 * frame counts as `unfetched`; entries past the GTT's end are counted without a loop.
 */
export function scanOutFrame(gtt: GttView, dma: DmaPort, mode: DisplayMode, scratch = new Uint8Array(PAGE), maxPages = Infinity): ScanoutResult {
  let readPages = 0;
  let faultedPages = 0;
  let invalidEntries = 0;
  let outOfRange = 0;
  let firstPage: number | null = null;
  let h = 0x811c9dc5;
  const bytes = mode.enabled ? mode.stride * mode.height : 0;
  const first = Math.floor(mode.surface / PAGE);
  const pages = Math.ceil(((mode.surface % PAGE) + bytes) / PAGE);
  const words = scratch.byteOffset % 4 === 0 ? new Uint32Array(scratch.buffer, scratch.byteOffset, PAGE / 4) : undefined;
  const inGtt = Math.max(0, Math.min(pages, gtt.entries - first));
  outOfRange = pages - inGtt;
  const fetched = Math.min(inGtt, maxPages);
  for (let i = 0; i < fetched; i++) {
    const idx = first + i;
    const a = gtt.pageAddress(idx);
    if (a < 0) {
      invalidEntries++;
      continue;
    }
    firstPage ??= a;
    if (dma.readBytes(a, scratch)) readPages++;
    else faultedPages++;
    if (words !== undefined && zeroPage(words)) h = Math.imul(h, FNV_PRIME_POW_PAGE);
    else for (let b = 0; b < PAGE; b++) h = Math.imul(h ^ scratch[b]!, FNV_PRIME);
  }
  return { ...mode, pages, readPages, faultedPages, invalidEntries, outOfRange, unfetched: inGtt - fetched, firstPage, fingerprint: h >>> 0 };
}
