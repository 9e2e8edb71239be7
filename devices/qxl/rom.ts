import {
  MEMSLOT_GENERATION_BITS, MEMSLOT_SLOT_BITS, NUM_MEMSLOTS, QXL_MODE_SIZEOF, QXL_PAGE_SIZE, QXL_RAM_SIZEOF,
  QXL_ROM_MAGIC, QXL_ROM_SIZE, QXL_ROM_SIZEOF, ROM_CLIENT_MONITORS_CONFIG, ROM_CLIENT_MONITORS_CONFIG_CRC,
  ROM_CLIENT_MONITORS_CONFIG_SIZEOF, ROM_DRAW_AREA_OFFSET, ROM_ID, ROM_LOG_LEVEL, ROM_MAGIC, ROM_MODES_OFFSET,
  ROM_N_SURFACES, ROM_NUM_PAGES, ROM_PAGES_OFFSET, ROM_RAM_HEADER_OFFSET, ROM_SLOT_GEN_BITS, ROM_SLOT_ID_BITS,
  ROM_SLOTS_END, ROM_SLOTS_START, ROM_SURFACE0_AREA_SIZE,
} from './constants.js';
import type { QxlConfig } from './sizing.js';

/** One QXLMode record as QEMU's static table defines it. */
export interface QxlModeEntry {
  readonly id: number; // index in the full table
  readonly xRes: number;
  readonly yRes: number;
  readonly bits: number;
  readonly stride: number;
  readonly xMili: number;
  readonly yMili: number;
  readonly orientation: number;
}

/** The 37 resolutions of QEMU 7.2's qxl_modes[] (hw/display/qxl.c), in table order (docs/qxl.md §3.2). */
const RESOLUTIONS: readonly (readonly [number, number])[] = [
  [640, 480], [800, 480], [800, 600], [832, 624], [960, 640], [1024, 600], [1024, 768], [1152, 864], [1152, 870],
  [1280, 720], [1280, 760], [1280, 768], [1280, 800], [1280, 960], [1280, 1024], [1360, 768], [1366, 768],
  [1400, 1050], [1440, 900], [1600, 900], [1600, 1200], [1680, 1050], [1920, 1080], [1920, 1200], [1920, 1440],
  [2000, 2000], [2048, 1536], [2048, 2048], [2560, 1440], [2560, 1600], [2560, 2048], [2800, 2100], [3200, 2400],
  [3840, 2160], [4096, 2160], [7680, 4320], [8192, 4320],
];
/** QEMU's PIXEL_SIZE: millimetres per pixel (1280x1024 is 14.8" x 11.9"); x_mili/y_mili truncate. */
const PIXEL_SIZE_MM = 0.2936875;

/** The full 148-entry table: per resolution 16 bpp o0, 32 bpp o0, 16 bpp o1, 32 bpp o1 (QXL_MODE_EX). */
export const QXL_MODES: readonly QxlModeEntry[] = RESOLUTIONS.flatMap(([x, y], r) =>
  [0, 1].flatMap((orientation) =>
    [16, 32].map((bits, b) => ({
      id: r * 4 + orientation * 2 + b,
      xRes: x,
      yRes: y,
      bits,
      stride: (x * bits) / 8,
      xMili: Math.trunc(PIXEL_SIZE_MM * x),
      yMili: Math.trunc(PIXEL_SIZE_MM * y),
      orientation,
    })),
  ),
);

/** Modes published in the ROM: those whose y_res x stride fits in vgamem; ids stay full-table indices. */
export function publishedModes(vgamemSize: number): QxlModeEntry[] {
  return QXL_MODES.filter((m) => m.yRes * m.stride <= vgamemSize);
}

export const QXL_RAM_HEADER_SIZE = Math.ceil(QXL_RAM_SIZEOF / QXL_PAGE_SIZE) * QXL_PAGE_SIZE;

/** Derived layout of BAR0 (init_qxl_rom). */
export interface RamLayout {
  readonly surface0AreaSize: number;
  readonly numPages: number;
  readonly ramHeaderOffset: number;
}

