/**
 * The device-facing DMA contract: what a device model holds to reach memory. It lives with the devices (crosvm
 * keeps the equivalent in its devices and vm_memory crates) so that devices/ never imports the VMM; the VMM's
 * IOMMU (vmm/passthrough/iommu, docs/iommu.md §9) and the direct path below implement it.
 */
import type { GuestMemory } from './guest-memory.js';

/** A device's window onto memory through the IOMMU, bound to its source id. */
export interface DmaPort {
  readonly sourceId: number;
  /** A faulted read returns 0xffffffff (the fault is recorded by the IOMMU). */
  read32(iova: number): number;
  write32(iova: number, value: number): boolean;
  /** A faulted read returns all-ones (2^64 once rounded to a JS number). */
  read64(iova: number): number;
  write64(iova: number, value: number): boolean;
  /** Fills `out` from `iova`; false when any page faulted (faulted bytes read 0xff). */
  readBytes(iova: number, out: Uint8Array): boolean;
  writeBytes(iova: number, data: Uint8Array): boolean;
}

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
