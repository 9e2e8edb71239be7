import type { MachineType } from '../config/spec.js';

export const GiB = 0x4000_0000;
export const FOUR_GIB = 0x1_0000_0000;
/** q35 keeps all RAM below 4G only under 0xb0000000 (the MMCONFIG base), else 2 GiB (QEMU pc_q35.c; seabios-pci.md §12.1). */
export const Q35_LOWMEM_LIMIT = 0xb000_0000;
/** pc keeps all RAM below 4G under 0xe0000000, else 3 GiB (QEMU pc_piix.c gigabyte_align; seabios-pci.md §12.1). */
export const PC_LOWMEM_LIMIT = 0xe000_0000;
/** The AMD HyperTransport hole QEMU 7.2 reserves in its e820 (seabios-pci.md §12.1, §14). */
export const HT_HOLE_START = 0xfd_0000_0000;
export const HT_HOLE_END = 0x100_0000_0000;
/** q35 MMCONFIG window SeaBIOS programs (seabios-pci.md §2). */
export const Q35_MMCONFIG_BASE = 0xb000_0000;
export const Q35_MMCONFIG_SIZE = 0x1000_0000;

export interface RamLayout {
  readonly below4g: number;
  readonly above4g: number;
}

/** QEMU rounds `-m` up to 8 KiB (hw/core/machine.c machine_set_mem: QEMU_ALIGN_UP(mem->size, 8192); 7.2 and 10.0). */
export const RAM_SIZE_ALIGN = 8192;

export function qemuRamSize(memory: number): number {
  return Math.ceil(memory / RAM_SIZE_ALIGN) * RAM_SIZE_ALIGN;
}

/**
 * How QEMU (7.2 and 10.0 alike) splits guest RAM, rounded as QEMU rounds it, around the 32-bit PCI hole, with
 * `-machine max-ram-below-4g` (hw/i386/pc_q35.c pc_q35_init: min(QEMU's lowmem, the option); pc_piix.c
 * pc_init1: the option replaces 0xe0000000, and gigabyte_align caps a split at 3 GiB).
 */
export function ramLayout(type: MachineType, requested: number, maxRamBelow4g?: number): RamLayout {
  const memory = qemuRamSize(requested);
  if (type === 'q35') {
    let lowmem = memory >= Q35_LOWMEM_LIMIT ? 2 * GiB : Q35_LOWMEM_LIMIT;
    if (maxRamBelow4g !== undefined && lowmem > maxRamBelow4g) lowmem = maxRamBelow4g;
    const below4g = memory >= lowmem ? lowmem : memory;
    return { below4g, above4g: memory - below4g };
  }
  let lowmem = maxRamBelow4g ?? PC_LOWMEM_LIMIT;
  if (memory < lowmem) return { below4g: memory, above4g: 0 };
  if (lowmem > 3 * GiB) lowmem = 3 * GiB;
  return { below4g: lowmem, above4g: memory - lowmem };
}
