import type { GuestMemory } from '../../../devices/memory/guest-memory.js';

/** Memory that backs a mapping: guest RAM, or a VMM buffer (fake-BAR stolen memory, ...). */
export type DmaTarget = Pick<GuestMemory, 'read' | 'write' | 'readBytes' | 'writeBytes'>;

/** 'ram' mappings are guest RAM and subject to corruption checks; 'extra' are VMM-provided regions. */
export type MappingKind = 'ram' | 'extra';

export type DmaAccess = 'read' | 'write';

export interface Mapping {
  readonly iova: number;
  readonly size: number;
  readonly target: DmaTarget;
  readonly targetAddr: number;
  /** VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE, from the device's point of view. */
  readonly perms: number;
  readonly kind: MappingKind;
  readonly label: string;
}

export type VfioErrno = 'EINVAL' | 'EEXIST' | 'ENOSPC' | 'EFAULT' | 'EBUSY' | 'ENOMEM';

/** A refused vfio request; `errnoValue` is the negative number the ioctl would return. */
export interface VfioError {
  readonly ok: false;
  readonly errno: VfioErrno;
  readonly errnoValue: number;
  readonly message: string;
}

export type VfioResult = { readonly ok: true } | VfioError;
/** `unmapped` is the byte count vfio writes back into the UNMAP_DMA size field. */
export type VfioUnmapResult = { readonly ok: true; readonly unmapped: number } | VfioError;

export interface MapOptions {
  kind?: MappingKind;
  label?: string;
}

/** Inclusive IOVA range, as vfio's IOVA_RANGE capability and sysfs reserved_regions print them. */
export interface IovaRange {
  readonly start: number;
  readonly end: number;
}

/** What happened to a fault in the hardware registers (docs/iommu.md §7). The host log keeps all of them. */
export type FaultDisposition =
  | 'recorded' // written into a fault recording register
  | 'compressed' // a pending record already holds this source id
  | 'overflow' // the next record was still in use: this fault set FSTS.PFO
  | 'dropped-pfo' // PFO was already set
  | 'fpd'; // suppressed by the context entry's FPD bit (qualified reasons only)

/** One fault as the host-side log keeps it. */
export interface DmarFault {
  readonly sourceId: number;
  /** Faulting page address (FRCD.FI: the iova with bits 11:0 clear). */
  readonly address: number;
  readonly reason: number;
  readonly access: DmaAccess;
  readonly disposition: FaultDisposition;
}

/** Guest RAM written (or read) by a device outside the ranges it was given; `end` is exclusive. */
export interface CorruptionEvent {
  readonly sourceId: number;
  readonly source: string;
  readonly start: number;
  readonly end: number;
  readonly access: DmaAccess;
}

export interface IommuOptions {
  /** Guest address width, 39 or 48 (docs/iommu.md §2.2). Default 48. */
  awBits?: 39 | 48;
  /** Number of fault recording registers; QEMU has 1 (CAP.NFR = 0). */
  faultRecords?: number;
  /** IOTLB capacity; QEMU's is 1024 and flushes everything when full. */
  iotlbEntries?: number;
  /** Host-side fault log: details kept for this many faults; counts stay exact beyond it. */
  faultLogCap?: number;
  /** Bytes of host memory for root/context/page tables (reads outside it fail). Default 1 GiB. */
  tableMemoryBytes?: number;
  /** Called with (FEADDR, FEDATA) when a fault event MSI is sent. */
  onFaultInterrupt?: (address: number, data: number) => void;
}
