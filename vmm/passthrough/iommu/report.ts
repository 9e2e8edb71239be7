/** The IOMMU section of the boot report: plain data, addresses as hex strings like the rest of the report. */
import { DISPOSITIONS } from './fault-unit.js';
import { formatBdf, formatDmar, hex } from './format.js';
import type { Iommu } from './iommu.js';
import type { DmaAccess, FaultDisposition } from './types.js';

export interface IommuReport {
  /** Fault details, the first REPORT_FAULT_DETAILS (faultCount stays exact). */
  faults: { source: string; address: string; access: DmaAccess; reason: number; disposition: FaultDisposition; dmar: string }[];
  faultCount: number;
  faultDetailsDropped: number;
  /** Exact counts per (source, reason, access) with the lowest and highest faulting page. */
  faultGroups: { source: string; reason: number; access: DmaAccess; count: number; low: string; high: string }[];
  faultDispositions: Record<FaultDisposition, number>;
  corruption: { source: string; start: string; end: string; access: DmaAccess }[];
  iotlb: { hits: number; misses: number; fullFlushes: number };
  msiAccesses: number;
}

/**
 * Fault details a report lists: a guest that faults on every page of a big frame makes ~10^6 faults,
 * whose details would be ~200 bytes each in every JSON line. Counts and groups stay exact.
 */
export const REPORT_FAULT_DETAILS = 1000;

export function iommuReport(iommu: Iommu): IommuReport {
  const log = iommu.log;
  const dispositions = {} as Record<FaultDisposition, number>;
  DISPOSITIONS.forEach((d, i) => (dispositions[d] = log.byDisposition[i]!));
  const kept = log.details();
  return {
    faults: kept.slice(0, REPORT_FAULT_DETAILS).map((f) => ({
      source: formatBdf(f.sourceId),
      address: hex(f.address),
      access: f.access,
      reason: f.reason,
      disposition: f.disposition,
      dmar: formatDmar(f),
    })),
    faultCount: log.total,
    faultDetailsDropped: log.detailsDropped + Math.max(0, kept.length - REPORT_FAULT_DETAILS),
    faultGroups: log.summary().map((g) => ({ source: formatBdf(g.sourceId), reason: g.reason, access: g.access, count: g.count, low: hex(g.low), high: hex(g.high) })),
    faultDispositions: dispositions,
    corruption: iommu.corruption.events().map((c) => ({ source: c.source, start: hex(c.start), end: hex(c.end), access: c.access })),
    iotlb: { hits: iommu.hits, misses: iommu.misses, fullFlushes: iommu.iotlb.fullFlushes },
    msiAccesses: iommu.msiAccesses,
  };
}
