/** A device's window onto memory through the IOMMU, bound to its source id. */
export interface DmaPort {
  readonly sourceId: number;
  read32(iova: number): number;
  write32(iova: number, value: number): boolean;
  read64(iova: number): number;
  write64(iova: number, value: number): boolean;
  /** Fills `out` from `iova`; false when any page faulted (faulted bytes read 0xff). */
  readBytes(iova: number, out: Uint8Array): boolean;
  writeBytes(iova: number, data: Uint8Array): boolean;
}
