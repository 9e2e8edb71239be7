import type { PropValue } from '../spec.js';
import { MiB, QXL_DEFAULT_REVISION, QXL_IO_SIZE_BY_REVISION, QXL_MAX_REVISION } from './constants.js';

/** Everything QEMU 7.2 derives from the qxl properties at realize time (qxl_init_ramsize, qxl_realize_common). */
export interface QxlConfig {
  readonly revision: number; // 1..5; also the PCI revision byte
  readonly vgamemSize: number; // bytes, power of two (the mode filter and primary limit)
  readonly ramSize: number; // BAR0
  readonly vram32Size: number; // BAR1
  readonly vram64Size: number; // full vram; BAR4 exists only when larger than vram32
  readonly ioSize: number; // BAR3
  readonly numSurfaces: number;
  readonly guestdebug: number;
  readonly xres: number;
  readonly yres: number;
  readonly maxOutputs: number;
}

/** QEMU's pow2ceil for a positive size (values already a power of two stay). */
export function pow2ceil(v: number): number {
  if (v <= 1) return 1;
  let p = 1;
  while (p < v) p *= 2;
  return p;
}

/** Parses a QEMU size value: a number of bytes or a string with an optional K/M/G/T suffix (binary units). */
export function parseSize(v: PropValue | undefined): number | undefined {
  if (v === undefined || typeof v === 'boolean') return undefined;
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+)\s*([kKmMgGtT]?)i?[bB]?\s*$/.exec(v);
  if (m === null) return undefined;
  const mult = { '': 1, k: 1024, m: MiB, g: 1024 * MiB, t: 1024 * 1024 * MiB }[m[2]!.toLowerCase()] ?? 1;
  return Number(m[1]) * mult;
}

function intProp(props: Readonly<Record<string, PropValue>>, name: string): number | undefined {
  return intValue(props[name]);
}

function intValue(v: PropValue | undefined): number | undefined {
  if (v === undefined || typeof v === 'boolean') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

/** The error QEMU's realize reports for these properties, or undefined when QEMU accepts them. */
export function validateQxlProps(props: Readonly<Record<string, PropValue>>): string | undefined {
  const rev = intProp(props, 'revision') ?? QXL_DEFAULT_REVISION;
  if (rev < 1 || rev > QXL_MAX_REVISION) return `Invalid revision ${rev} for qxl device (max ${QXL_MAX_REVISION})`;
  const surfaces = intProp(props, 'surfaces');
  if (surfaces !== undefined && surfaces < 1) return `qxl: surfaces must be at least 1 (got ${surfaces})`;
  return undefined;
}

/** qxl_init_ramsize: clamps vgamem to 8..256 MiB, BAR0 >= 2 x vgamem, vram32 >= 4 KiB, vram64 >= vram32, rev 1 forces 4 KiB, pow2. */
export function qxlConfig(props: Readonly<Record<string, PropValue>>): QxlConfig {
  // One pass over the properties given (most devices give none or two) instead of eleven lookups by name, nearly
  // all of them misses, per device per boot (docs/performance.md §25). Props are plain objects: own keys are all.
  let revisionProp: number | undefined;
  let vgamemProp: number | undefined;
  let ramSizeProp: number | undefined;
  let ramMb: number | undefined;
  let vramSizeProp: number | undefined;
  let vramMb: number | undefined;
  let vram64Mb: number | undefined;
  let surfaces: number | undefined;
  let guestdebug: number | undefined;
  let xres: number | undefined;
  let yres: number | undefined;
  let maxOutputs: number | undefined;
  for (const k of Object.keys(props)) {
    const v = props[k];
    switch (k) {
      case 'revision': revisionProp = intValue(v); break;
      case 'vgamem_mb': vgamemProp = intValue(v); break;
      case 'ram_size': ramSizeProp = parseSize(v); break;
      case 'ram_size_mb': ramMb = intValue(v); break;
      case 'vram_size': vramSizeProp = parseSize(v); break;
      case 'vram_size_mb': vramMb = intValue(v); break;
      case 'vram64_size_mb': vram64Mb = intValue(v); break;
      case 'surfaces': surfaces = intValue(v); break;
      case 'guestdebug': guestdebug = intValue(v); break;
      case 'xres': xres = intValue(v); break;
      case 'yres': yres = intValue(v); break;
      case 'max_outputs': maxOutputs = intValue(v); break;
      default: break;
    }
  }
  const revision = revisionProp ?? QXL_DEFAULT_REVISION;
  let vgamemMb = vgamemProp ?? 16;
  if (vgamemMb < 8) vgamemMb = 8;
  if (vgamemMb > 256) vgamemMb = 256;
  let vgamem = vgamemMb * MiB;

  let ram = ramSizeProp ?? 64 * MiB;
  // hw/display/qxl.c qxl_init_ramsize: `qxl->vga.vram_size = qxl->ram_size_mb * MiB;` stores into the
  // uint32_t VGACommonState.vram_size, so 4096 MiB wraps to 0 and the vgamem clamp below makes it 32 MiB.
  if (ramMb !== undefined && ramMb >= 0) ram = (ramMb * MiB) % 2 ** 32;
  if (ram < vgamem * 2) ram = vgamem * 2;

  let vram32 = vramSizeProp ?? 64 * MiB;
  if (vramMb !== undefined && vramMb >= 0) vram32 = vramMb * MiB;
  if (vram32 < 4096) vram32 = 4096;

  let vram64 = vram32; // QEMU's vram_size defaults to 0, then is raised to vram32
  if (vram64Mb !== undefined && vram64Mb >= 0) vram64 = vram64Mb * MiB;
  if (vram64 < vram32) vram64 = vram32;

  if (revision === 1) {
    vram32 = 4096;
    vram64 = 4096;
  }
  vgamem = pow2ceil(vgamem);
  return {
    revision,
    vgamemSize: vgamem,
    ramSize: pow2ceil(ram),
    vram32Size: pow2ceil(vram32),
    vram64Size: pow2ceil(vram64),
    ioSize: QXL_IO_SIZE_BY_REVISION[revision] ?? 32,
    numSurfaces: surfaces ?? 1024,
    guestdebug: guestdebug ?? 0,
    xres: xres ?? 0,
    yres: yres ?? 0,
    maxOutputs: maxOutputs ?? 0,
  };
}
