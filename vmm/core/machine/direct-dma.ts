import type { DmaPort } from '../../passthrough/iommu/types.js';
import type { GuestMemory } from '../memory/guest-memory.js';

/** DMA without an IOMMU: the device addresses guest RAM directly (a machine with no remapping). */
export function directDma(sourceId: number, ram: GuestMemory): DmaPort {
  return {
    sourceId,
    read32: (a) => ram.read(a, 4),
    write32: (a, v) => (ram.write(a, 4, v), true),
    read64: (a) => ram.read64(a),
    write64: (a, v) => (ram.write64(a, v), true),
    readBytes: (a, out) => (ram.readBytes(a, out), true),
    writeBytes: (a, d) => (ram.writeBytes(a, d), true),
  };
}
