import type { MachineType } from '../../../devices/spec.js';
import type { CpuProfile } from '../profile/cpu.js';
import { compareVersions } from '../../../devices/qemu-version.js';

export const GiB = 0x4000_0000;
export const FOUR_GIB = 0x1_0000_0000;
/** q35 keeps all RAM below 4G only under 0xb0000000 (the MMCONFIG base), else 2 GiB (QEMU pc_q35.c; docs/firmware-seabios.md §13.1). */
export const Q35_LOWMEM_LIMIT = 0xb000_0000;
/** pc keeps all RAM below 4G under 0xe0000000, else 3 GiB (QEMU pc_piix.c gigabyte_align; docs/firmware-seabios.md §13.1). */
export const PC_LOWMEM_LIMIT = 0xe000_0000;
/** AMD's HyperTransport range below 1 TiB (QEMU hw/i386/pc.c AMD_HT_START, AMD_HT_END + 1). */
export const HT_HOLE_START = 0xfd_0000_0000;
export const HT_HOLE_END = 0x100_0000_0000;
/** q35 MMCONFIG window SeaBIOS programs (docs/firmware-seabios.md §2). */
export const Q35_MMCONFIG_BASE = 0xb000_0000;
export const Q35_MMCONFIG_SIZE = 0x1000_0000;

export interface RamLayout {
  readonly below4g: number;
  readonly above4g: number;
  /** Where RAM above 4 GiB starts: 4 GiB, or 1 TiB when QEMU moves it past AMD's HyperTransport range. */
  readonly above4gStart: number;
  /** Whether QEMU's etc/e820 reserves [HT_HOLE_START, HT_HOLE_END). */
  readonly htHoleReserved: boolean;
}

/** QEMU rounds `-m` up to 8 KiB (hw/core/machine.c machine_set_mem: QEMU_ALIGN_UP(mem->size, 8192); 7.2 and 10.0). */
export const RAM_SIZE_ALIGN = 8192;

export function qemuRamSize(memory: number): number {
  return Math.ceil(memory / RAM_SIZE_ALIGN) * RAM_SIZE_ALIGN;
}

/** What besides type and size decides the layout (all from the machine profile and -m). */
export interface LayoutOptions {
  readonly cpu: Pick<CpuProfile, 'vendor' | 'physBits'>;
  /** The machine type's version (`pc-q35-7.0` → "7.0"). */
  readonly machineVersion: string;
  // `| undefined`: the machine passes its spec's fields as they are, without spreading each into a temporary.
  readonly maxmem?: number | undefined;
  readonly slots?: number | undefined;
  /** `-machine max-ram-below-4g`. */
  readonly maxRamBelow4g?: number | undefined;
}

/** RAM above 4 GiB moved to 1 TiB (QEMU hw/i386/pc.c AMD_ABOVE_1TB_START). */
export const ABOVE_1TB_START = HT_HOLE_END;

/**
 * The first machine-type version that moves RAM past the HT range: QEMU 7.1 added `enforce_amd_1tb_hole` and
 * turned it off for pc-i440fx-7.0/pc-q35-7.0 and older (hw/i386/pc_piix.c, pc_q35.c `*_7_0_machine_options`).
 */
export const AMD_1TB_HOLE_SINCE = '7.1';

/**
 * Default size of the 64-bit PCI hole QEMU counts when it works out the highest guest-physical address in use
 * (hw/pci-host/q35.c Q35_PCI_HOST_HOLE64_SIZE_DEFAULT = 1 << 35; hw/pci-host/i440fx.c
 * I440FX_PCI_HOST_HOLE64_SIZE_DEFAULT = 1 << 31). SeaBIOS 1.16.2 does not read it; only this decision does.
 */
export const PCI_HOLE64_SIZE: Readonly<Record<MachineType, number>> = { q35: 32 * GiB, pc: 2 * GiB };

const roundUpGiB = (n: number): number => Math.ceil(n / GiB) * GiB;

/**
 * QEMU's pc_max_used_gpa with RAM above 4 GiB at `start`: the end of the 64-bit PCI hole, which follows the
 * device-memory region when -m has slots/maxmem (pc_pci_hole64_start, pc_get_device_memory_range: maxmem - memory
 * plus 1 GiB of alignment slack per slot), else the end of RAM, rounded up to 1 GiB.
 */
export function maxUsedGpa(type: MachineType, memory: number, start: number, o: LayoutOptions): number {
  if (o.cpu.physBits <= 32) return 2 ** o.cpu.physBits - 1;
  const { above4g } = splitRam(type, memory, o.maxRamBelow4g);
  let end = start + above4g;
  if (o.maxmem !== undefined && o.slots !== undefined && o.slots > 0 && o.maxmem > memory) {
    end = roundUpGiB(end) + (o.maxmem - memory) + o.slots * GiB;
  }
  return roundUpGiB(end) + PCI_HOLE64_SIZE[type] - 1;
}

/**
 * The split of RAM, rounded as QEMU rounds it (qemuRamSize), around the 32-bit PCI hole, with `-machine
 * max-ram-below-4g` (hw/i386/pc_q35.c pc_q35_init: min(QEMU's lowmem, the option); pc_piix.c pc_init1: the option
 * replaces 0xe0000000, and gigabyte_align caps a split at 3 GiB).
 */
function splitRam(type: MachineType, requested: number, maxRamBelow4g?: number): { below4g: number; above4g: number } {
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

/**
 * How QEMU splits guest RAM around the 32-bit PCI hole (pc_q35.c / pc_piix.c), and where it puts the part above
 * 4 GiB (hw/i386/pc.c pc_memory_init): on an AMD vCPU, when the highest address in use would reach the
 * HyperTransport range below 1 TiB, all of it moves to 1 TiB, and the range is reserved in the e820 when the vCPU
 * has at least 40 address bits. Without `o`, the default vCPU (qemu64: AMD, 40 bits) on a 7.2 machine type.
 */
export function ramLayout(type: MachineType, memory: number, o: LayoutOptions = { cpu: { vendor: 'amd', physBits: 40 }, machineVersion: '7.2' }): RamLayout {
  const { below4g, above4g } = splitRam(type, memory, o.maxRamBelow4g);
  const amdHole = o.cpu.vendor === 'amd' && compareVersions(o.machineVersion, AMD_1TB_HOLE_SINCE) >= 0;
  const relocate = amdHole && maxUsedGpa(type, memory, FOUR_GIB, o) >= HT_HOLE_START;
  return { below4g, above4g, above4gStart: relocate ? ABOVE_1TB_START : FOUR_GIB, htHoleReserved: amdHole && o.cpu.physBits >= 40 };
}
