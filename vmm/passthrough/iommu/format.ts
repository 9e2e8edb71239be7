import { DMA_FAULT_REASONS } from './constants.js';
import type { DmaAccess, DmarFault } from './types.js';
import { bdfOfSourceId, hex2 } from '../../core/format.js';

/** Source id = bus << 8 | devfn (docs/iommu.md §3). */
export function sourceIdOf(bus: number, device: number, fn: number): number {
  return ((bus & 0xff) << 8) | ((device & 0x1f) << 3) | (fn & 7);
}

/** "00:02.0": bus and device as two hex digits, function as one digit (Linux %02x:%02x.%d). */
export const formatBdf = bdfOfSourceId;

/** Linux dma_remap_fault_reasons[] lookup; out-of-table reasons print "Unknown" as dmar_get_fault_reason does. */
export function faultReasonString(reason: number): string {
  return DMA_FAULT_REASONS[reason] ?? 'Unknown';
}

export interface DmarLineFields {
  readonly sourceId: number;
  readonly address: number;
  readonly reason: number;
  readonly access: DmaAccess;
  /** PASID when the record had PP set; absent → NO_PASID. */
  readonly pasid?: number;
}

/**
 * The current kernel's DMAR fault line (docs/iommu.md §7, LD after 719a19335692 and the BDF "0x" fix):
 * `DMAR: [DMA Read NO_PASID] Request device [00:02.0] fault addr 0x7f000000 [fault reason 0x06] PTE Read access is not set`.
 */
export function formatDmar(fault: DmarLineFields | DmarFault): string {
  const type = fault.access === 'read' ? 'DMA Read' : 'DMA Write';
  const pasid = 'pasid' in fault && fault.pasid !== undefined ? `PASID 0x${fault.pasid.toString(16)}` : 'NO_PASID';
  const addr = fault.address - (fault.address % 4096);
  return (
    `DMAR: [${type} ${pasid}] Request device [${formatBdf(fault.sourceId)}] fault addr 0x${addr.toString(16)} ` +
    `[fault reason 0x${hex2(fault.reason & 0xff)}] ${faultReasonString(fault.reason)}`
  );
}

/** Linux's first line of dmar_fault: "DMAR: DRHD: handling fault status reg %x". */
export function formatFaultStatus(fsts: number): string {
  return `DMAR: DRHD: handling fault status reg ${(fsts >>> 0).toString(16)}`;
}

export { hex } from '../../core/format.js';