export function ramLayout(cfg: QxlConfig): RamLayout {
  const surface0AreaSize = Math.ceil(cfg.vgamemSize / QXL_PAGE_SIZE) * QXL_PAGE_SIZE;
  return {
    surface0AreaSize,
    numPages: Math.floor((cfg.ramSize - QXL_RAM_HEADER_SIZE - surface0AreaSize) / QXL_PAGE_SIZE),
    ramHeaderOffset: cfg.ramSize - QXL_RAM_HEADER_SIZE,
  };
}

/** The Linux-style CRC-32 QEMU uses for client_monitors_config (zlib crc32 with its inversions undone). */
export function qxlCrc32(data: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < data.length; i++) {
    c ^= data[i]!;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return c >>> 0;
}

/** init_qxl_rom: the QXLRom header followed by QXLModes, in an 8 KiB zero-filled buffer. */
export function buildRom(cfg: QxlConfig, deviceId: number): Uint8Array {
  const rom = new Uint8Array(QXL_ROM_SIZE);
  const dv = new DataView(rom.buffer);
  const u32 = (off: number, v: number): void => dv.setUint32(off, v >>> 0, true);
  u32(ROM_MAGIC, QXL_ROM_MAGIC);
  u32(ROM_ID, deviceId);
  u32(ROM_LOG_LEVEL, cfg.guestdebug);
  u32(ROM_MODES_OFFSET, QXL_ROM_SIZEOF);
  rom[ROM_SLOT_GEN_BITS] = MEMSLOT_GENERATION_BITS;
  rom[ROM_SLOT_ID_BITS] = MEMSLOT_SLOT_BITS;
  rom[ROM_SLOTS_START] = 1;
  rom[ROM_SLOTS_END] = NUM_MEMSLOTS - 1;
  u32(ROM_N_SURFACES, cfg.numSurfaces);

  // Each published QXLMode is written field by field into the buffer: no per-mode arrays (this runs once per
  // QXL device per boot; docs/performance.md §12).
  let count = 0;
  for (const m of QXL_MODES) {
    if (m.yRes * m.stride > cfg.vgamemSize) continue;
    const o = QXL_ROM_SIZEOF + 4 + count * QXL_MODE_SIZEOF;
    u32(o, m.id);
    u32(o + 4, m.xRes);
    u32(o + 8, m.yRes);
    u32(o + 12, m.bits);
    u32(o + 16, m.stride);
    u32(o + 20, m.xMili);
    u32(o + 24, m.yMili);
    u32(o + 28, m.orientation);
    count++;
  }
  u32(QXL_ROM_SIZEOF, count);

  const layout = ramLayout(cfg);
  u32(ROM_DRAW_AREA_OFFSET, 0);
  u32(ROM_SURFACE0_AREA_SIZE, layout.surface0AreaSize);
  u32(ROM_PAGES_OFFSET, layout.surface0AreaSize);
  u32(ROM_NUM_PAGES, layout.numPages);
  u32(ROM_RAM_HEADER_OFFSET, layout.ramHeaderOffset);

  if (cfg.xres !== 0 && cfg.yres !== 0) {
    // Pre-filled client monitors config, head 0 (needs Linux 4.12+): {count 1, heads[0] = {0, 0, yres, xres}}.
    dv.setUint16(ROM_CLIENT_MONITORS_CONFIG, 1, true);
    u32(ROM_CLIENT_MONITORS_CONFIG + 4 + 8, cfg.yres); // bottom
    u32(ROM_CLIENT_MONITORS_CONFIG + 4 + 12, cfg.xres); // right
    const region = rom.subarray(ROM_CLIENT_MONITORS_CONFIG, ROM_CLIENT_MONITORS_CONFIG + ROM_CLIENT_MONITORS_CONFIG_SIZEOF);
    u32(ROM_CLIENT_MONITORS_CONFIG_CRC, qxlCrc32(region));
  }
  return rom;
}
