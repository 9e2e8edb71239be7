import type { PropValue } from '../spec.js';
import { MiB, QXL_PAGE_SIZE } from './constants.js';
import { QXL_MODES, publishedModes } from './rom.js';
import { pow2ceil, qxlConfig } from './sizing.js';

/** QEMU clamps vgamem_mb to 8..256 (qxl_init_ramsize). */
export const VGAMEM_MAX = 256 * MiB;
const RAM_HEADER = 8192; // ALIGN(sizeof(QXLRam), 4096)

export interface SizeCheck {
  readonly heads: number;
  readonly width: number;
  readonly height: number;
  /** The one primary surface the guest creates for all heads side by side (Linux qxl KMS, qxl-wddm-dod). */
  readonly primaryBytes: number;
  /** What the props give after QEMU's clamping and rounding. */
  readonly vgamem: number;
  readonly ramSize: number;
  readonly vramSize: number;
  /** Pages left in BAR0 for commands, drawables and images (rom->num_pages). */
  readonly numPages: number;
  /** QEMU publishes a ROM mode only if y_res x stride <= vgamem (init_qxl_rom). */
  readonly modeInRom: boolean;
  readonly modeInTable: boolean;
  /** Smallest vgamem_mb that holds the primary (undefined: more than QEMU's 256 MiB clamp). */
  readonly neededVgamemMb: number | undefined;
  readonly fits: boolean;
  readonly problems: readonly string[];
}

const mb = (n: number): string => `${(n / MiB).toFixed(n % MiB === 0 ? 0 : 1)} MiB`;

/**
 * Whether `heads` monitors of `width` x `height` (32 bpp) fit a QXL device with `props`. QEMU's rules:
 * qxl_create_guest_primary refuses a primary with |stride| x height > vgamem ("requested primary larger than
 * framebuffer", a guest bug that stops the display: the multi-head hang users report); init_qxl_rom lists only
 * modes whose y_res x stride fits vgamem; qxl_init_ramsize raises BAR0 to 2 x vgamem and rounds to powers of two.
 */
export function checkSize(heads: number, width: number, height: number, props: Readonly<Record<string, PropValue>>): SizeCheck {
  const cfg = qxlConfig(props);
  const primaryBytes = heads * width * 4 * height;
  const needed = pow2ceil(Math.max(primaryBytes, 8 * MiB));
  const neededVgamemMb = needed <= VGAMEM_MAX ? needed / MiB : undefined;
  const modeInTable = QXL_MODES.some((m) => m.xRes === width && m.yRes === height);
  const modeInRom = publishedModes(cfg.vgamemSize).some((m) => m.xRes === width && m.yRes === height && m.bits === 32);
  const surface0 = Math.ceil(cfg.vgamemSize / QXL_PAGE_SIZE) * QXL_PAGE_SIZE;
  const numPages = Math.floor((cfg.ramSize - RAM_HEADER - surface0) / QXL_PAGE_SIZE);
  const problems: string[] = [];
  if (primaryBytes > cfg.vgamemSize) {
    problems.push(
      `the primary for ${heads} x ${width}x${height} needs ${primaryBytes} bytes (${mb(primaryBytes)}) but vgamem is ${mb(cfg.vgamemSize)}: ` +
        (neededVgamemMb !== undefined ? `set vgamem_mb=${neededVgamemMb}` : `more than QEMU's 256 MiB vgamem limit: use fewer heads or a smaller resolution`),
    );
  }
  if (modeInTable && !modeInRom) problems.push(`${width}x${height} is not in the ROM mode list with vgamem ${mb(cfg.vgamemSize)} (modes need y_res x stride <= vgamem)`);
  return {
    heads, width, height, primaryBytes,
    vgamem: cfg.vgamemSize, ramSize: cfg.ramSize, vramSize: cfg.vram32Size, numPages,
    modeInRom, modeInTable, neededVgamemMb, fits: problems.length === 0, problems,
  };
}

/** The props to use: the smallest vgamem that fits, BAR0 at QEMU's 2 x vgamem floor (what it would raise it to anyway). */
export function suggestedProps(c: SizeCheck): Record<string, number> | undefined {
  if (c.neededVgamemMb === undefined) return undefined;
  const vgamem = Math.max(c.neededVgamemMb, c.vgamem / MiB);
  return { vgamem_mb: vgamem, ram_size_mb: Math.max(2 * vgamem, c.ramSize / MiB), vram_size_mb: c.vramSize / MiB };
}
